package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kpss/internal/feedback"
	"kpss/internal/mail"
	"kpss/internal/survey"
)

func surveyH(e *testEnv) *survey.Handler { return e.srv.Env().Modules["survey"].(*survey.Handler) }

// The module's value is the feedback.Provider the workshops and speed
// networking look for; a feedback form is answered anonymously on its
// public page and summarised for the owner.
func TestSurveyIsTheFeedbackProvider(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			p, ok := e.srv.Env().Modules["survey"].(feedback.Provider)
			if !ok {
				t.Fatal("env.Modules[\"survey\"] is not a feedback.Provider")
			}
			ctx := context.Background()
			form, err := p.EnsureFeedback(ctx, feedback.Request{Owner: "workshop:7", Title: "Zpětná vazba: Komunikace s klientem", Audience: "účastníci workshopu"})
			if err != nil {
				t.Fatal(err)
			}
			rec := e.do("GET", form.RespondURL, nil, nil)
			body := rec.Body.String()
			if rec.Code != http.StatusOK || !strings.Contains(body, "<h1>Zpětná vazba: Komunikace s klientem</h1>") || !strings.Contains(body, "Jak jste byl(a) celkově spokojen(a)?") {
				t.Fatalf("respond page %d:\n%s", rec.Code, body)
			}
			_, qs, _ := surveyH(e).FindSurvey(ctx, form.SurveyID)
			sat := qs[0].Field()
			// Missing required answer: 422, a Czech error naming the question, the text kept.
			rec = e.do("POST", form.RespondURL, url.Values{qs[2].Field(): {"Praktické ukázky"}}, nil)
			body = rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Otázka 1: odpovězte prosím, tato otázka je povinná.") ||
				!strings.Contains(body, `href="#f-`+sat+`"`) || !strings.Contains(body, "Praktické ukázky") {
				t.Fatalf("missing answer: %d\n%s", rec.Code, body)
			}
			for _, point := range []string{"5", "4", "3"} {
				rec = e.do("POST", form.RespondURL, url.Values{sat: {point}, qs[2].Field(): {"Praktické ukázky"}}, nil)
				if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != form.RespondURL+"/dekujeme" {
					t.Fatalf("answer: %d %s", rec.Code, rec.Body.String())
				}
			}
			// A robot filling the hidden field is refused.
			if rec = e.do("POST", form.RespondURL, url.Values{sat: {"1"}, "web": {"http://spam"}}, nil); rec.Code == http.StatusSeeOther {
				t.Errorf("honeypot accepted")
			}
			res, err := p.FeedbackResults(ctx, []string{"workshop:7"})
			if err != nil || res["workshop:7"].Responses != 3 || res["workshop:7"].MeanSatisfaction != 4 {
				t.Fatalf("results = %+v, %v", res, err)
			}
			rec = e.do("GET", form.ResultsURL, nil, e.session("koordinator"))
			body = rec.Body.String()
			if rec.Code != http.StatusOK || !strings.Contains(body, "Odpověděli 3 respondenti") || !strings.Contains(body, "průměr 4,0") || !strings.Contains(body, "<svg") {
				t.Fatalf("results page %d:\n%s", rec.Code, body)
			}
			// The results are for staff only.
			if rec = e.do("GET", form.ResultsURL, nil, nil); rec.Code == http.StatusOK {
				t.Errorf("results open to the public")
			}
		})
	}
}

