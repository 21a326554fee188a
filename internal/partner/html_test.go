package partner

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/storetest"
	"kpss/internal/web"
)

// htmlFixture is the registry's pages on a fresh SQLite store, without the server.
type htmlFixture struct {
	t   *testing.T
	h   *Handler
	rd  *web.Renderer
	svc *Service
}

var (
	htmlStaff  = &auth.User{ID: 1, Login: "koordinator", Role: auth.RoleCoordinator, Active: true}
	htmlMember = &auth.User{ID: 2, Login: "clen", Role: auth.RoleMember, Active: true}
)

func newHTMLFixture(t *testing.T) *htmlFixture {
	t.Helper()
	db := storetest.New(t, "sqlite")
	svc := NewService(db, audit.New(), time.Now)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rd, err := web.NewRenderer(log)
	if err != nil {
		t.Fatal(err)
	}
	api := web.API{Catalog: rd.Catalog, Log: log}
	h, err := NewHandler(svc, rd, &api)
	if err != nil {
		t.Fatal(err)
	}
	return &htmlFixture{t: t, h: h, rd: rd, svc: svc}
}

// htmlCall is one request to a handler.
type htmlCall struct {
	fn     web.HandlerFunc
	method string
	target string
	id     string // the {id} path value
	action string // the {action} path value
	form   url.Values
	user   *auth.User
	lang   string
	cookie []*http.Cookie
}

// do runs a handler the way the server would, failing on an unexpected error.
func (fx *htmlFixture) do(c htmlCall) *httptest.ResponseRecorder {
	fx.t.Helper()
	var body io.Reader
	if c.form != nil {
		body = strings.NewReader(c.form.Encode())
	}
	if c.method == "" {
		c.method = http.MethodGet
		if c.form != nil {
			c.method = http.MethodPost
		}
	}
	req := httptest.NewRequest(c.method, c.target, body)
	if c.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.id != "" {
		req.SetPathValue("id", c.id)
	}
	if c.action != "" {
		req.SetPathValue("action", c.action)
	}
	for _, k := range c.cookie {
		req.AddCookie(k)
	}
	user := c.user
	if user == nil {
		user = htmlStaff
	}
	ctx := auth.WithUser(req.Context(), user)
	if c.lang != "" {
		ctx = web.WithLang(ctx, c.lang)
	}
	req = req.WithContext(ctx)
	rec := httptest.NewRecorder()
	if err := c.fn(rec, req); err != nil {
		fx.t.Fatalf("%s %s: %v", c.method, c.target, err)
	}
	return rec
}

// post submits a form and returns the answer.
func (fx *htmlFixture) post(fn web.HandlerFunc, target, id string, form url.Values) *httptest.ResponseRecorder {
	fx.t.Helper()
	return fx.do(htmlCall{fn: fn, target: target, id: id, form: form})
}

// saved submits a form that must succeed and returns the id it redirects to.
func (fx *htmlFixture) saved(fn web.HandlerFunc, target, base string, form url.Values) string {
	fx.t.Helper()
	rec := fx.post(fn, target, "", form)
	if rec.Code != http.StatusSeeOther {
		fx.t.Fatalf("POST %s: status %d, want 303; body:\n%s", target, rec.Code, rec.Body)
	}
	loc := rec.Header().Get("Location")
	id, ok := strings.CutPrefix(loc, base+"/")
	if !ok || id == "" || strings.Contains(id, "/") {
		fx.t.Fatalf("POST %s: redirect to %q, want %s/{id}", target, loc, base)
	}
	return id
}

func wantIn(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func wantNotIn(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("page shows %q, it should not", w)
		}
	}
}

