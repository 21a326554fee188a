package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/grant"
	"kpss/internal/store"
)

func grantSvc(e *testEnv) *grant.Service { return e.srv.Env().Modules["grant"].(*grantModule).h.Svc }

func grantCallID(t testing.TB, e *testEnv, year int) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM grant_calls WHERE year = ? ORDER BY id LIMIT 1`, year).Scan(&id); err != nil {
		t.Fatalf("call %d: %v", year, err)
	}
	return id
}

func grantAppOf(t testing.TB, e *testEnv, callID, orgID int64) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM grant_applications WHERE call_id = ? AND organisation_id = ?`, callID, orgID).Scan(&id); err != nil {
		t.Fatalf("application: %v", err)
	}
	return id
}

func grantAudits(t testing.TB, e *testEnv, entity, action string, id int64) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND action = ? AND entity_id = ?`, "grant_"+entity, action, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func grantCallForm(weights ...string) url.Values {
	v := url.Values{"title": {"Dotace na sociální služby 2028"}, "year": {"2028"}, "budget": {"2 000 000"}, "max_request": {"500 000"},
		"scale_max": {"5"}, "eligible_types": {"p40", "p49"}, "apply_from": {"2028-01-03"}, "apply_until": {"14. 2. 2028"},
		"third_rule": {"median"}, "alloc_method": {"proportional"}, "cap_pct": {"90"}, "min_score": {"40"}, "disagree_pct": {"15"},
		"criteria_n": {"0"}, "formal_checks": {"Podepsáno\nV termínu"}}
	for i, w := range weights {
		v.Set(grant.CriterionField(i, "name"), "Kritérium "+strconv.Itoa(i+1))
		v.Set(grant.CriterionField(i, "weight"), w)
		v.Set(grant.CriterionField(i, "levels"), "nic\nmálo\nčást\npolovina\nvětšina\nvše")
	}
	return v
}

// The coordinator's call: weights must sum to 100, every level worded,
// the form keeps what was typed; the saved call shows its criteria.
func TestGrantCallCriteriaWeightsSumTo100(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			coord := e.session("koordinator")
			rec := e.do("POST", "/dotace/vyzvy/nova", grantCallForm("30", "30"), coord)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Váhy kritérií musí dát dohromady 100 %, teď dávají 60 %") ||
				!strings.Contains(body, `value="Dotace na sociální služby 2028"`) || !strings.Contains(body, `value="Kritérium 2"`) {
				t.Fatalf("weights 60: %d %s", rec.Code, grantErrors(body))
			}
			form := grantCallForm("60", "40")
			form.Set(grant.CriterionField(1, "levels"), "nic\nmálo")
			rec = e.do("POST", "/dotace/vyzvy/nova", form, coord)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Popište všech 6 bodových stupňů") {
				t.Fatalf("levels: %d %s", rec.Code, grantErrors(rec.Body.String()))
			}
			rec = e.do("POST", "/dotace/vyzvy/nova", grantCallForm("60", "40"), coord)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("save: %d %s", rec.Code, grantErrors(rec.Body.String()))
			}
			loc := rec.Header().Get("Location")
			page := e.do("GET", loc, nil, coord).Body.String()
			for _, want := range []string{"Kritérium 1", "60&nbsp;%", "pečovatelská služba (§ 40)", "2\u00a0000\u00a0000\u00a0Kč", "14.\u00a02.\u00a02028", "medián"} {
				if !strings.Contains(page, want) && !strings.Contains(page, strings.ReplaceAll(want, "&nbsp;", "\u00a0")) {
					t.Errorf("call page misses %q", want)
				}
			}
			id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/dotace/vyzvy/"), 10, 64)
			if grantAudits(t, e, "call", "create", id) != 1 {
				t.Errorf("no audit row of the new call")
			}
			// A draft call (announced in 2028) is not public.
			if rec := e.do("GET", loc, nil, nil); rec.Code != http.StatusNotFound {
				t.Errorf("draft call public: %d", rec.Code)
			}
		})
	}
}

func grantErrors(body string) string {
	i := strings.Index(body, `class="error-summary"`)
	if i < 0 {
		return "(no error summary)"
	}
	j := strings.Index(body[i:], "</ul>")
	if j < 0 {
		j = len(body) - i
	}
	return body[i : i+j]
}

// Copying last year's call keeps criteria, checks and rules, moves the dates.
func TestGrantCallCopiedFromLastYear(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord := e.session("koordinator")
	src := grantCallID(t, e, 2026)
	rec := e.do("POST", "/dotace/vyzvy/"+strconv.FormatInt(src, 10)+"/kopie", url.Values{}, coord)
	if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "/upravit") {
		t.Fatalf("copy: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	ctx := context.Background()
	cs, err := grantSvc(e).FindCalls(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0] // newest first: the copy (2027) with the highest id
	orig, _ := grantSvc(e).FindCall(ctx, src, true)
	if c.Year != 2027 || c.CopiedFrom == nil || *c.CopiedFrom != src || len(c.Criteria) != len(orig.Criteria) || c.Criteria[0].Name != orig.Criteria[0].Name ||
		c.Criteria[0].Levels[5] != orig.Criteria[0].Levels[5] || c.ApplyUntil.Year() != orig.ApplyUntil.Year()+1 || !c.DecisionDate.IsZero() || len(c.FormalChecks) != len(orig.FormalChecks) {
		t.Fatalf("copy: %+v", c)
	}
	form := e.do("GET", rec.Header().Get("Location"), nil, coord).Body.String()
	if !strings.Contains(form, `value="Dotace na sociální služby 2027"`) || !strings.Contains(form, "Potřebnost služby v území") {
		t.Errorf("copy's form")
	}
}

func grantAppForm(t testing.TB, e *testEnv, appID int64, c *http.Cookie) url.Values {
	t.Helper()
	a, err := grantSvc(e).FindApplication(context.Background(), appID)
	if err != nil {
		t.Fatal(err)
	}
	rec := e.do("GET", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", nil, c)
	if rec.Code != http.StatusOK {
		t.Fatalf("form: %d", rec.Code)
	}
	v := url.Values{"contact_name": {a.ContactName}, "contact_email": {a.ContactEmail}, "contact_phone": {a.ContactPhone}}
	for _, s := range a.Services {
		v.Set(grant.ServiceField(s.ServiceID, "requested"), strconv.FormatInt(int64(s.Requested), 10))
		for _, l := range s.Lines {
			v.Set(grant.LineField(s.ServiceID, l.Kind, "total"), strconv.FormatInt(int64(l.TotalCost), 10))
			v.Set(grant.LineField(s.ServiceID, l.Kind, "other"), strconv.FormatInt(int64(l.OtherSources), 10))
			v.Set(grant.LineField(s.ServiceID, l.Kind, "requested"), strconv.FormatInt(int64(l.Requested), 10))
		}
	}
	for id, body := range a.Narratives {
		v.Set(grant.NarrativeField(id), body)
	}
	return v
}

// A returning applicant: the 2027 application comes filled in from 2026;
// the Czech budget rules refuse with clear errors and keep what was typed;
// the submitted application is frozen; after the deadline nothing changes
// until the coordinator reopens it with a reason.
func TestGrantApplicationRulesAndDeadline(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			prov := e.session("poskytovatel")
			callID := grantCallID(t, e, 2027)
			rec := e.do("POST", "/dotace/vyzvy/"+strconv.FormatInt(callID, 10)+"/zadost", url.Values{}, prov)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("start: %d", rec.Code)
			}
			appID := grantAppOf(t, e, callID, e.ids.charita)
			page := e.do("GET", rec.Header().Get("Location"), nil, prov).Body.String()
			for _, want := range []string{`value="Bc. Lenka Horáková"`, `value="420000"`, "Pečovatelská služba Otrokovice", "Tento druh služby výzva nepodporuje",
				"Pečovatelská služba je podle komunitního plánu nejžádanější"} {
				if !strings.Contains(page, want) {
					t.Errorf("prefilled form misses %q", want)
				}
			}
			form := grantAppForm(t, e, appID, prov)
			a, _ := grantSvc(e).FindApplication(context.Background(), appID)
			svcID := a.Services[0].ServiceID
			// Lines do not sum to the request.
			form.Set(grant.LineField(svcID, "staff", "requested"), "290 000")
			form.Set("action", "submit")
			rec = e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", form, prov)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "dávají řádky rozpočtu dohromady") || !strings.Contains(body, `value="290 000"`) {
				t.Fatalf("line sum: %d %s", rec.Code, grantErrors(body))
			}
			// More than not covered by other sources, over the maximum, a bad amount.
			form.Set(grant.LineField(svcID, "staff", "requested"), "5 000 000")
			form.Set(grant.ServiceField(svcID, "requested"), "5 000 000")
			form.Set(grant.LineField(svcID, "energy", "total"), "dvacet")
			rec = e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", form, prov)
			body = rec.Body.String()
			for _, want := range []string{"Požadavek na město může být nejvýše", "výzva dovoluje nejvýše 600\u00a0000\u00a0Kč", "Zadejte částku v celých korunách", `value="dvacet"`} {
				if !strings.Contains(body, want) {
					t.Errorf("rules: %d misses %q in %s", rec.Code, want, grantErrors(body))
				}
			}
			// Narratives required on submit.
			form = grantAppForm(t, e, appID, prov)
			for _, cr := range mustCall(t, e, callID).Criteria {
				form.Set(grant.NarrativeField(cr.ID), "")
			}
			form.Set("action", "submit")
			rec = e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", form, prov)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Popište kritérium „Potřebnost služby v území“") {
				t.Fatalf("narratives: %d", rec.Code)
			}
			form = grantAppForm(t, e, appID, prov)
			form.Set("action", "submit")
			rec = e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", form, prov)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("submit: %d %s", rec.Code, grantErrors(rec.Body.String()))
			}
			if grantAudits(t, e, "application", "submit", appID) != 1 {
				t.Errorf("no audit row of the submission")
			}
			if rec := e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", form, prov); rec.Code != http.StatusConflict ||
				!strings.Contains(rec.Body.String(), "Podanou žádost už nelze měnit") {
				t.Errorf("submitted, edited again: %d", rec.Code)
			}
			// The deadline passes: the coordinator reopens with a reason.
			svc := grantSvc(e)
			later := time.Now().AddDate(0, 3, 0)
			svc.Now = func() time.Time { return later }
			ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
			if _, err := svc.Reopen(ctx, appID, store.Date{}, ""); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("reopen without reason: %v", err)
			}
			if rec := e.do("GET", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", nil, prov); rec.Code != http.StatusConflict {
				t.Errorf("after the deadline: %d", rec.Code)
			}
			until := later.AddDate(0, 0, 3).Format("2006-01-02")
			rec = e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/otevrit", url.Values{"reopen_until": {until}, "reopen_reason": {"Chyba v rozpočtu, opraví do pátku."}}, e.session("koordinator"))
			if rec.Code != http.StatusSeeOther || grantAudits(t, e, "application", "reopen", appID) != 1 {
				t.Fatalf("reopen: %d", rec.Code)
			}
			page = e.do("GET", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", nil, prov).Body.String()
			if !strings.Contains(page, "Chyba v rozpočtu, opraví do pátku.") {
				t.Errorf("reopened form does not say why")
			}
		})
	}
}

func mustCall(t testing.TB, e *testEnv, id int64) *grant.Call {
	c, err := grantSvc(e).FindCall(context.Background(), id, true)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The provider sees only its own organisation's applications (pages, API,
// attachments); the formal check returns or passes them.
func TestGrantProviderSeesOnlyOwnApplications(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) { grantOwnApplications(t, engine) })
	}
}

func grantOwnApplications(t *testing.T, engine string) {
	e := newTestEnv(t, engine)
	ctx := context.Background()
	if _, err := e.srv.Auth().CreateUser(ctx, auth.UserInput{Login: "nadeje", Role: auth.RoleProvider, OrganisationID: &e.ids.otherOrg, Active: true}, demoPassword, true); err != nil {
		t.Fatal(err)
	}
	call := grantCallID(t, e, 2026)
	charitaApp, nadejeApp := grantAppOf(t, e, call, e.ids.charita), grantAppOf(t, e, call, e.ids.otherOrg)
	prov, other := e.session("poskytovatel"), e.session("nadeje")
	cases := []struct {
		path string
		c    *http.Cookie
		want int
	}{
		{"/dotace/zadosti/" + strconv.FormatInt(charitaApp, 10), prov, 200},
		{"/dotace/zadosti/" + strconv.FormatInt(nadejeApp, 10), prov, 403},
		{"/dotace/zadosti/" + strconv.FormatInt(nadejeApp, 10), other, 200},
		{"/dotace/zadosti/" + strconv.FormatInt(charitaApp, 10), other, 403},
		{"/dotace/zadosti/" + strconv.FormatInt(charitaApp, 10), e.session("hodnotitel"), 403},
		{"/dotace/zadosti/" + strconv.FormatInt(charitaApp, 10), e.session("koordinator"), 200},
		{"/dotace/zadosti/" + strconv.FormatInt(charitaApp, 10) + "/upravit", other, 403},
		{"/dotace/vyzvy/" + strconv.FormatInt(call, 10) + "/zadosti", prov, 403},
		{"/dotace/moje", prov, 200},
	}
	for _, c := range cases {
		if rec := e.do("GET", c.path, nil, c.c); rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.path, rec.Code, c.want)
		}
	}
	mine := e.do("GET", "/dotace/moje", nil, other).Body.String()
	if !strings.Contains(mine, "Dotace na sociální služby 2026") || strings.Contains(mine, "/dotace/zadosti/"+strconv.FormatInt(charitaApp, 10)+`"`) {
		t.Errorf("my applications list another's")
	}
	// API: the token lists only the organisation's own.
	req := httptest.NewRequest("GET", "/api/v1/grant-applications", nil)
	req.Header.Set("Authorization", "Bearer "+e.token("nadeje"))
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	var list struct {
		Data []grant.Application `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Data) == 0 {
		t.Fatalf("api: %d %v", rec.Code, err)
	}
	for _, a := range list.Data {
		if a.OrganisationID != e.ids.otherOrg {
			t.Errorf("api lists application %d of organisation %d", a.ID, a.OrganisationID)
		}
	}
	// Attachments: the demo's completed application has one.
	var att, attApp int64
	if err := e.db.QueryRow(ctx, `SELECT id, application_id FROM grant_attachments ORDER BY id LIMIT 1`).Scan(&att, &attApp); err != nil {
		t.Fatal(err)
	}
	if rec := e.do("GET", "/dotace/prilohy/"+strconv.FormatInt(att, 10), nil, e.session("koordinator")); rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Errorf("coordinator download: %d", rec.Code)
	}
	if rec := e.do("GET", "/dotace/prilohy/"+strconv.FormatInt(att, 10), nil, prov); rec.Code != 403 {
		t.Errorf("another provider downloads: %d", rec.Code)
	}
}

// Attachments are sniffed: a text file named .pdf is refused, a PDF kept.
func TestGrantAttachmentIsSniffed(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	prov := e.session("poskytovatel")
	callID := grantCallID(t, e, 2027)
	e.do("POST", "/dotace/vyzvy/"+strconv.FormatInt(callID, 10)+"/zadost", url.Values{}, prov)
	appID := grantAppOf(t, e, callID, e.ids.charita)
	upload := func(name string, data []byte) *httptest.ResponseRecorder {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		req := httptest.NewRequest("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/prilohy", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(prov)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		return rec
	}
	if rec := upload("rozpocet.pdf", []byte("toto není PDF")); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Nahrát lze jen soubor PDF") {
		t.Errorf("text as pdf: %d", rec.Code)
	}
	if rec := upload("Rozhodnutí o registraci.pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")); rec.Code != http.StatusSeeOther {
		t.Fatalf("pdf: %d", rec.Code)
	}
	page := e.do("GET", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", nil, prov).Body.String()
	if !strings.Contains(page, "Rozhodnutí o registraci.pdf") {
		t.Errorf("attachment not listed")
	}
}

// The formal check: passing needs every check; returning needs a note and
// a deadline, and the provider may complete the application until then.
func TestGrantFormalCheck(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord, prov := e.session("koordinator"), e.session("poskytovatel")
	callID := grantCallID(t, e, 2027)
	e.do("POST", "/dotace/vyzvy/"+strconv.FormatInt(callID, 10)+"/zadost", url.Values{}, prov)
	appID := grantAppOf(t, e, callID, e.ids.charita)
	form := grantAppForm(t, e, appID, prov)
	form.Set("action", "submit")
	if rec := e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", form, prov); rec.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", rec.Code, grantErrors(rec.Body.String()))
	}
	path := "/dotace/zadosti/" + strconv.FormatInt(appID, 10) + "/kontrola"
	rec := e.do("POST", path, url.Values{"decision": {"passed"}, "checks": {"Žádost podána v termínu"}}, coord)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "musí být splněny všechny podmínky") {
		t.Fatalf("pass with a check missing: %d", rec.Code)
	}
	rec = e.do("POST", path, url.Values{"decision": {"returned"}, "check_note": {""}}, coord)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Napište žadateli, co má doplnit") || !strings.Contains(body, "Zadejte termín pro doplnění") {
		t.Fatalf("return without note: %d", rec.Code)
	}
	fix := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
	rec = e.do("POST", path, url.Values{"decision": {"returned"}, "check_note": {"Doplňte podpis statutárního zástupce."}, "fix_until": {fix}}, coord)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("return: %d", rec.Code)
	}
	page := e.do("GET", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", nil, prov)
	if page.Code != 200 || !strings.Contains(page.Body.String(), "Doplňte podpis statutárního zástupce.") {
		t.Fatalf("provider completes: %d", page.Code)
	}
}

// grantSubmitted submits Charita's 2027 application and passes its formal check.
func grantSubmitted(t testing.TB, e *testEnv) (callID, appID int64) {
	t.Helper()
	prov := e.session("poskytovatel")
	callID = grantCallID(t, e, 2027)
	e.do("POST", "/dotace/vyzvy/"+strconv.FormatInt(callID, 10)+"/zadost", url.Values{}, prov)
	appID = grantAppOf(t, e, callID, e.ids.charita)
	form := grantAppForm(t, e, appID, prov)
	form.Set("action", "submit")
	if rec := e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/upravit", form, prov); rec.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", rec.Code, grantErrors(rec.Body.String()))
	}
	c := mustCall(t, e, callID)
	if rec := e.do("POST", "/dotace/zadosti/"+strconv.FormatInt(appID, 10)+"/kontrola", url.Values{"decision": {"passed"}, "checks": c.FormalChecks}, e.session("koordinator")); rec.Code != http.StatusSeeOther {
		t.Fatalf("check: %d", rec.Code)
	}
	return callID, appID
}

func grantAssignmentOf(t testing.TB, e *testEnv, appID int64, login string) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT g.id FROM grant_assignments g JOIN users u ON u.id = g.evaluator_id WHERE g.application_id = ? AND u.login = ?`, appID, login).Scan(&id); err != nil {
		t.Fatalf("assignment of %s: %v", login, err)
	}
	return id
}

