package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kpss/internal/storetest"
)

// A visitor finds a service without diacritics and by the start of a word.
func TestCatalogCzechSearch(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			for _, q := range []string{"pečovat", "pecovatelska", "sluzb", "PEČOVATELSKÁ služba", "pecovatelska napajedla"} {
				rec := e.do("GET", "/katalog?q="+url.QueryEscape(q), nil, nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("q=%s: %d", q, rec.Code)
				}
				if !strings.Contains(rec.Body.String(), "Pečovatelská služba Napajedla") {
					t.Errorf("q=%q does not find Pečovatelská služba Napajedla", q)
				}
			}
			rec := e.do("GET", "/katalog?q=hospic", nil, nil)
			if body := rec.Body.String(); strings.Contains(body, "Pečovatelská služba Napajedla") || !strings.Contains(body, "Domácí hospicová péče") {
				t.Errorf("q=hospic found the wrong services")
			}
			// Where: a municipality by id and by name typed without diacritics.
			napajedla := fmt.Sprint(e.id(`SELECT id FROM municipalities WHERE name = ?`, "Napajedla"))
			for _, where := range []string{napajedla, "napajedla"} {
				body := e.do("GET", "/katalog?q=pecovat&obec="+where, nil, nil).Body.String()
				if !strings.Contains(body, "Pečovatelská služba Napajedla") || strings.Contains(body, "Pečovatelská služba Otrokovice") {
					t.Errorf("obec=%s: want only the Napajedla care service", where)
				}
			}
			// For whom: children find the youth club and not the home for seniors.
			body := e.do("GET", "/katalog?vek=children", nil, nil).Body.String()
			if !strings.Contains(body, "Nízkoprahový klub") || strings.Contains(body, "Domov pro seniory Napajedla") {
				t.Errorf("vek=children: wrong results")
			}
		})
	}
}

func (e *testEnv) id(q string, args ...any) int64 {
	e.t.Helper()
	var v int64
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&v); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return v
}