func TestPersonNeedsConsentAndKeepsWhatWasTyped(t *testing.T) {
	fx := newHTMLFixture(t)
	orgID := fx.saved(fx.h.SaveOrganisation, "/partneri/organizace/nova", "/partneri/organizace",
		url.Values{"name": {"Charita Otrokovice"}, "kind": {"provider"}})

	// The new-person link on an organisation chooses it in advance.
	rec := fx.do(htmlCall{fn: fx.h.ShowPersonForm, target: "/partneri/osoby/nova?organisation_id=" + orgID})
	if rec.Code != http.StatusOK {
		t.Fatalf("new person form: status %d", rec.Code)
	}
	wantIn(t, rec.Body.String(), `<option value="`+orgID+`" selected>Charita Otrokovice</option>`, "Stránka obsahuje osobní údaje")

	form := url.Values{"name": {"Jana Nováková"}, "position": {"sociální pracovnice"}, "organisation_id": {orgID},
		"email": {"jana.novakova@example.cz"}, "phone": {""}, "consent_note": {""}}
	rec = fx.post(fx.h.SavePerson, "/partneri/osoby/nova", "", form)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("e-mail without consent: status %d, want 422", rec.Code)
	}
	body := rec.Body.String()
	wantIn(t, body,
		"E-mail a telefon lze uložit jen se souhlasem osoby",
		`href="#f-consent"`,                   // the error summary leads to the checkbox
		`value="Jana Nováková"`,               // nothing typed is lost
		`value="jana.novakova@example.cz"`,    //
		`value="sociální pracovnice"`,         //
		`<option value="`+orgID+`" selected>`) //
	if n, _, _ := fx.svc.FindPeople(context.Background(), Filter{All: true, Paging: webAll}); len(n) != 0 {
		t.Fatalf("a person was stored without consent: %+v", n)
	}

	form.Set("consent", "on")
	form.Set("consent_note", "písemně na jednání PS Senioři")
	id := fx.saved(fx.h.SavePerson, "/partneri/osoby/nova", "/partneri/osoby", form)

	rec = fx.do(htmlCall{fn: fx.h.ShowPerson, target: "/partneri/osoby/" + id, id: id})
	if rec.Code != http.StatusOK {
		t.Fatalf("person detail: status %d", rec.Code)
	}
	today := time.Now().UTC()
	wantIn(t, rec.Body.String(), "<h1>Jana Nováková</h1>", "Stránka obsahuje osobní údaje", "písemně na jednání PS Senioři",
		`<a href="/partneri/organizace/`+orgID+`">Charita Otrokovice</a>`, "mailto:jana.novakova@example.cz",
		fx.rd.Catalog.For("cs").Date(today))

	// The edit form starts from what is stored.
	rec = fx.do(htmlCall{fn: fx.h.ShowPersonForm, target: "/partneri/osoby/" + id + "/upravit", id: id})
	wantIn(t, rec.Body.String(), `value="Jana Nováková"`, `name="consent" value="on" checked`, "<h1>Upravit osobu</h1>")

	// Withdrawing consent while keeping the e-mail is refused on update too.
	form.Del("consent")
	rec = fx.post(fx.h.SavePerson, "/partneri/osoby/"+id+"/upravit", id, form)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("update without consent: status %d, want 422", rec.Code)
	}
	wantIn(t, rec.Body.String(), "E-mail a telefon lze uložit jen se souhlasem osoby", `value="Jana Nováková"`)

	// A name alone needs no consent; the list says so.
	fx.saved(fx.h.SavePerson, "/partneri/osoby/nova", "/partneri/osoby", url.Values{"name": {"Petr Dvořák"}})
	rec = fx.do(htmlCall{fn: fx.h.ShowPersonList, target: "/partneri/osoby"})
	wantIn(t, rec.Body.String(), "Petr Dvořák", "bez souhlasu", "Charita Otrokovice")
}