func grantScoreForm(c *grant.Call, scores []int, comment string, recommend bool) url.Values {
	v := url.Values{"action": {"submit"}, "summary": {"Shrnutí"}}
	for i, cr := range c.Criteria {
		v.Set(grant.ScoreField(cr.ID, "score"), strconv.Itoa(scores[i]))
		v.Set(grant.ScoreField(cr.ID, "comment"), comment)
	}
	if recommend {
		v.Set("recommend", "on")
	}
	return v
}

func grantAPIGet(t testing.TB, e *testEnv, path, login string) map[string]any {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+e.token(login))
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	var out map[string]any
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		t.Fatalf("%s as %s: %d %s", path, login, rec.Code, rec.Body.String())
	}
	return out
}

// Evaluators: a conflict of interest from the registry is never offered
// and cannot be assigned; an evaluator declares before seeing anything;
// scoring is blind until one's own is submitted; a score below the maximum
// needs a comment; disagreeing totals bring a third evaluator with the reason.
func TestGrantEvaluationBlindWithConflictsAndThirdEvaluator(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			ctx := context.Background()
			// An evaluator who is Charita's contact person in the registry.
			var lenka int64
			if err := e.db.QueryRow(ctx, `SELECT id FROM people WHERE name = ?`, "Bc. Lenka Horáková").Scan(&lenka); err != nil {
				t.Fatal(err)
			}
			u, err := e.srv.Auth().CreateUser(ctx, auth.UserInput{Login: "hodnotitel5", FullName: "Lenka Horáková", Role: auth.RoleEvaluator, PersonID: &lenka, Active: true}, demoPassword, true)
			if err != nil {
				t.Fatal(err)
			}
			callID, appID := grantSubmitted(t, e)
			coord := e.session("koordinator")
			board := "/dotace/vyzvy/" + strconv.FormatInt(callID, 10) + "/hodnotitele"
			page := e.do("GET", board, nil, coord).Body.String()
			if !strings.Contains(page, "Nenabízí se: Lenka Horáková (pracuje pro žadatele nebo je jeho kontaktní osobou)") ||
				strings.Contains(page, `<option value="`+strconv.FormatInt(u.ID, 10)+`"`) {
				t.Fatalf("the registry's conflict is offered")
			}
			rec := e.do("POST", board, url.Values{"application_id": {strconv.FormatInt(appID, 10)}, "evaluator_id": {strconv.FormatInt(u.ID, 10)}}, coord)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "střet zájmů") {
				t.Fatalf("conflict assigned: %d", rec.Code)
			}
			for _, login := range []string{"hodnotitel", "hodnotitel2"} {
				ev, _ := e.srv.Auth().FindUserByLogin(ctx, login)
				if rec := e.do("POST", board, url.Values{"application_id": {strconv.FormatInt(appID, 10)}, "evaluator_id": {strconv.FormatInt(ev.ID, 10)}}, coord); rec.Code != http.StatusSeeOther {
					t.Fatalf("assign %s: %d %s", login, rec.Code, grantErrors(rec.Body.String()))
				}
			}
			c := mustCall(t, e, callID)
			g1, g2 := grantAssignmentOf(t, e, appID, "hodnotitel"), grantAssignmentOf(t, e, appID, "hodnotitel2")
			ev1, ev2 := e.session("hodnotitel"), e.session("hodnotitel2")
			p1 := "/dotace/hodnoceni/" + strconv.FormatInt(g1, 10)
			narrative := "Pečovatelská služba je podle komunitního plánu nejžádanější"
			// Before the declaration: nothing of the application.
			if body := e.do("GET", p1, nil, ev1).Body.String(); !strings.Contains(body, "Prohlášení o střetu zájmů") || strings.Contains(body, narrative) || strings.Contains(body, "420\u00a0000") {
				t.Fatalf("application shown before the declaration")
			}
			if rec := e.do("POST", p1, grantScoreForm(c, []int{5, 5, 5, 5}, "", true), ev1); rec.Code != http.StatusConflict {
				t.Errorf("scored before declaring: %d", rec.Code)
			}
			// Another evaluator's assignment is not theirs.
			if rec := e.do("GET", "/dotace/hodnoceni/"+strconv.FormatInt(g2, 10), nil, ev1); rec.Code != http.StatusForbidden {
				t.Errorf("another's assignment: %d", rec.Code)
			}
			for _, x := range []struct {
				path string
				c    *http.Cookie
			}{{p1, ev1}, {"/dotace/hodnoceni/" + strconv.FormatInt(g2, 10), ev2}} {
				if rec := e.do("POST", x.path+"/prohlaseni", url.Values{"declaration": {"none"}}, x.c); rec.Code != http.StatusSeeOther {
					t.Fatalf("declare: %d", rec.Code)
				}
			}
			if body := e.do("GET", p1, nil, ev1).Body.String(); !strings.Contains(body, narrative) {
				t.Errorf("application not shown after the declaration")
			}
			// Below the maximum without a comment.
			rec = e.do("POST", p1, grantScoreForm(c, []int{5, 4, 5, 5}, "", true), ev1)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "nedáváte plných 5 bodů – zdůvodněte to komentářem") {
				t.Fatalf("no comment: %d %s", rec.Code, grantErrors(rec.Body.String()))
			}
			form := grantScoreForm(c, []int{5, 4, 5, 5}, "Tajný komentář prvního hodnotitele.", true)
			app, _ := grantSvc(e).FindApplication(ctx, appID)
			line := app.Services[0].Lines[0].ID
			form.Set(grant.FlagField(line, "kind"), "overstated")
			form.Set(grant.FlagField(line, "amount"), "999 999 999")
			if rec := e.do("POST", p1, form, ev1); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Zadejte částku snížení od 1 Kč") {
				t.Fatalf("flag over the line: %d", rec.Code)
			}
			form.Set(grant.FlagField(line, "amount"), "10 000")
			if rec := e.do("POST", p1, form, ev1); rec.Code != http.StatusSeeOther {
				t.Fatalf("submit 1: %d %s", rec.Code, grantErrors(rec.Body.String()))
			}
			// Blind: the second sees nothing of the first, on the page or in the API.
			p2 := "/dotace/hodnoceni/" + strconv.FormatInt(g2, 10)
			if body := e.do("GET", p2, nil, ev2).Body.String(); strings.Contains(body, "Tajný komentář") || strings.Contains(body, "95,0") || strings.Contains(body, "Hodnotitel 1") {
				t.Errorf("the second evaluator sees the first's scores")
			}
			api := grantAPIGet(t, e, "/api/v1/grant-assignments/"+strconv.FormatInt(g2, 10), "hodnotitel2")
			if others := api["others"].([]any); len(others) != 0 {
				t.Errorf("api shows %d other scores before submission", len(others))
			}
			// The second disagrees: 2 points everywhere, not recommending.
			if rec := e.do("POST", p2, grantScoreForm(c, []int{2, 2, 2, 2}, "Slabé.", false), ev2); rec.Code != http.StatusSeeOther {
				t.Fatalf("submit 2: %d %s", rec.Code, grantErrors(rec.Body.String()))
			}
			api = grantAPIGet(t, e, "/api/v1/grant-assignments/"+strconv.FormatInt(g2, 10), "hodnotitel2")
			if others := api["others"].([]any); len(others) != 1 {
				t.Errorf("after submission the api shows %d others", len(others))
			}
			if body := e.do("GET", p2, nil, ev2).Body.String(); !strings.Contains(body, "Hodnotitel 1") || !strings.Contains(body, "95,0") || strings.Contains(body, "PhDr. Marie Novotná") {
				t.Errorf("after submission: others' scores missing or named")
			}
			// A third evaluator was assigned, never the one in conflict, with the reason.
			var third int64
			var reason, login string
			if err := e.db.QueryRow(ctx, `SELECT g.id, g.reason, u.login FROM grant_assignments g JOIN users u ON u.id = g.evaluator_id WHERE g.application_id = ? AND g.third = ?`, appID, true).Scan(&third, &reason, &login); err != nil {
				t.Fatalf("no third evaluator: %v", err)
			}
			if login == "hodnotitel5" || !strings.Contains(reason, "součty se liší o 55,0 bodu ze 100 (více než 20 % maxima)") || !strings.Contains(reason, "doporučuje a druhý ne") ||
				!strings.Contains(reason, "body 5 a 2 (rozdíl alespoň 3)") {
				t.Errorf("third %s: %q", login, reason)
			}
			if page := e.do("GET", board, nil, coord).Body.String(); !strings.Contains(page, "Proč třetí: součty se liší") {
				t.Errorf("board does not say why")
			}
			// Submitted is final.
			if rec := e.do("POST", p2, grantScoreForm(c, []int{5, 5, 5, 5}, "", true), ev2); rec.Code != http.StatusConflict {
				t.Errorf("re-scored: %d", rec.Code)
			}
			// The third declares a conflict: nothing to score; the coordinator sees it.
			if rec := e.do("POST", "/dotace/hodnoceni/"+strconv.FormatInt(third, 10)+"/prohlaseni", url.Values{"declaration": {"conflict"}}, e.session(login)); rec.Code != http.StatusSeeOther {
				t.Fatalf("declare conflict: %d", rec.Code)
			}
			if page := e.do("GET", board, nil, coord).Body.String(); !strings.Contains(page, "střet zájmů") {
				t.Errorf("board does not show the declared conflict")
			}
			// The flag halves over two evaluations: 10 000 Kč off by one, none by the other.
			if page := e.do("GET", "/dotace/vyzvy/"+strconv.FormatInt(callID, 10)+"/poradi", nil, coord).Body.String(); !strings.Contains(page, "565\u00a0000\u00a0Kč") {
				t.Errorf("adjusted request not on the ranking")
			}
			if grantAudits(t, e, "assignment", "declare-conflict", third) != 1 || grantAudits(t, e, "assignment", "submit", g1) != 1 {
				t.Errorf("audit rows missing")
			}
		})
	}
}