// The coordinator builds a survey in the browser's forms: settings, questions
// with a condition (refused on a later question, with the question named),
// publishes it, and a respondent sees the condition in words.
func TestSurveyBuilder(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	c := e.session("koordinator")
	rec := e.do("POST", "/dotazniky/novy", url.Values{"title": {""}, "min_group": {"5"}, "state": {"draft"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "error-summary") {
		t.Fatalf("empty title: %d", rec.Code)
	}
	rec = e.do("POST", "/dotazniky/novy", url.Values{"title": {"Spokojenost uživatelů služeb 2026"}, "wave": {"2026"}, "anonymous": {"on"}, "public_link": {"on"}, "min_group": {"5"}, "state": {"draft"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	base := rec.Header().Get("Location")
	add := func(vals url.Values) *http.Response {
		r := e.do("POST", base+"/otazky/nova", vals, c)
		return r.Result()
	}
	if r := add(url.Values{"label": {"Využíváte nějakou sociální službu?"}, "kind": {"single"}, "options": {"Ano\nNe"}, "required": {"on"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("question 1: %d", r.StatusCode)
	}
	if r := add(url.Values{"label": {"Jakou?"}, "kind": {"single"}, "options": {"Jen jednu"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("one option accepted: %d", r.StatusCode)
	}
	v := surveyH(e)
	items, _, _ := v.FindSurveys(context.Background(), survey.Filter{})
	id := items[0].ID
	_, qs, _ := v.FindSurvey(context.Background(), id)
	if len(qs) != 1 {
		t.Fatalf("questions = %d", len(qs))
	}
	if r := add(url.Values{"label": {"Jak jste se službou spokojen(a)?"}, "kind": {"matrix"}, "options": {"Spokojen\nNespokojen"}, "rows": {"Ochota\nDostupnost"}, "cond": {qs[0].Code + "=1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("question 2: %d", r.StatusCode)
	}
	_, qs, _ = v.FindSurvey(context.Background(), id)
	// Question 1 may not depend on the later question 2.
	rec = e.do("POST", fmt.Sprintf("%s/otazky/%d", base, qs[0].ID), url.Values{"label": {qs[0].Label}, "kind": {"single"}, "options": {"Ano\nNe"}, "cond": {qs[1].Code + "=*"}}, c)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("condition on a later question: %d", rec.Code)
	}
	// (The form offers only earlier questions; a forged one is refused in words.)
	if b := rec.Body.String(); !strings.Contains(b, "Otázka 1 (Využíváte nějakou sociální službu?) se nemůže řídit odpovědí na pozdější otázku 2.") {
		t.Errorf("no Czech error naming the question:\n%s", b)
	}
	// Moving question 2 above its condition's question is refused too.
	rec = e.do("POST", fmt.Sprintf("%s/otazky/%d/posun", base, qs[1].ID), url.Values{"dir": {"up"}}, c)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Otázka 1 (Jak jste se službou spokojen(a)?)") {
		t.Errorf("move above its condition: %d", rec.Code)
	}
	if rec = e.do("POST", base+"/stav", url.Values{"state": {"published"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d", rec.Code)
	}
	sv, _, _ := v.FindSurvey(context.Background(), id)
	rec = e.do("GET", sv.RespondURL(), nil, nil)
	body := rec.Body.String()
	for _, want := range []string{"Odpovězte, jen pokud jste v otázce 1 zvolili „Ano“.", `<th scope="col"`, `<th scope="row"`, "Ochota"} {
		if !strings.Contains(body, want) {
			t.Errorf("respond page misses %q", want)
		}
	}
	// A hidden question's answers are dropped: answering "Ne" and the matrix keeps only question 1.
	m := qs[1].Field()
	rec = e.do("POST", sv.RespondURL(), url.Values{qs[0].Field(): {"2"}, m + "-r1": {"1"}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("respond: %d %s", rec.Code, rec.Body.String())
	}
	res, _ := v.Results(context.Background(), id)
	if res.Responses != 1 || res.Questions[1].Answered != 0 {
		t.Errorf("hidden question counted: %+v", res.Questions[1])
	}
	// With a response, the structure is locked and anonymity stays on.
	rec = e.do("POST", base+"/otazky/nova", url.Values{"label": {"Další"}, "kind": {"text"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Dotazník už má odpovědi, proto nelze měnit typ") {
		t.Errorf("question added after responses: %d", rec.Code)
	}
	rec = e.do("POST", base+"/upravit", url.Values{"title": {sv.Title}, "public_link": {"on"}, "min_group": {"5"}, "state": {"published"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Anonymitu proto nelze vypnout") {
		t.Errorf("anonymity switched off: %d", rec.Code)
	}
}

// The demo region has the 2010 family-friendliness survey with 65 % "yes"
// (the figure the KPSS slides cite) and an open anonymous 2026 survey.
func TestSurveyDemo(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	v := surveyH(e)
	items, _, err := v.FindSurveys(ctx, survey.Filter{Q: "pratelske rodine"})
	if err != nil || len(items) != 1 || items[0].Wave != "2010" || items[0].State != survey.Closed {
		t.Fatalf("2010 survey: %+v %v", items, err)
	}
	res, err := v.Results(ctx, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if q := res.Of("pratelske"); q.Answered != 200 || q.Counts[0].Label != "Ano" || q.Counts[0].Share != 65 {
		t.Errorf("family friendly = %+v", q.Counts)
	}
	c := e.session("koordinator")
	rec := e.do("GET", fmt.Sprintf("/dotazniky/%d/vysledky", items[0].ID), nil, c)
	if !strings.Contains(rec.Body.String(), "65,0 %") {
		t.Errorf("results page without 65,0 %%")
	}
	// Split by municipality: Tlumačov and the other municipalities are small groups, hidden.
	rec = e.do("GET", fmt.Sprintf("/dotazniky/%d/vysledky?podle=obec", items[0].ID), nil, c)
	if b := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(b, "rozdělení podle skupin") || !strings.Contains(b, "n = ") {
		t.Errorf("cross-tab page %d", rec.Code)
	}
	// A new wave compares with 2010.
	rec = e.do("POST", fmt.Sprintf("/dotazniky/%d/kopie", items[0].ID), url.Values{"title": {"Otrokovice – město přátelské rodině"}, "wave": {"2026"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("copy: %d", rec.Code)
	}
	next := rec.Header().Get("Location")
	rec = e.do("GET", next+"/vysledky", nil, c)
	if b := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(b, "Podíl ve vlně 2010") || !strings.Contains(b, "<td>65,0 %</td>") {
		t.Errorf("wave comparison %d", rec.Code)
	}
	for _, path := range []string{"/vysledky.csv", "/vysledky.xlsx", "/papirovy", ""} {
		if rec = e.do("GET", fmt.Sprintf("/dotazniky/%d%s", items[0].ID, path), nil, c); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	items, _, _ = v.FindSurveys(ctx, survey.Filter{Q: "spokojenost uzivatelu"})
	if len(items) != 1 || !items[0].Anonymous || !items[0].PublicLink || !items[0].Open(time.Now()) || items[0].Responses == 0 {
		t.Fatalf("2026 survey: %+v", items)
	}
	rec = e.do("GET", items[0].RespondURL(), nil, nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Dotazník je anonymní") {
		t.Errorf("2026 public form: %d", rec.Code)
	}
}

// The public form takes at most 20 answers an hour from one address.
func TestSurveyPublicAnswersAreRateLimited(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	p := e.srv.Env().Modules["survey"].(feedback.Provider)
	form, err := p.EnsureFeedback(context.Background(), feedback.Request{Owner: "networking:2026", Title: "Rotující seznamka 2026"})
	if err != nil {
		t.Fatal(err)
	}
	_, qs, _ := surveyH(e).FindSurvey(context.Background(), form.SurveyID)
	for i := 0; i < 20; i++ {
		if rec := e.do("POST", form.RespondURL, url.Values{qs[0].Field(): {"4"}}, nil); rec.Code != http.StatusSeeOther {
			t.Fatalf("answer %d: %d", i+1, rec.Code)
		}
	}
	rec := e.do("POST", form.RespondURL, url.Values{qs[0].Field(): {"4"}}, nil)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "příliš mnoho odpovědí") {
		t.Errorf("21st answer: %d", rec.Code)
	}
}

// Personal invitations go through the outbox; each link takes one response;
// of an anonymous survey nothing ties an invitation to its response.
func TestSurveyInvitationsAndTokens(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			ctx := context.Background()
			mem := &mail.Memory{}
			e.srv.Env().Outbox.Mail = mem
			c := e.session("koordinator")
			h := surveyH(e)
			items, _, _ := h.FindSurveys(ctx, survey.Filter{Q: "spokojenost uzivatelu"})
			v := items[0]
			page := fmt.Sprintf("/dotazniky/%d/pozvanky", v.ID)
			rec := e.do("POST", page, url.Values{"recipients": {"Jana Nováková <jana@example.cz>\nneplatna-adresa"}}, c)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Řádek 2: „neplatna-adresa“ není platná e-mailová adresa.") {
				t.Fatalf("bad address: %d", rec.Code)
			}
			rec = e.do("POST", page, url.Values{"recipients": {"Jana Nováková <jana@example.cz>\npetr@example.cz\nJANA@example.cz"}}, c)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("invite: %d %s", rec.Code, rec.Body.String())
			}
			if b := e.do("GET", page, nil, c).Body.String(); !strings.Contains(b, "E-maily: 0 odesláno, 2 čeká") {
				t.Errorf("the page does not show the queued mail")
			}
			if len(mem.Messages()) != 0 {
				t.Fatalf("mail sent from the handler")
			}
			e.deliver()
			msgs := mem.Messages()
			if len(msgs) != 2 || !strings.Contains(msgs[0].Subject, v.Title) {
				t.Fatalf("delivered %d: %+v", len(msgs), msgs)
			}
			link := func(m mail.Message) string {
				i := strings.Index(m.Text, "/dotaznik/")
				return strings.Fields(m.Text[i:])[0]
			}
			jana := link(msgs[0])
			_, qs, _ := h.FindSurvey(ctx, v.ID)
			answer := url.Values{qs[0].Field(): {"1"}, qs[1].Field(): {"2"}, qs[2].Field(): {"5"}}
			if rec = e.do("GET", jana, nil, nil); rec.Code != http.StatusOK {
				t.Fatalf("token page: %d", rec.Code)
			}
			if rec = e.do("POST", jana, answer, nil); rec.Code != http.StatusSeeOther {
				t.Fatalf("token answer: %d %s", rec.Code, rec.Body.String())
			}
			// Single use: the second answer with the same link is refused.
			if rec = e.do("POST", jana, answer, nil); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Každá pozvánka platí jen pro jedno vyplnění") {
				t.Errorf("second use: %d", rec.Code)
			}
			if rec = e.do("GET", jana+"x", nil, nil); rec.Code != http.StatusNotFound {
				t.Errorf("unknown token: %d", rec.Code)
			}
			// Anonymous: the used invitation keeps no time and no response.
			var linked int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_invitations WHERE survey_id = ? AND (response_id IS NOT NULL OR used_at IS NOT NULL)`, v.ID).Scan(&linked)
			var used int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_invitations WHERE survey_id = ? AND used = ?`, v.ID, true).Scan(&used)
			if linked != 0 || used != 1 {
				t.Errorf("linked %d, used %d", linked, used)
			}
			var precise int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND submitted_at IS NOT NULL`, v.ID).Scan(&precise)
			if precise != 0 {
				t.Errorf("%d responses of an anonymous survey keep a precise time", precise)
			}
			// A reminder goes to Petr only, with a new link; his first link still works.
			mem.Reset()
			if rec = e.do("POST", page+"/pripominka", url.Values{}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("remind: %d", rec.Code)
			}
			e.deliver()
			msgs2 := mem.Messages()
			if len(msgs2) != 1 || !strings.Contains(msgs2[0].To[0], "petr@example.cz") || !strings.HasPrefix(msgs2[0].Subject, "Připomínka") {
				t.Fatalf("reminders: %+v", msgs2)
			}
			if rec = e.do("GET", link(msgs[1]), nil, nil); rec.Code != http.StatusOK {
				t.Errorf("the first link after a reminder: %d", rec.Code)
			}
			// After the retention period the addresses are erased.
			h.SetState(ctx, v.ID, survey.Closed)
			h.Service.Now = func() time.Time { return time.Now().Add(400 * 24 * time.Hour) }
			defer func() { h.Service.Now = time.Now }()
			if n, err := h.AnonymiseInvitations(ctx, survey.InvitationRetention, false); err != nil || n != 2 {
				t.Errorf("anonymised %d, %v", n, err)
			}
			var left int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_invitations WHERE email <> ''`).Scan(&left)
			if left != 0 {
				t.Errorf("%d addresses left", left)
			}
		})
	}
}