func TestListsSearchWithoutDiacritics(t *testing.T) {
	fx := newHTMLFixture(t)
	org := fx.saved(fx.h.SaveOrganisation, "/partneri/organizace/nova", "/partneri/organizace",
		url.Values{"name": {"Charita Otrokovice"}, "kind": {"provider"}})
	fx.saved(fx.h.SavePerson, "/partneri/osoby/nova", "/partneri/osoby", url.Values{"name": {"Jana Nováková"}, "organisation_id": {org}})
	fx.saved(fx.h.SavePerson, "/partneri/osoby/nova", "/partneri/osoby", url.Values{"name": {"Petr Dvořák"}})
	fx.saved(fx.h.SaveDepartment, "/partneri/odbory/novy", "/partneri/odbory", url.Values{"name": {"Odbor sociálních věcí"}})
	fx.saved(fx.h.SaveDepartment, "/partneri/odbory/novy", "/partneri/odbory", url.Values{"name": {"Odbor dopravy"}})
	fx.saved(fx.h.SaveTargetGroup, "/partneri/cilove-skupiny/nova", "/partneri/cilove-skupiny", url.Values{"name": {"Senioři"}, "code": {"SEN"}, "sort_order": {"1"}})
	fx.saved(fx.h.SaveTargetGroup, "/partneri/cilove-skupiny/nova", "/partneri/cilove-skupiny", url.Values{"name": {"Rodiny s dětmi"}, "code": {"ROD"}, "sort_order": {"2"}})

	rec := fx.do(htmlCall{fn: fx.h.ShowPersonList, target: "/partneri/osoby?q=novakova"})
	wantIn(t, rec.Body.String(), "Jana Nováková", `value="novakova"`)
	wantNotIn(t, rec.Body.String(), "Petr Dvořák")

	// The organisation filter of the people list.
	rec = fx.do(htmlCall{fn: fx.h.ShowPersonList, target: "/partneri/osoby?organisation_id=" + org})
	wantIn(t, rec.Body.String(), "Jana Nováková", `<option value="`+org+`" selected>Charita Otrokovice</option>`,
		`href="/partneri/osoby/nova?organisation_id=`+org+`"`)
	wantNotIn(t, rec.Body.String(), "Petr Dvořák")

	rec = fx.do(htmlCall{fn: fx.h.ShowDepartmentList, target: "/partneri/odbory?q=socialnich", user: htmlMember})
	wantIn(t, rec.Body.String(), "Odbor sociálních věcí")
	wantNotIn(t, rec.Body.String(), "Odbor dopravy", "Přidat odbor") // a member may look, not add

	rec = fx.do(htmlCall{fn: fx.h.ShowTargetGroupList, target: "/partneri/cilove-skupiny?q=seniori", user: htmlMember})
	wantIn(t, rec.Body.String(), "Senioři")
	wantNotIn(t, rec.Body.String(), "Rodiny s dětmi", "Přidat cílovou skupinu")

	rec = fx.do(htmlCall{fn: fx.h.ShowTargetGroupList, target: "/partneri/cilove-skupiny?q=nic-takoveho"})
	wantIn(t, rec.Body.String(), "Žádná cílová skupina neodpovídá hledání.", "Přidat cílovou skupinu")
}