// The demo round: the ranking with the third evaluator counted, z-scores,
// the exports for the council, the public results and the settlement.
func TestGrantRankingResultsExportsAndSettlement(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord := e.session("koordinator")
	call := strconv.FormatInt(grantCallID(t, e, 2026), 10)
	before := e.db.QueryCount()
	rec := e.do("GET", "/dotace/vyzvy/"+call+"/poradi", nil, coord)
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("panel: %d", rec.Code)
	}
	for _, want := range []string{"Pořadí podle z-skóre", "Směrodatná odchylka", "Shoda prvních dvou hodnotitelů u 6 žádostí", "<title id=\"chart-t\">", "(třetí)", "Hodnotitelé se rozcházejí"} {
		if !strings.Contains(body, want) {
			t.Errorf("panel misses %q", want)
		}
	}
	// SENIOR (86,5) first, Charita (83,5) second; Naděje 81 with the third replacing the further one.
	if i, j, k := strings.Index(body, "SENIOR Otrokovice</a>"), strings.Index(body, "Charita sv. Anežky Otrokovice</a>"), strings.Index(body, "Naděje Otrokovice</a>"); !(i > 0 && i < j && j < k) {
		t.Errorf("ranking order: %d %d %d", i, j, k)
	}
	if !strings.Contains(body, "81,0") {
		t.Errorf("Naděje's final score with the third evaluator")
	}
	t.Logf("panel: %d queries", e.db.QueryCount()-before)
	xlsx := e.do("GET", "/dotace/vyzvy/"+call+"/navrh.xlsx", nil, coord)
	if xlsx.Code != 200 || !strings.Contains(xlsx.Header().Get("Content-Type"), "spreadsheetml") || xlsx.Body.Len() < 2000 {
		t.Errorf("xlsx: %d %s", xlsx.Code, xlsx.Header().Get("Content-Type"))
	}
	pdfRec := e.do("GET", "/dotace/vyzvy/"+call+"/usneseni.pdf", nil, coord)
	if pdfRec.Code != 200 || !bytes.HasPrefix(pdfRec.Body.Bytes(), []byte("%PDF")) {
		t.Errorf("pdf: %d", pdfRec.Code)
	}
	if rec := e.do("GET", "/dotace/vyzvy/"+call+"/navrh.xlsx", nil, e.session("poskytovatel")); rec.Code != 403 {
		t.Errorf("provider exports: %d", rec.Code)
	}
	// Public results.
	pub := e.do("GET", "/dotace/vyzvy/"+call, nil, nil).Body.String()
	for _, want := range []string{"Kdo dostal kolik", "Charita sv. Anežky Otrokovice", "570\u00a0000\u00a0Kč", "Rada města, usnesení č. RM/112/04/2026"} {
		if !strings.Contains(pub, want) {
			t.Errorf("public results miss %q", want)
		}
	}
	if strings.Contains(pub, "PhDr. Marie Novotná") {
		t.Errorf("public results name an evaluator")
	}
	res := map[string]any{}
	req := httptest.NewRequest("GET", "/api/v1/grant-calls/"+call, nil)
	r2 := httptest.NewRecorder()
	e.srv.ServeHTTP(r2, req)
	if err := json.Unmarshal(r2.Body.Bytes(), &res); err != nil || res["phase"] != "decided" || len(res["results"].([]any)) != 6 {
		t.Errorf("api results: %v %v", err, res["phase"])
	}
	// The letter: the provider reads its evaluation, no evaluator named.
	app := strconv.FormatInt(grantAppOf(t, e, grantCallID(t, e, 2026), e.ids.charita), 10)
	letter := e.do("GET", "/dotace/zadosti/"+app, nil, e.session("poskytovatel")).Body.String()
	if !strings.Contains(letter, "Dopis žadateli s hodnocením") || !strings.Contains(letter, "Schválená dotace: 570\u00a0000\u00a0Kč") ||
		!strings.Contains(letter, "Potřebnost služby v území (váha 30 %)") || strings.Contains(letter, "Krajíčková") || strings.Contains(letter, "Čermáková") {
		t.Errorf("the provider's letter")
	}
	if staffView := e.do("GET", "/dotace/zadosti/"+app, nil, coord).Body.String(); !strings.Contains(staffView, "Bc. Eva Krajíčková") {
		t.Errorf("the coordinator does not see who evaluated")
	}
	// The settlement: Charita submitted it, the coordinator approves; the return is computed.
	page := e.do("GET", "/dotace/zadosti/"+app+"/vyuctovani", nil, e.session("poskytovatel")).Body.String()
	if !strings.Contains(page, "Vratka nevyčerpané dotace") || !strings.Contains(page, "28\u00a0500\u00a0Kč") {
		t.Errorf("settlement page: return missing")
	}
	if rec := e.do("POST", "/dotace/zadosti/"+app+"/vyuctovani/rozhodnuti", url.Values{"decision": {"return"}}, coord); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("return without a note: %d", rec.Code)
	}
	if rec := e.do("POST", "/dotace/zadosti/"+app+"/vyuctovani/rozhodnuti", url.Values{"decision": {"approve"}}, coord); rec.Code != http.StatusSeeOther {
		t.Errorf("approve: %d", rec.Code)
	}
	if page := e.do("GET", "/dotace/zadosti/"+app+"/vyuctovani", nil, coord).Body.String(); !strings.Contains(page, "schválené") {
		t.Errorf("settlement not approved")
	}
}

