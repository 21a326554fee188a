package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

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

// The survey API answers what the OpenAPI document says; written answers
// of an anonymous survey never leave through it.
func TestSurveyAPIMatchesTheSpec(t *testing.T) {
	spec := loadSpec(t)
	spec.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, "sqlite")
	tok := e.token("koordinator")
	items, _, _ := surveyH(e).FindSurveys(context.Background(), survey.Filter{Q: "pratelske rodine"})
	id := items[0].ID
	for _, path := range []string{"/api/v1/surveys?per_page=5", fmt.Sprintf("/api/v1/surveys/%d", id), fmt.Sprintf("/api/v1/surveys/%d/results", id),
		fmt.Sprintf("/api/v1/surveys/%d/results?by=obec", id), fmt.Sprintf("/api/v1/surveys/%d/results?by=zmena", id), "/api/v1/surveys/999999"} {
		req := httptest.NewRequest("GET", "http://example.com"+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s: not in the spec: %v", path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s → %d does not match the spec: %v", path, rec.Code, err)
		}
		if strings.HasSuffix(path, "/results") {
			b := rec.Body.String()
			if !strings.Contains(b, `"share":65`) || strings.Contains(b, "Delší provoz školky") {
				t.Errorf("results: 65 %% missing or written answers of an anonymous survey given")
			}
		}
	}
	// Providers do not read surveys.
	req := httptest.NewRequest("GET", "/api/v1/surveys", nil)
	req.Header.Set("Authorization", "Bearer "+e.token("poskytovatel"))
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("provider token: %d", rec.Code)
	}
}

