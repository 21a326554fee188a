package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