// A provider's edit waits for the coordinator: the public page keeps the old
// text until approval; the coordinator sees a field-by-field diff.
func TestCatalogProviderEditNeedsApproval(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	sid := e.id(`SELECT id FROM catalog_services WHERE name = ?`, "Pečovatelská služba Napajedla")
	other := e.id(`SELECT id FROM catalog_services WHERE name = ?`, "Azylový dům pro muže")
	prov, coord := e.session("poskytovatel"), e.session("koordinator")
	edit := fmt.Sprintf("/katalog/sprava/sluzby/%d", sid)
	if rec := e.do("GET", fmt.Sprintf("/katalog/sprava/sluzby/%d", other), nil, prov); rec.Code != http.StatusForbidden {
		t.Fatalf("provider opens another organisation's service: %d, want 403", rec.Code)
	}
	rec := e.do("GET", edit, nil, prov)
	if rec.Code != http.StatusOK {
		t.Fatalf("edit form: %d", rec.Code)
	}
	// Take the form as shown, change the capacity and the hours.
	form := url.Values{"name": {"Pečovatelská služba Napajedla"}, "type_code": {"p40"}, "forms": {"field", "outpatient"},
		"capacity": {"55 klientů"}, "loc0_address": {"Masarykovo nám. 89, Napajedla"}, "loc0_opening_hours": {"po–pá 7:00–16:00"},
		"loc0_accessibility": {"partial"}, "phone": {"+420 577 000 112"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("email", "neplatny@")
	if rec := e.do("POST", edit, bad, prov); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "jmeno@domena.cz") ||
		!strings.Contains(rec.Body.String(), "55 klientů") {
		t.Fatalf("bad e-mail: %d, want 422 with the Czech error and the typed capacity kept", rec.Code)
	}
	if rec := e.do("POST", edit, form, prov); rec.Code != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", rec.Code, rec.Body.String())
	}
	public := e.do("GET", fmt.Sprintf("/katalog/sluzby/%d", sid), nil, nil).Body.String()
	if strings.Contains(public, "55 klientů") || !strings.Contains(public, "40 klientů") {
		t.Fatal("the proposed change is public before approval")
	}
	cid := e.id(`SELECT id FROM catalog_changes WHERE service_id = ? AND state = 'pending'`, sid)
	page := e.do("GET", fmt.Sprintf("/katalog/sprava/zmeny/%d", cid), nil, coord).Body.String()
	for _, want := range []string{"Kapacita", "<del>40 klientů</del>", "<ins>55 klientů</ins>", "po–pá 7:00–16:00"} {
		if !strings.Contains(page, want) {
			t.Errorf("diff page lacks %q", want)
		}
	}
	if strings.Contains(page, "<th scope=\"row\">Telefon</th>") {
		t.Error("the diff lists an unchanged field (phone)")
	}
	if rec := e.do("GET", fmt.Sprintf("/katalog/sprava/zmeny/%d", cid), nil, prov); rec.Code != http.StatusForbidden {
		t.Errorf("provider may not decide: %d", rec.Code)
	}
	if rec := e.do("POST", fmt.Sprintf("/katalog/sprava/zmeny/%d", cid), url.Values{"action": {"reject"}}, coord); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("reject without a comment: %d, want 422", rec.Code)
	}
	if rec := e.do("POST", fmt.Sprintf("/katalog/sprava/zmeny/%d", cid), url.Values{"action": {"approve"}}, coord); rec.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body.String())
	}
	public = e.do("GET", fmt.Sprintf("/katalog/sluzby/%d", sid), nil, nil).Body.String()
	if !strings.Contains(public, "55 klientů") {
		t.Fatal("the approved change is not public (stale cache?)")
	}
	var n int
	e.db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'catalog_service' AND entity_id = ? AND action = 'approve'`, sid).Scan(&n)
	if n != 1 {
		t.Errorf("approval audit rows: %d, want 1", n)
	}
}

// The HSDS envelope of a page. (Which fields an object carries is checked
// against the standard's own schemas in conform_test.go.)
var hsdsEnvelope = []string{"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}

func hsdsGet(t *testing.T, e *testEnv, path string) map[string]any {
	t.Helper()
	rec := e.do("GET", path, nil, nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return m
}

func hasFields(t *testing.T, what string, m map[string]any, fields []string) {
	t.Helper()
	for _, f := range fields {
		if _, ok := m[f]; !ok {
			t.Errorf("%s lacks %q", what, f)
		}
	}
}

func contents(t *testing.T, m map[string]any, path string) []map[string]any {
	t.Helper()
	hasFields(t, path+" envelope", m, hsdsEnvelope)
	var out []map[string]any
	for _, c := range m["contents"].([]any) {
		out = append(out, c.(map[string]any))
	}
	return out
}

func TestHSDSAnswersCarryTheStandardFields(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	root := hsdsGet(t, e, "/hsds/")
	hasFields(t, "/", root, []string{"version", "profile", "openapi_url"})

	page := hsdsGet(t, e, "/hsds/services?per_page=5")
	list := contents(t, page, "/services")
	if len(list) != 5 || page["total_items"].(float64) < 13 || page["first_page"] != true || page["last_page"] != false {
		t.Fatalf("services page: %v items, envelope %v", len(list), page["total_items"])
	}
	// Search, then one service with its organisation and locations.
	found := contents(t, hsdsGet(t, e, "/hsds/services?search=pecovatelska+napajedla"), "/services")
	if len(found) != 1 || found[0]["name"] != "Pečovatelská služba Napajedla" {
		t.Fatalf("search: %v", found)
	}
	svc := hsdsGet(t, e, "/hsds/services/"+found[0]["id"].(string))
	sal := svc["service_at_locations"].([]any)[0].(map[string]any)
	if loc := sal["location"].(map[string]any); loc["location_type"] != "physical" || len(loc["addresses"].([]any)) != 1 {
		t.Errorf("location: %v", loc)
	}
	if svc["status"] != "active" || svc["minimum_age"].(float64) != 27 || svc["licenses"] != "4127881" {
		t.Errorf("service values: status %v, minimum_age %v, licenses %v", svc["status"], svc["minimum_age"], svc["licenses"])
	}
	// Our service types and target groups are taxonomies; filtering by a term works.
	tax := contents(t, hsdsGet(t, e, "/hsds/taxonomies"), "/taxonomies")
	if len(tax) != 2 {
		t.Fatalf("taxonomies: %v", tax)
	}
	terms := contents(t, hsdsGet(t, e, "/hsds/taxonomy_terms?search=pecovatelska"), "/taxonomy_terms")
	if len(terms) != 1 || terms[0]["code"] != "p40" {
		t.Fatalf("terms: %v", terms)
	}
	byTerm := contents(t, hsdsGet(t, e, "/hsds/services?taxonomy_term_id="+terms[0]["id"].(string)), "/services")
	if len(byTerm) != 2 {
		t.Errorf("services of § 40: %d, want 2", len(byTerm))
	}
	orgs := contents(t, hsdsGet(t, e, "/hsds/organizations?search=charita"), "/organizations")
	if len(orgs) != 1 {
		t.Fatalf("organizations: %v", orgs)
	}
	if org := hsdsGet(t, e, "/hsds/organizations/"+orgs[0]["id"].(string)); org["name"] != orgs[0]["name"] || len(org["services"].([]any)) != 5 {
		t.Errorf("organization: %v", org)
	}
	byOrg := contents(t, hsdsGet(t, e, "/hsds/services?per_page=50&organization_id="+orgs[0]["id"].(string)), "/services")
	if len(byOrg) != 5 {
		t.Errorf("services of Charita: %d, want 5", len(byOrg))
	}
	if later := contents(t, hsdsGet(t, e, "/hsds/services?modified_after=2999-01-01T00:00:00Z"), "/services"); len(later) != 0 {
		t.Errorf("modified_after in the future: %d services", len(later))
	}
	sals := contents(t, hsdsGet(t, e, "/hsds/service_at_locations?postcode=76361"), "/service_at_locations")
	if len(sals) == 0 {
		t.Fatal("no service at a location in 763 61")
	}
	for _, s := range sals {
		hasFields(t, "service_at_location", s, []string{"id", "service_id", "location_id", "location"})
	}
	if rec := e.do("GET", "/hsds/services/nonsense", nil, nil); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"code":"not_found"`) {
		t.Errorf("unknown id: %d %s", rec.Code, rec.Body.String())
	}
}

