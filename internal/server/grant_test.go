package server

import (
	"bytes"
	"context"
	"encoding/json"
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
	e := newTestEnv(t, "sqlite")
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
