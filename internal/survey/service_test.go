package survey

import (
	"context"
	"math"
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/feedback"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

func newService(t *testing.T, db *store.DB) *Service {
	t.Helper()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return NewService(db, audit.New(), time.Now)
}

func auditRows(t *testing.T, db *store.DB, entity string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = ?`, entity).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFeedbackProvider(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		var p feedback.Provider = svc
		opens := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
		form, err := p.EnsureFeedback(ctx, feedback.Request{Owner: "workshop:12", Title: "Zpětná vazba: Komunikace s klientem", Opens: opens, Audience: "účastníci workshopu"})
		if err != nil {
			t.Fatal(err)
		}
		if form.SurveyID == 0 || form.RespondURL == "" || form.ResultsURL != form.ResultsURL {
			t.Fatalf("form = %+v", form)
		}
		again, err := p.EnsureFeedback(ctx, feedback.Request{Owner: "workshop:12", Title: "Zpětná vazba: Komunikace s klientem", Opens: opens, Audience: "účastníci workshopu"})
		if err != nil || again != form {
			t.Fatalf("second call: %+v, %v; want %+v", again, err, form)
		}
		if n := auditRows(t, db, "survey"); n != 1 {
			t.Errorf("audit rows after create + unchanged ensure = %d, want 1", n)
		}
		renamed, err := p.EnsureFeedback(ctx, feedback.Request{Owner: "workshop:12", Title: "Zpětná vazba: Komunikace s klienty", Opens: opens})
		if err != nil || renamed.SurveyID != form.SurveyID {
			t.Fatalf("rename: %+v %v", renamed, err)
		}
		v, qs, err := svc.FindSurvey(ctx, form.SurveyID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Title != "Zpětná vazba: Komunikace s klienty" || !v.Anonymous || v.State != Published || len(qs) != len(FeedbackTemplate()) {
			t.Fatalf("survey = %+v, %d questions", v, len(qs))
		}
		if qs[0].Code != SatisfactionCode || qs[0].Kind != Scale || qs[0].ScaleMin != 1 || qs[0].ScaleMax != 5 {
			t.Fatalf("first question = %+v", qs[0])
		}
		for _, point := range []int{5, 4, 4, 2} {
			if _, err := svc.Submit(ctx, form.SurveyID, Submission{Channel: Link, Answers: Answers{SatisfactionCode: {Choices: []int{point}}, "nejlepsi": {Text: "Příklady z praxe"}}}); err != nil {
				t.Fatal(err)
			}
		}
		// The satisfaction question is required.
		_, err = svc.Submit(ctx, form.SurveyID, Submission{Channel: Link, Answers: Answers{"nejlepsi": {Text: "nic"}}})
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Invalid || e.Fields[qs[0].Field()].Key != "survey.err.answer_required" {
			t.Fatalf("missing satisfaction: %v", err)
		}
		if _, err := p.EnsureFeedback(ctx, feedback.Request{Owner: "networking:2026", Title: "Rotující seznamka 2026"}); err != nil {
			t.Fatal(err)
		}
		before := db.QueryCount()
		got, err := p.FeedbackResults(ctx, []string{"workshop:12", "networking:2026", "workshop:99"})
		if err != nil {
			t.Fatal(err)
		}
		if q := db.QueryCount() - before; q != 1 {
			t.Errorf("FeedbackResults ran %d queries, want 1", q)
		}
		w := got["workshop:12"]
		if w.Responses != 4 || math.Abs(w.MeanSatisfaction-3.75) > 1e-9 || w.ResultsURL != form.ResultsURL {
			t.Errorf("workshop result = %+v", w)
		}
		if n := got["networking:2026"]; n.Responses != 0 || n.MeanSatisfaction != 0 {
			t.Errorf("networking result = %+v", n)
		}
		if _, ok := got["workshop:99"]; ok || len(got) != 2 {
			t.Errorf("results = %v", got)
		}
		// Anonymous: the responses carry no precise time, and their audit rows no actor.
		var withTime int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE submitted_at IS NOT NULL`).Scan(&withTime)
		if withTime != 0 {
			t.Errorf("%d anonymous responses keep a precise time", withTime)
		}
	})
}

func TestResultsCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		v, err := svc.CreateSurvey(ctx, Survey{Title: "Rodinná politika 2010", Wave: "2010", State: Published, PublicLink: true}, []Question{
			{Code: "pratelske", Kind: Single, Label: "Je Otrokovice městem přátelským rodině?", Options: []string{"Ano", "Ne", "Nevím"}, Required: true},
			{Code: "proc", Kind: Multiple, Label: "Co pomáhá?", Options: []string{"Hřiště", "Školky", "Doprava"}, Other: true},
			{Code: "vek", Kind: Number, Label: "Věk", NumMin: ptr(15.0), NumMax: ptr(110.0)},
			{Code: "sluzby", Kind: Matrix, Label: "Jak hodnotíte", Rows: []string{"Školky", "Lékaře"}, Options: []string{"Dobře", "Špatně"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, qs, _ := svc.FindSurvey(ctx, v.ID)
		for i := 0; i < 20; i++ {
			choice := 1
			if i >= 13 {
				choice = 2 + i%2
			}
			a := Answers{"pratelske": {Choices: []int{choice}}}
			if i < 10 {
				a["proc"] = Answer{Choices: []int{1, 2}}
			}
			if i == 3 {
				a["proc"] = Answer{Choices: []int{0}, Other: "Knihovna"}
			}
			a["vek"] = Answer{Num: ptr(float64(20 + i))}
			a["sluzby"] = Answer{Rows: map[int]int{1: 1, 2: 1 + i%2}}
			if _, err := svc.Submit(ctx, v.ID, Submission{Channel: Link, Answers: a}); err != nil {
				t.Fatal(err)
			}
		}
		// A number out of range names the question and keeps nothing.
		_, err = svc.Submit(ctx, v.ID, Submission{Channel: Link, Answers: Answers{"pratelske": {Choices: []int{1}}, "vek": {Num: ptr(5.0)}}})
		if e, ok := apperr.As(err); !ok || e.Fields[qs[2].Field()].Key != "survey.err.number_range" {
			t.Fatalf("range: %v", err)
		}
		before := db.QueryCount()
		res, err := svc.Results(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if q := db.QueryCount() - before; q > 6 {
			t.Errorf("results took %d queries", q)
		}
		if res.Responses != 20 {
			t.Fatalf("responses = %d", res.Responses)
		}
		p := res.Of("pratelske")
		if p.Answered != 20 || p.Counts[0].Count != 13 || math.Abs(p.Counts[0].Share-65) > 1e-9 {
			t.Errorf("family-friendly = %+v", p.Counts)
		}
		m := res.Of("proc")
		if m.Answered != 10 || m.Counts[0].Count != 9 || m.Counts[3].Count != 1 || len(m.Texts) != 1 || m.Texts[0] != "Knihovna" {
			t.Errorf("multiple = %+v", m)
		}
		n := res.Of("vek")
		if n.Answered != 20 || *n.Mean != 29.5 || *n.Min != 20 || *n.Max != 39 {
			t.Errorf("number = %+v", n)
		}
		x := res.Of("sluzby")
		if x.Matrix[0].Counts[0].Count != 20 || x.Matrix[1].Counts[1].Count != 10 {
			t.Errorf("matrix = %+v", x.Matrix)
		}
		// The stored tallies are what a recount from the answers gives.
		if err := svc.RebuildTallies(ctx, v.ID); err != nil {
			t.Fatal(err)
		}
		again, _ := svc.Results(ctx, v.ID)
		if encodeJSON(again.Questions) != encodeJSON(res.Questions) {
			t.Errorf("tallies differ from a recount:\n%s\n%s", encodeJSON(res.Questions), encodeJSON(again.Questions))
		}
	})
}

func ptr[T any](v T) *T { return &v }