// The allocation page proposes within the budget and a change needs a
// reason; the decision needs a number.
func TestGrantAllocationChangeNeedsReason(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord := e.session("koordinator")
	callID, appID := grantSubmitted(t, e)
	path := "/dotace/vyzvy/" + strconv.FormatInt(callID, 10) + "/rozdeleni"
	if rec := e.do("POST", path, url.Values{"action": {"propose"}}, coord); rec.Code != http.StatusSeeOther {
		t.Fatalf("propose: %d", rec.Code)
	}
	rec := e.do("POST", path, url.Values{"application_id": {strconv.FormatInt(appID, 10)}, grant.FieldAmount(appID): {"100 000"}}, coord)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Napište důvod změny částky") || !strings.Contains(rec.Body.String(), `value="100 000"`) {
		t.Fatalf("change without a reason: %d", rec.Code)
	}
	rec = e.do("POST", path, url.Values{"application_id": {strconv.FormatInt(appID, 10)}, grant.FieldAmount(appID): {"100 000"}, grant.FieldReason(appID): {"Dohoda s radou."}}, coord)
	if rec.Code != http.StatusSeeOther || grantAudits(t, e, "application", "change-amount", appID) != 1 {
		t.Fatalf("change: %d", rec.Code)
	}
	page := e.do("GET", path, nil, coord).Body.String()
	if !strings.Contains(page, "Změněno: Dohoda s radou.") || !strings.Contains(page, "1\u00a0800\u00a0000\u00a0Kč") {
		t.Errorf("allocation page: change or leftover missing")
	}
	rec = e.do("POST", "/dotace/vyzvy/"+strconv.FormatInt(callID, 10)+"/rozhodnuti", url.Values{"decision_body": {"Rada města"}, "decision_date": {"2027-03-20"}}, coord)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Vyplňte číslo usnesení") {
		t.Errorf("decision without a number: %d", rec.Code)
	}
}