func TestDepartmentPages(t *testing.T) {
	fx := newHTMLFixture(t)
	head := fx.saved(fx.h.SavePerson, "/partneri/osoby/nova", "/partneri/osoby", url.Values{"name": {"Jana Nováková"}})

	rec := fx.do(htmlCall{fn: fx.h.ShowDepartmentForm, target: "/partneri/odbory/novy"})
	wantIn(t, rec.Body.String(), `<option value="">— nevybráno —</option>`, `<option value="`+head+`">Jana Nováková</option>`)

	id := fx.saved(fx.h.SaveDepartment, "/partneri/odbory/novy", "/partneri/odbory",
		url.Values{"name": {"Odbor sociálních věcí"}, "email": {"socialni@example.cz"}, "head_person_id": {head}})

	rec = fx.post(fx.h.SaveDepartment, "/partneri/odbory/novy", "", url.Values{"name": {"Odbor sociálních věcí"}, "email": {"jiny@example.cz"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate department: status %d, want 422", rec.Code)
	}
	wantIn(t, rec.Body.String(), "už existuje", `value="jiny@example.cz"`, `value="Odbor sociálních věcí"`)

	rec = fx.post(fx.h.SaveDepartment, "/partneri/odbory/novy", "", url.Values{"name": {""}, "email": {"není e-mail"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty department: status %d, want 422", rec.Code)
	}
	body := rec.Body.String()
	if i, j := strings.Index(body, `href="#f-name"`), strings.Index(body, `href="#f-email"`); i < 0 || j < 0 || i > j {
		t.Errorf("the error summary should list name, then e-mail (form order): %d, %d", i, j)
	}

	// Staff reach the head's record; others see the name only.
	rec = fx.do(htmlCall{fn: fx.h.ShowDepartment, target: "/partneri/odbory/" + id, id: id})
	wantIn(t, rec.Body.String(), "<h1>Odbor sociálních věcí</h1>", `<a href="/partneri/osoby/`+head+`">Jana Nováková</a>`, "/partneri/odbory/"+id+"/upravit")
	rec = fx.do(htmlCall{fn: fx.h.ShowDepartment, target: "/partneri/odbory/" + id, id: id, user: htmlMember})
	wantIn(t, rec.Body.String(), "Jana Nováková")
	wantNotIn(t, rec.Body.String(), "/partneri/osoby/", "/upravit", "archivovat")

	rec = fx.do(htmlCall{fn: fx.h.ShowDepartmentList, target: "/partneri/odbory"})
	wantIn(t, rec.Body.String(), "Odbor sociálních věcí", "Jana Nováková", "Přidat odbor")

	// An archived head stays chosen in the edit form.
	if _, err := fx.svc.SetPersonArchived(context.Background(), mustID(t, head), true); err != nil {
		t.Fatal(err)
	}
	rec = fx.do(htmlCall{fn: fx.h.ShowDepartmentForm, target: "/partneri/odbory/" + id + "/upravit", id: id})
	wantIn(t, rec.Body.String(), `<option value="`+head+`" selected>Jana Nováková</option>`)
}

func TestTargetGroupPages(t *testing.T) {
	fx := newHTMLFixture(t)
	ctx := context.Background()

	id := fx.saved(fx.h.SaveTargetGroup, "/partneri/cilove-skupiny/nova", "/partneri/cilove-skupiny",
		url.Values{"name": {"Senioři"}, "code": {" sen "}, "description": {"Lidé nad 65 let"}, "sort_order": {"1"}})
	g, err := fx.svc.FindTargetGroupByID(ctx, mustID(t, id))
	if err != nil {
		t.Fatal(err)
	}
	if g.Code != "SEN" || g.SortOrder != 1 {
		t.Errorf("stored code %q, order %d; want SEN, 1", g.Code, g.SortOrder)
	}

	// The new form offers the next place in the order.
	rec := fx.do(htmlCall{fn: fx.h.ShowTargetGroupForm, target: "/partneri/cilove-skupiny/nova"})
	wantIn(t, rec.Body.String(), `name="sort_order" type="text" value="2"`)

	rec = fx.post(fx.h.SaveTargetGroup, "/partneri/cilove-skupiny/nova", "",
		url.Values{"name": {"Rodiny s dětmi"}, "code": {"rod"}, "description": {"Rodiče a děti"}, "sort_order": {"abc"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("sort order abc: status %d, want 422", rec.Code)
	}
	wantIn(t, rec.Body.String(), "Zadejte celé číslo.", `value="abc"`, `value="Rodiny s dětmi"`, `value="rod"`, ">Rodiče a děti</textarea>")

	// A bad number and a bad code are reported together.
	rec = fx.post(fx.h.SaveTargetGroup, "/partneri/cilove-skupiny/nova", "",
		url.Values{"name": {""}, "code": {"x"}, "sort_order": {"abc"}})
	wantIn(t, rec.Body.String(), "Zadejte celé číslo.", "Zkratka má 2–10 velkých písmen nebo číslic.", `href="#f-name"`, `href="#f-sort-order"`)

	rec = fx.post(fx.h.SaveTargetGroup, "/partneri/cilove-skupiny/nova", "", url.Values{"name": {"Senioři 2"}, "code": {"SEN"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate code: status %d, want 422", rec.Code)
	}
	wantIn(t, rec.Body.String(), "Tuto zkratku už používá jiná cílová skupina.")

	// Organisations serving the group are listed on it.
	rec = fx.do(htmlCall{fn: fx.h.ShowTargetGroup, target: "/partneri/cilove-skupiny/" + id, id: id})
	wantIn(t, rec.Body.String(), "<h1>Senioři</h1>", "SEN", "Lidé nad 65 let", "Zatím žádná organizace neuvádí")
	fx.saved(fx.h.SaveOrganisation, "/partneri/organizace/nova", "/partneri/organizace",
		url.Values{"name": {"Domov pro seniory Otrokovice"}, "kind": {"provider"}, "target_group_ids": {id}})
	rec = fx.do(htmlCall{fn: fx.h.ShowTargetGroup, target: "/partneri/cilove-skupiny/" + id, id: id, user: htmlMember})
	wantIn(t, rec.Body.String(), "Domov pro seniory Otrokovice")
	wantNotIn(t, rec.Body.String(), "archivovat", "/upravit")

	// Archive: gone from the default list, there among the archived, with a flash.
	rec = fx.do(htmlCall{fn: fx.h.ArchiveTargetGroup, method: http.MethodPost, target: "/partneri/cilove-skupiny/" + id + "/archivovat", id: id, action: "archivovat"})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/partneri/cilove-skupiny/"+id {
		t.Fatalf("archive: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = fx.do(htmlCall{fn: fx.h.ShowTargetGroup, target: "/partneri/cilove-skupiny/" + id, id: id, cookie: rec.Result().Cookies()})
	wantIn(t, rec.Body.String(), "Záznam byl archivován.", "Tento záznam je archivovaný", "/obnovit")

	rec = fx.do(htmlCall{fn: fx.h.ShowTargetGroupList, target: "/partneri/cilove-skupiny"})
	wantNotIn(t, rec.Body.String(), "Senioři")
	rec = fx.do(htmlCall{fn: fx.h.ShowTargetGroupList, target: "/partneri/cilove-skupiny?state=archived"})
	wantIn(t, rec.Body.String(), "Senioři", "archivováno", `<option value="archived" selected>`)

	rec = fx.do(htmlCall{fn: fx.h.ArchiveTargetGroup, method: http.MethodPost, target: "/partneri/cilove-skupiny/" + id + "/obnovit", id: id, action: "obnovit"})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("restore: %d", rec.Code)
	}
	rec = fx.do(htmlCall{fn: fx.h.ShowTargetGroupList, target: "/partneri/cilove-skupiny"})
	wantIn(t, rec.Body.String(), "Senioři")

	// Only the two actions exist.
	req := httptest.NewRequest(http.MethodPost, "/partneri/cilove-skupiny/"+id+"/smazat", nil)
	req.SetPathValue("id", id)
	req.SetPathValue("action", "smazat")
	if err := fx.h.ArchiveTargetGroup(httptest.NewRecorder(), req.WithContext(auth.WithUser(req.Context(), htmlStaff))); web.Status(err) != http.StatusNotFound {
		t.Errorf("unknown action: %v, want not found", err)
	}
}

func TestArchivePersonAndDepartment(t *testing.T) {
	fx := newHTMLFixture(t)
	person := fx.saved(fx.h.SavePerson, "/partneri/osoby/nova", "/partneri/osoby", url.Values{"name": {"Jana Nováková"}})
	dept := fx.saved(fx.h.SaveDepartment, "/partneri/odbory/novy", "/partneri/odbory", url.Values{"name": {"Odbor dopravy"}})
	for _, c := range []struct {
		fn, list       web.HandlerFunc
		base, id, name string
	}{
		{fx.h.ArchivePerson, fx.h.ShowPersonList, "/partneri/osoby", person, "Jana Nováková"},
		{fx.h.ArchiveDepartment, fx.h.ShowDepartmentList, "/partneri/odbory", dept, "Odbor dopravy"},
	} {
		rec := fx.do(htmlCall{fn: c.fn, method: http.MethodPost, target: c.base + "/" + c.id + "/archivovat", id: c.id, action: "archivovat"})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != c.base+"/"+c.id {
			t.Fatalf("archive %s: %d to %q", c.base, rec.Code, rec.Header().Get("Location"))
		}
		wantNotIn(t, fx.do(htmlCall{fn: c.list, target: c.base}).Body.String(), c.name)
		wantIn(t, fx.do(htmlCall{fn: c.list, target: c.base + "?state=all"}).Body.String(), c.name, "archivováno")
	}
}

// TestEveryPartnerPageRenders runs every handler that renders a page of the
// partner namespace — empty and filled, for staff and a member, in Czech and
// English, forms with and without errors — and fails on a template error
// (the renderer answers 500), an untranslated key or a page no handler reached.
func TestEveryPartnerPageRenders(t *testing.T) {
	fx := newHTMLFixture(t)
	h := fx.h
	type page struct {
		tmpl   string
		fn     web.HandlerFunc
		target string
		id     string
		form   url.Values
		status int
	}
	pages := func(ids map[string]string) []page {
		return []page{
			{"overview", h.ShowOverview, "/partneri", "", nil, 200},
			{"region", h.ShowRegion, "/partneri/region", "", nil, 200},
			{"region_form", h.ShowRegionForm, "/partneri/region/upravit", "", nil, 200},
			{"region_form", h.SaveRegion, "/partneri/region/upravit", "", url.Values{"name": {""}, "web": {"x"}}, 422},
			{"municipality_list", h.ShowMunicipalityList, "/partneri/obce?state=all&q=o", "", nil, 200},
			{"municipality_form", h.ShowMunicipalityForm, "/partneri/obce/nova", "", nil, 200},
			{"municipality_form", h.SaveMunicipality, "/partneri/obce/nova", "", url.Values{"population": {"mnoho"}}, 422},
			{"municipality", h.ShowMunicipality, "/partneri/obce/" + ids["m"], ids["m"], nil, 200},
			{"municipality_form", h.ShowMunicipalityForm, "/partneri/obce/" + ids["m"] + "/upravit", ids["m"], nil, 200},
			{"organisation_list", h.ShowOrganisationList, "/partneri/organizace?state=all", "", nil, 200},
			{"organisation_form", h.ShowOrganisationForm, "/partneri/organizace/nova", "", nil, 200},
			{"organisation_form", h.SaveOrganisation, "/partneri/organizace/nova", "", url.Values{"ico": {"123"}}, 422},
			{"organisation", h.ShowOrganisation, "/partneri/organizace/" + ids["o"], ids["o"], nil, 200},
			{"organisation_form", h.ShowOrganisationForm, "/partneri/organizace/" + ids["o"] + "/upravit", ids["o"], nil, 200},
			{"person_list", h.ShowPersonList, "/partneri/osoby?state=all", "", nil, 200},
			{"person_list", h.ShowPersonList, "/partneri/osoby?organisation_id=" + ids["o"], "", nil, 200},
			{"person_form", h.ShowPersonForm, "/partneri/osoby/nova?organisation_id=" + ids["o"], "", nil, 200},
			{"person_form", h.SavePerson, "/partneri/osoby/nova", "", url.Values{"email": {"x"}, "phone": {"1"}}, 422},
			{"person", h.ShowPerson, "/partneri/osoby/" + ids["p"], ids["p"], nil, 200},
			{"person", h.ShowPerson, "/partneri/osoby/" + ids["p2"], ids["p2"], nil, 200},
			{"person_form", h.ShowPersonForm, "/partneri/osoby/" + ids["p"] + "/upravit", ids["p"], nil, 200},
			{"department_list", h.ShowDepartmentList, "/partneri/odbory?state=all", "", nil, 200},
			{"department_form", h.ShowDepartmentForm, "/partneri/odbory/novy", "", nil, 200},
			{"department_form", h.SaveDepartment, "/partneri/odbory/novy", "", url.Values{"email": {"x"}}, 422},
			{"department", h.ShowDepartment, "/partneri/odbory/" + ids["d"], ids["d"], nil, 200},
			{"department", h.ShowDepartment, "/partneri/odbory/" + ids["d2"], ids["d2"], nil, 200},
			{"department_form", h.ShowDepartmentForm, "/partneri/odbory/" + ids["d"] + "/upravit", ids["d"], nil, 200},
			{"target_group_list", h.ShowTargetGroupList, "/partneri/cilove-skupiny?state=all", "", nil, 200},
			{"target_group_form", h.ShowTargetGroupForm, "/partneri/cilove-skupiny/nova", "", nil, 200},
			{"target_group_form", h.SaveTargetGroup, "/partneri/cilove-skupiny/nova", "", url.Values{"sort_order": {"x"}}, 422},
			{"target_group", h.ShowTargetGroup, "/partneri/cilove-skupiny/" + ids["g"], ids["g"], nil, 200},
			{"target_group", h.ShowTargetGroup, "/partneri/cilove-skupiny/" + ids["g2"], ids["g2"], nil, 200},
			{"target_group_form", h.ShowTargetGroupForm, "/partneri/cilove-skupiny/" + ids["g"] + "/upravit", ids["g"], nil, 200},
		}
	}
	// A key the catalog lacks shows as itself ("partner.person.name").
	untranslated := regexp.MustCompile(`(^|[^/\w.@-])((partner|list|form|err|flash|pager|layout|role)\.[a-z_]+(\.[a-z_]+)*)`)
	reached := map[string]bool{}
	run := func(t *testing.T, ids map[string]string) {
		fx := &htmlFixture{t: t, h: fx.h, rd: fx.rd, svc: fx.svc}
		for _, p := range pages(ids) {
			if p.id == "none" {
				continue // an empty store has no records to show
			}
			for _, lang := range []string{"cs", "en"} {
				for _, u := range []*auth.User{htmlStaff, htmlMember} {
					rec := fx.do(htmlCall{fn: p.fn, target: p.target, id: p.id, form: p.form, user: u, lang: lang})
					where := p.target + " (" + lang + ", " + string(u.Role) + ")"
					if rec.Code == http.StatusInternalServerError {
						t.Errorf("%s: template partner/%s failed: %s", where, p.tmpl, rec.Body)
					}
					if rec.Code != p.status {
						t.Errorf("%s: status %d, want %d", where, rec.Code, p.status)
					}
					body := rec.Body.String()
					if m := untranslated.FindStringSubmatch(body); m != nil {
						t.Errorf("%s: untranslated key %q", where, m[2])
					}
					if !strings.Contains(body, "<h1") {
						t.Errorf("%s: no heading", where)
					}
					reached["partner/"+p.tmpl] = true
				}
			}
		}
	}

	none := map[string]string{}
	for _, k := range []string{"m", "o", "p", "p2", "d", "d2", "g", "g2"} {
		none[k] = "none"
	}
	t.Run("empty", func(t *testing.T) { run(t, none) })

	ctx := context.Background()
	if _, err := fx.svc.SaveRegion(ctx, Region{Name: "ORP Otrokovice", Web: "otrokovice.cz", Email: "kpss@example.cz", Description: "Region"}); err != nil {
		t.Fatal(err)
	}
	pop := int64(18431)
	m, err := fx.svc.CreateMunicipality(ctx, Municipality{Name: "Otrokovice", Kind: KindTown, ZUJ: "585599", Population: &pop, Partner: true, Note: "Pověřená obec"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := fx.svc.CreateTargetGroup(ctx, TargetGroup{Code: "SEN", Name: "Senioři", Description: "Lidé nad 65 let", SortOrder: 1})
	if err != nil {
		t.Fatal(err)
	}
	g2, err := fx.svc.CreateTargetGroup(ctx, TargetGroup{Code: "OLD", Name: "Zrušená skupina", SortOrder: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.SetTargetGroupArchived(ctx, g2.ID, true); err != nil {
		t.Fatal(err)
	}
	o, err := fx.svc.CreateOrganisation(ctx, Organisation{Name: "Charita Otrokovice", ICO: "00284301", Kind: "provider", Web: "charita.cz", Email: "info@example.cz",
		Phone: "577 123 456", Description: "Pečovatelská služba", Partner: true, MunicipalityIDs: []int64{m.ID}, TargetGroupIDs: []int64{g.ID, g2.ID}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := fx.svc.CreatePerson(ctx, Person{Name: "Jana Nováková", Email: "jana@example.cz", Phone: "+420 577 123 456", Position: "ředitelka",
		OrganisationID: &o.ID, Consent: true, ConsentNote: "písemně"})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := fx.svc.CreatePerson(ctx, Person{Name: "Petr Dvořák"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.SetPersonArchived(ctx, p2.ID, true); err != nil {
		t.Fatal(err)
	}
	d, err := fx.svc.CreateDepartment(ctx, Department{Name: "Odbor sociálních věcí", Email: "socialni@example.cz", HeadPersonID: &p.ID})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := fx.svc.CreateDepartment(ctx, Department{Name: "Odbor dopravy", HeadPersonID: &p2.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.SetDepartmentArchived(ctx, d2.ID, true); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"m": itoa(m.ID), "o": itoa(o.ID), "p": itoa(p.ID), "p2": itoa(p2.ID), "d": itoa(d.ID), "d2": itoa(d2.ID),
		"g": itoa(g.ID), "g2": itoa(g2.ID)}

	t.Run("filled", func(t *testing.T) { run(t, ids) })

	var missed []string
	for _, name := range fx.rd.Pages() {
		if strings.HasPrefix(name, "partner/") && !reached[name] {
			missed = append(missed, name)
		}
	}
	slices.Sort(missed)
	if len(missed) > 0 {
		t.Errorf("no handler in this test renders %v: add them to the table", missed)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.SetPathValue("id", s)
	id, err := web.PathID(req)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}