// The printable catalogue: a PDF with a table of contents and the right Czech letters.
func TestCatalogPDF(t *testing.T) {
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("KPSS_REQUIRE_BROWSER") == "1" {
			t.Fatal("pdftotext not found (install poppler-utils)")
		}
		t.Skip("pdftotext not found")
	}
	e := newTestEnv(t, "sqlite")
	text := func(path string) string {
		rec := e.do("GET", path, nil, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		f := filepath.Join(t.TempDir(), "k.pdf")
		os.WriteFile(f, rec.Body.Bytes(), 0o600)
		out, err := exec.Command(tool, "-enc", "UTF-8", f, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	all := text("/katalog/tisk.pdf")
	for _, want := range []string{"Katalog sociálních a návazných služeb", "Obsah", "Pečovatelská služba Napajedla", "Pečovatelská služba (§ 40)",
		"Charita sv. Anežky Otrokovice", "Žlutava", "Nízkoprahový klub pro děti a mládež", "Strana 1 z"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	seniors := text(fmt.Sprintf("/katalog/tisk.pdf?skupina=%d", e.ids.seniors))
	if !strings.Contains(seniors, "Katalog služeb – Senioři") || !strings.Contains(seniors, "Domov pro seniory Napajedla") || strings.Contains(seniors, "Nízkoprahový klub") {
		t.Errorf("the seniors' PDF holds the wrong services")
	}
}

// Where, by distance: "within 5 km of Napajedla" lists the services nearest
// first with the distance and the place, "from where I am" takes the
// browser's position (rounded in the form, with a way back), a municipality
// without a known centre says so and searches in it alone; the map carries
// the same places as the list.
func TestCatalogSearchByDistance(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			napajedla := e.id(`SELECT id FROM municipalities WHERE name = ?`, "Napajedla")
			rec := e.do("GET", fmt.Sprintf("/katalog?q=pecovat&obec=%d&km=5", napajedla), nil, nil)
			body := rec.Body.String()
			if rec.Code != http.StatusOK || !strings.Contains(body, "Seřazeno podle vzdálenosti od obce Napajedla (do 5 km).") {
				t.Fatalf("%d, no note of the distance search", rec.Code)
			}
			i, j := strings.Index(body, "Pečovatelská služba Napajedla"), strings.Index(body, "Pečovatelská služba Otrokovice")
			if i < 0 || j < 0 || i > j {
				t.Fatalf("want Napajedla before Otrokovice: %d, %d", i, j)
			}
			if !strings.Contains(body, "<strong>0,0 km</strong> – Masarykovo nám. 89, Napajedla") || !strings.Contains(body, "<strong>4,4 km</strong> – Štefánikova 1403, Otrokovice") {
				t.Errorf("distances and places not shown:\n%s", excerpt(body, "catalog-distance"))
			}
			// The map: the places of the listed services that have coordinates, linked to them.
			var fc struct {
				Features []struct {
					Geometry   struct{ Coordinates [2]float64 }
					Properties struct{ Title, URL, Text string }
				}
			}
			m := regexp.MustCompile(`(?s)<script type="application/json" id="catalog-map">(.*?)</script>`).FindStringSubmatch(body)
			if m == nil || !strings.Contains(body, `data-map="catalog-map"`) {
				t.Fatal("no map of the results")
			}
			if err := json.Unmarshal([]byte(m[1]), &fc); err != nil || len(fc.Features) != 2 {
				t.Fatalf("map features: %v %+v", err, fc)
			}
			if f := fc.Features[0]; f.Properties.Title != "Pečovatelská služba Napajedla" || f.Geometry.Coordinates != [2]float64{17.5119, 49.1716} || !strings.HasPrefix(f.Properties.URL, "/katalog/sluzby/") {
				t.Errorf("first feature: %+v", f)
			}
			// The provider's page maps the places of all its services, each linked.
			charita := e.id(`SELECT id FROM organisations WHERE name = ?`, "Charita sv. Anežky Otrokovice")
			prov := e.do("GET", fmt.Sprintf("/katalog/poskytovatele/%d", charita), nil, nil).Body.String()
			pm := regexp.MustCompile(`(?s)<script type="application/json" id="provider-map">(.*?)</script>`).FindStringSubmatch(prov)
			var places int
			e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM catalog_locations l JOIN catalog_services s ON s.id = l.service_id
				WHERE s.organisation_id = ? AND s.status = 'active' AND l.latitude IS NOT NULL`, charita).Scan(&places)
			if pm == nil || strings.Count(pm[1], `"type":"Feature"`) != places || places == 0 || strings.Count(pm[1], `"url":"/katalog/sluzby/`) != places {
				t.Errorf("provider map: want %d places, got %v", places, pm)
			}
			// Within 1 km the Otrokovice service is gone.
			if body := e.do("GET", fmt.Sprintf("/katalog?q=pecovat&obec=%d&km=1", napajedla), nil, nil).Body.String(); strings.Contains(body, "Pečovatelská služba Otrokovice") {
				t.Error("km=1 still lists Otrokovice")
			}
			// From the visitor's position: rounded, with a way back.
			body = e.do("GET", "/katalog?q=pecovat&lat=49.20934&lng=17.53049&km=5", nil, nil).Body.String()
			if !strings.Contains(body, "Seřazeno podle vzdálenosti od vašeho místa (do 5 km).") || !strings.Contains(body, `name="lat" value="49.209"`) ||
				!strings.Contains(body, `href="/katalog?q=pecovat">Hledat bez mé polohy`) {
				t.Errorf("position search: %s", excerpt(body, "results-title"))
			}
			if i, j := strings.Index(body, "Pečovatelská služba Otrokovice"), strings.Index(body, "Pečovatelská služba Napajedla"); i < 0 || j < 0 || i > j {
				t.Errorf("from Otrokovice, Otrokovice comes first: %d, %d", i, j)
			}
			// A municipality whose centre is not known: said, and searched in it alone.
			// (Another URL: the catalogue's page cache does not hear of changes to municipalities.)
			if _, err := e.db.Exec(context.Background(), `UPDATE municipalities SET latitude = NULL, longitude = NULL WHERE id = ?`, napajedla); err != nil {
				t.Fatal(err)
			}
			body = e.do("GET", fmt.Sprintf("/katalog?q=pecovat&obec=%d&km=10", napajedla), nil, nil).Body.String()
			if !strings.Contains(body, "U obce Napajedla zatím neznáme polohu") || strings.Contains(body, "Pečovatelská služba Otrokovice") {
				t.Errorf("no centre: %s", excerpt(body, "results-title"))
			}
		})
	}
}