// grantSeed adds a call with n passed applications (organisations of their
// own, one service, six budget lines) each scored by three evaluators, in
// plain SQL so that large rounds load fast.
func grantSeed(t testing.TB, e *testEnv, n int) int64 {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "seed"})
	src := mustCall(t, e, grantCallID(t, e, 2026))
	c := *src
	c.Year, c.Title, c.Budget, c.DecisionDate, c.DecisionNumber, c.DecisionBody = 2030, "Velká výzva", grant.CZK(n)*200000, store.Date{}, "", ""
	c.PublishedOn, c.ApplyFrom, c.ApplyUntil = store.NewDate(2026, 1, 1), store.NewDate(2026, 1, 2), store.NewDate(2026, 1, 31)
	c.EvaluateUntil, c.DecideOn, c.SettleUntil = store.Date{}, store.Date{}, store.Date{}
	for i := range c.Criteria {
		c.Criteria[i].ID = 0
	}
	call, err := grantSvc(e).SaveCall(ctx, 0, c)
	if err != nil {
		t.Fatal(err)
	}
	var evs []int64
	for _, login := range []string{"hodnotitel", "hodnotitel2", "hodnotitel3"} {
		u, _ := e.srv.Auth().FindUserByLogin(ctx, login)
		evs = append(evs, u.ID)
	}
	now := time.Now().UTC()
	err = e.db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			org, err := store.InsertID(ctx, tx, `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES (?, 'provider', ?, ?)`, fmt.Sprintf("Žadatel č. %d", i), now, now)
			if err != nil {
				return err
			}
			app, err := store.InsertID(ctx, tx, `INSERT INTO grant_applications (call_id, organisation_id, state, contact_name, contact_email, submitted_at, created_at, updated_at)
				VALUES (?, ?, 'passed', 'Kontakt', 'k@example.cz', ?, ?, ?)`, call.ID, org, now.Add(time.Duration(i)*time.Minute), now, now)
			if err != nil {
				return err
			}
			req := int64(100000 + (i%7)*50000)
			svc, err := store.InsertID(ctx, tx, `INSERT INTO grant_app_services (application_id, service_id, service_name, type_code, requested) VALUES (?, ?, 'Služba', 'p40', ?)`, app, 100000+i, req)
			if err != nil {
				return err
			}
			var firstLine int64
			for j, k := range grant.LineKinds {
				r := req / 6
				if j == 0 {
					r = req - 5*(req/6)
				}
				id, err := store.InsertID(ctx, tx, `INSERT INTO grant_budget_lines (app_service_id, kind, total_cost, other_sources, requested) VALUES (?, ?, ?, ?, ?)`, svc, k, 2*r, r, r)
				if err != nil {
					return err
				}
				if j == 0 {
					firstLine = id
				}
			}
			for j, ev := range evs {
				scores := []int{(i + j) % 6, (i*3 + j) % 6, (i*5 + 2*j) % 6, (i + 2) % 6}
				var total float64
				for k, cr := range call.Criteria {
					total += float64(cr.Weight*scores[k]) / 5
				}
				g, err := store.InsertID(ctx, tx, `INSERT INTO grant_assignments (application_id, evaluator_id, third, state, recommend, total, submitted_at, created_at) VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?)`,
					app, ev, j == 2, total >= 60, total, now, now)
				if err != nil {
					return err
				}
				for k, cr := range call.Criteria {
					if _, err := tx.Exec(ctx, `INSERT INTO grant_scores (assignment_id, criterion_id, score, comment) VALUES (?, ?, ?, 'k')`, g, cr.ID, scores[k]); err != nil {
						return err
					}
				}
				if j == 0 && i%4 == 0 {
					if _, err := tx.Exec(ctx, `INSERT INTO grant_flags (assignment_id, line_id, kind, amount) VALUES (?, ?, 'overstated', 5000)`, g, firstLine); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return call.ID
}

// The ranking page and the allocation cost the same number of queries for
// 10 applications as for 100.
func TestGrantRankingAndAllocationQueriesIndependentOfSize(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord := e.session("koordinator")
	counts := map[string][]int64{}
	for _, n := range []int{10, 100} {
		call := strconv.FormatInt(grantSeed(t, e, n), 10)
		for _, r := range []struct {
			name, method, path string
			form               url.Values
		}{{"ranking", "GET", "/dotace/vyzvy/" + call + "/poradi", nil}, {"allocation", "POST", "/dotace/vyzvy/" + call + "/rozdeleni", url.Values{"action": {"propose"}}},
			{"allocation page", "GET", "/dotace/vyzvy/" + call + "/rozdeleni", nil}} {
			q0 := e.db.QueryCount()
			rec := e.do(r.method, r.path, r.form, coord)
			if rec.Code != 200 && rec.Code != 303 {
				t.Fatalf("%s: %d", r.name, rec.Code)
			}
			counts[r.name] = append(counts[r.name], e.db.QueryCount()-q0)
		}
		p, err := grantSvc(e).Panel(context.Background(), mustCall(t, e, mustID(call)))
		if err != nil || p.Complete != n || p.Allocated > p.Budget {
			t.Fatalf("panel of %d: complete %d allocated %d: %v", n, p.Complete, p.Allocated, err)
		}
	}
	for name, c := range counts {
		if c[0] != c[1] {
			t.Errorf("%s: %v queries for 10 and 100 applications", name, c)
		}
	}
	t.Logf("queries: %v", counts)
}

func mustID(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// BenchmarkGrantRanking renders the ranking panel of 500 applications ×
// 3 evaluations, and proposes the allocation, reporting queries per request.
func BenchmarkGrantRanking(b *testing.B) {
	for _, engine := range benchEngines() {
		b.Run(engine, func(b *testing.B) {
			e := newTestEnv(b, engine)
			call := strconv.FormatInt(grantSeed(b, e, 500), 10)
			coord := e.session("koordinator")
			for _, r := range []struct{ name, method, path string }{{"ranking", "GET", "/dotace/vyzvy/" + call + "/poradi"},
				{"allocation-page", "GET", "/dotace/vyzvy/" + call + "/rozdeleni"}, {"propose", "POST", "/dotace/vyzvy/" + call + "/rozdeleni"}} {
				b.Run(r.name, func(b *testing.B) {
					var form url.Values
					if r.method == "POST" {
						form = url.Values{"action": {"propose"}}
					}
					q0 := e.db.QueryCount()
					for i := 0; i < b.N; i++ {
						if rec := e.do(r.method, r.path, form, coord); rec.Code != 200 && rec.Code != 303 {
							b.Fatal(rec.Code)
						}
					}
					b.ReportMetric(float64(e.db.QueryCount()-q0)/float64(b.N), "queries/op")
				})
			}
		})
	}
}

// The council's decision fixes the amounts within the budget and queues a
// letter to every applicant through the outbox; the page says how they go.
func TestGrantDecisionQueuesLetters(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	coord := e.session("koordinator")
	callID := grantSeed(t, e, 10)
	call := strconv.FormatInt(callID, 10)
	if rec := e.do("POST", "/dotace/vyzvy/"+call+"/rozdeleni", url.Values{"action": {"propose"}}, coord); rec.Code != http.StatusSeeOther {
		t.Fatalf("propose: %d", rec.Code)
	}
	rec := e.do("POST", "/dotace/vyzvy/"+call+"/rozhodnuti", url.Values{"decision_body": {"Zastupitelstvo města"}, "decision_number": {"ZM/7/2030"}, "decision_date": {"2030-04-20"}}, coord)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("decide: %d %s", rec.Code, grantErrors(rec.Body.String()))
	}
	var letters int
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE module = 'grant' AND kind = 'letter' AND ref = ?`, grant.CallRef(callID)).Scan(&letters); err != nil || letters != 10 {
		t.Fatalf("letters queued: %d %v", letters, err)
	}
	if page := e.do("GET", "/dotace/vyzvy/"+call+"/rozdeleni", nil, coord).Body.String(); !strings.Contains(page, "Dopisy žadatelům: odesláno 0, čeká 10") {
		t.Errorf("letters' status missing")
	}
	var sum int64
	if err := e.db.QueryRow(context.Background(), `SELECT COALESCE(SUM(decided), 0) FROM grant_applications WHERE call_id = ?`, callID).Scan(&sum); err != nil || sum <= 0 || sum > 10*200000 {
		t.Errorf("decided sum %d", sum)
	}
	if rec := e.do("POST", "/dotace/vyzvy/"+call+"/rozdeleni", url.Values{"action": {"propose"}}, coord); rec.Code != http.StatusConflict {
		t.Errorf("re-allocated after the decision: %d", rec.Code)
	}
}