// A question's result becomes the value of a plan indicator for a year (the
// 2010 survey's 65 % "yes"), and the survey a voice input of a measure.
func TestSurveyResultIntoThePlan(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	c := e.session("koordinator")
	items, _, _ := surveyH(e).FindSurveys(ctx, survey.Filter{Q: "pratelske rodine"})
	page := fmt.Sprintf("/dotazniky/%d/plan", items[0].ID)
	rec := e.do("GET", page, nil, c)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "podíl „Ano“ (65,0 %)") {
		t.Fatalf("plan page %d:\n%s", rec.Code, body)
	}
	var ind, measure int64
	if err := e.db.QueryRow(ctx, `SELECT i.id, i.measure_id FROM plan_indicators i JOIN plan_measures m ON m.id = i.measure_id JOIN plan_periods p ON p.id = m.period_id
		WHERE p.current = ? AND i.method = 'manual' ORDER BY i.id LIMIT 1`, true).Scan(&ind, &measure); err != nil {
		t.Skipf("the demo plan has no manual indicator: %v", err)
	}
	_, qs, _ := surveyH(e).FindSurvey(ctx, items[0].ID)
	rec = e.do("POST", page+"/ukazatel", url.Values{"answer": {qs[0].Code + "=1"}, "indicator": {fmt.Sprint(ind)}, "year": {"tenkrát"}}, c)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Zadejte rok") {
		t.Errorf("bad year: %d", rec.Code)
	}
	rec = e.do("POST", page+"/ukazatel", url.Values{"answer": {qs[0].Code + "=1"}, "indicator": {fmt.Sprint(ind)}, "year": {"2010"}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("indicator: %d %s", rec.Code, rec.Body.String())
	}
	var value float64
	var note string
	if err := e.db.QueryRow(ctx, `SELECT value, note FROM plan_indicator_values WHERE indicator_id = ? AND year = 2010`, ind).Scan(&value, &note); err != nil || value != 65 || !strings.Contains(note, "200 odpovědí") {
		t.Errorf("indicator value = %v %q %v", value, note, err)
	}
	rec = e.do("POST", page+"/hlas", url.Values{"summary": {"65 % respondentů považuje Otrokovice za město přátelské rodině."}, "measures": {fmt.Sprint(measure)}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("voice: %d %s", rec.Code, rec.Body.String())
	}
	var voice int
	e.db.QueryRow(ctx, `SELECT COUNT(*) FROM voice_inputs WHERE source = 'survey' AND text LIKE ?`, "%přátelské rodině%").Scan(&voice)
	if voice != 1 {
		t.Errorf("voice inputs = %d", voice)
	}
}

// One question per page: the respondent moves on, back, saves to finish
// later through a private link, and sends; the conditions decide the pages.
// Saving the whole form for later works the same.
func TestSurveyOnePerPageAndSaveForLater(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	h := surveyH(e)
	v, err := h.CreateSurvey(ctx, survey.Survey{Title: "Krátký dotazník", State: survey.Published, PublicLink: true, Anonymous: true, OnePerPage: true}, []survey.Question{
		{Code: "deti", Kind: survey.Single, Label: "Máte děti?", Options: []string{"Ano", "Ne"}, Required: true},
		{Code: "kolik", Kind: survey.Number, Label: "Kolik?", Cond: &survey.Condition{Code: "deti", Values: []string{"1"}}},
		{Code: "spok", Kind: survey.Scale, Label: "Spokojenost", Required: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, qs, _ := h.FindSurvey(ctx, v.ID)
	rec := e.do("GET", v.RespondURL(), nil, nil)
	if b := rec.Body.String(); !strings.Contains(b, "Otázka 1 z 2") || strings.Contains(b, "Kolik?") {
		t.Fatalf("first page:\n%s", b)
	}
	step := func(vals url.Values) *httptest.ResponseRecorder {
		return e.do("POST", v.RespondURL()+"/krok", vals, nil)
	}
	// Required: no answer, no next page.
	if rec = step(url.Values{"q": {"deti"}, "nav": {"next"}}); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Otázka 1: odpovězte prosím") {
		t.Fatalf("required: %d", rec.Code)
	}
	rec = step(url.Values{"q": {"deti"}, "nav": {"next"}, qs[0].Field(): {"1"}})
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.Contains(loc, "/pokracovat/") || !strings.HasSuffix(loc, "otazka=kolik") {
		t.Fatalf("next: %d %s", rec.Code, loc)
	}
	resume := strings.Split(strings.Split(loc, "/pokracovat/")[1], "?")[0]
	if b := e.do("GET", loc, nil, nil).Body.String(); !strings.Contains(b, "Otázka 2 z 3") || !strings.Contains(b, "Kolik?") {
		t.Fatalf("second page:\n%s", b)
	}
	// Save for later: a page with the private link.
	rec = step(url.Values{"q": {"kolik"}, "r": {resume}, "nav": {"save"}, qs[1].Field(): {"2"}})
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "/ulozeno/"+resume) {
		t.Fatalf("save: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if b := e.do("GET", rec.Header().Get("Location"), nil, nil).Body.String(); !strings.Contains(b, "/pokracovat/"+resume) {
		t.Fatalf("saved page without the link")
	}
	// Coming back: the typed 2 is there; back goes to question 1 with Ano kept.
	if b := e.do("GET", v.RespondURL()+"/pokracovat/"+resume, nil, nil).Body.String(); !strings.Contains(b, `value="2"`) {
		t.Errorf("the draft lost the number")
	}
	rec = step(url.Values{"q": {"kolik"}, "r": {resume}, "nav": {"back"}, qs[1].Field(): {"2"}})
	if b := e.do("GET", rec.Header().Get("Location"), nil, nil).Body.String(); !strings.Contains(b, "Otázka 1 z 3") || !strings.Contains(b, `value="1" checked`) {
		t.Errorf("back to question 1:\n%s", b)
	}
	// Not counted until sent.
	if res, _ := h.Results(ctx, v.ID); res.Responses != 0 {
		t.Fatalf("a draft counted")
	}
	rec = step(url.Values{"q": {"kolik"}, "r": {resume}, "nav": {"next"}, qs[1].Field(): {"2"}})
	rec = step(url.Values{"q": {"spok"}, "r": {resume}, "nav": {"send"}, qs[2].Field(): {"4"}})
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "/dekujeme") {
		t.Fatalf("send: %d %s", rec.Code, rec.Body.String())
	}
	res, _ := h.Results(ctx, v.ID)
	if res.Responses != 1 || *res.Of("kolik").Mean != 2 || *res.Of("spok").Mean != 4 {
		t.Errorf("results = %+v", res.Questions)
	}
	if rec = e.do("GET", v.RespondURL()+"/pokracovat/"+resume, nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("the draft outlived its response: %d", rec.Code)
	}

	// The whole form saved for later (the 2026 survey).
	items, _, _ := h.FindSurveys(ctx, survey.Filter{Q: "spokojenost uzivatelu"})
	w := items[0]
	_, wq, _ := h.FindSurvey(ctx, w.ID)
	rec = e.do("POST", w.RespondURL(), url.Values{"nav": {"save"}, wq[0].Field(): {"2"}}, nil)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "/ulozeno/") {
		t.Fatalf("save the form: %d", rec.Code)
	}
	resume = strings.TrimPrefix(rec.Header().Get("Location"), w.RespondURL()+"/ulozeno/")
	b := e.do("GET", w.RespondURL()+"/pokracovat/"+resume, nil, nil).Body.String()
	if !strings.Contains(b, `value="2" checked`) || !strings.Contains(b, `name="r" value="`+resume+`"`) {
		t.Fatalf("the saved form:\n%s", b)
	}
	rec = e.do("POST", w.RespondURL(), url.Values{"r": {resume}, wq[0].Field(): {"2"}, wq[1].Field(): {"1"}, wq[2].Field(): {"5"}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("send the saved form: %d %s", rec.Code, rec.Body.String())
	}
	var partial int
	e.db.QueryRow(ctx, `SELECT COUNT(*) FROM survey_responses WHERE state = 'partial'`).Scan(&partial)
	if partial != 0 {
		t.Errorf("%d drafts left", partial)
	}
}