// HSDS: lat, long and proximity (metres) on /services and /service_at_locations,
// nearest first; a bad point or distance is a 400 naming the parameter.
func TestHSDSProximity(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			page := hsdsGet(t, e, "/hsds/services?search=pecovat&lat=49.1716&long=17.5119&proximity=5000")
			list := contents(t, page, "/services")
			if len(list) != 2 || list[0]["name"] != "Pečovatelská služba Napajedla" || list[1]["name"] != "Pečovatelská služba Otrokovice" {
				t.Fatalf("services within 5 km: %v", list)
			}
			sals := contents(t, hsdsGet(t, e, "/hsds/service_at_locations?full=true&lat=49.1716&long=17.5119&proximity=1000"), "/service_at_locations")
			if len(sals) == 0 {
				t.Fatal("no place within 1 km of Napajedla's square")
			}
			// (A place without coordinates counts at its municipality's centre.)
			for _, s := range sals {
				loc := s["location"].(map[string]any)
				if addr := fmt.Sprint(loc["addresses"]); !strings.Contains(addr, "Napajedla") {
					t.Errorf("a place outside 1 km of Napajedla: %v", addr)
				}
			}
			for _, q := range []string{"lat=49.1716&proximity=1000", "lat=49.1716&long=17.5119&proximity=-5", "lat=91&long=17&proximity=10", "lat=49.1716&long=17.5119"} {
				rec := e.do("GET", "/hsds/services?"+q, nil, nil)
				if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"fields"`) {
					t.Errorf("%s: %d %s", q, rec.Code, rec.Body.String())
				}
			}
		})
	}
}

// excerpt is the text around marker, for a readable failure.
func excerpt(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return "(" + marker + " not found)"
	}
	return body[max(0, i-200):min(len(body), i+1200)]
}
