package server

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kpss/internal/geo"
	"kpss/internal/storetest"
)

// o311Post sends POST requests.json as an Open311 app would (no browser
// headers), returning the answer.
func (e *testEnv) o311Post(form url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/open311/v2/requests.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

// municipalityOf returns the municipality of the suggestion with the
// tracking code ("" for none).
func (e *testEnv) municipalityOf(code string) string {
	e.t.Helper()
	var name *string
	if err := e.db.QueryRow(e.t.(*testing.T).Context(), `SELECT m.name FROM suggestions s LEFT JOIN municipalities m ON m.id = s.municipality_id WHERE s.code = ?`, code).Scan(&name); err != nil {
		e.t.Fatalf("suggestion %s: %v", code, err)
	}
	if name == nil {
		return ""
	}
	return *name
}

// A GeoReport v2 client that sends only service_code, description, a place
// and an e-mail gets its request in: the municipality is told from the
// point or from the address; a point outside the region leaves it for the
// coordinator, whose inbox shows it as "obec nezjištěna" until they assign
// one. The public form's map pin works the same.
func TestOpen311IntakeFromAnyClient(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			key := e.token("koordinator")
			send := func(extra url.Values) string {
				t.Helper()
				form := url.Values{"api_key": {key}, "service_code": {"bezbarierovost"}, "description": {"Chybí nájezd na chodník u pošty."}, "email": {"jana@example.cz"}}
				for k, v := range extra {
					form[k] = v
				}
				rec := e.o311Post(form)
				var created []struct {
					ServiceRequestID string `json:"service_request_id"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &created); rec.Code != 201 || err != nil || len(created) != 1 {
					t.Fatalf("POST %v: %d %s", extra, rec.Code, rec.Body.String())
				}
				return created[0].ServiceRequestID
			}

			// A point near Napajedla's centre.
			if got := e.municipalityOf(send(url.Values{"lat": {"49.1722"}, "long": {"17.5130"}})); got != "Napajedla" {
				t.Errorf("by the point: %q, want Napajedla", got)
			}
			// A municipality's name in the address, without diacritics.
			if got := e.municipalityOf(send(url.Values{"address_string": {"Masarykova 12, 763 62 TLUMACOV"}})); got != "Tlumačov" {
				t.Errorf("by the address: %q, want Tlumačov", got)
			}
			// Prague: none of the region; it still gets in, with no municipality.
			lost := send(url.Values{"lat": {"50.0755"}, "long": {"14.4378"}, "address_string": {"Václavské náměstí 1, Praha"}})
			if got := e.municipalityOf(lost); got != "" {
				t.Fatalf("a point in Prague went to %q", got)
			}
			// A client's own choice still counts.
			if got := e.municipalityOf(send(url.Values{"lat": {"49.1722"}, "long": {"17.5130"}, "attribute[municipality]": {fmt.Sprint(e.ids.otrokovice)}})); got != "Otrokovice" {
				t.Errorf("attribute[municipality]: %q", got)
			}
			// Nothing to place it by: a clear error, no request.
			if rec := e.o311Post(url.Values{"api_key": {key}, "service_code": {"bezbarierovost"}, "description": {"Něco je špatně."}}); rec.Code != 400 {
				t.Errorf("no place: %d", rec.Code)
			}

			// The coordinator's inbox: the unplaced one, marked, and a filter.
			coord := e.session("koordinator")
			rec := e.do("GET", "/podnety?municipality_id=-1", nil, coord)
			body := rec.Body.String()
			if rec.Code != 200 || !strings.Contains(body, lost) || !strings.Contains(body, "obec nezjištěna") || strings.Count(body, `href="/podnety/`) < 1 {
				t.Fatalf("inbox, municipality not known: %d\n%s", rec.Code, body)
			}
			var id, n int64
			e.db.QueryRow(t.Context(), `SELECT id FROM suggestions WHERE code = ?`, lost).Scan(&id)
			e.db.QueryRow(t.Context(), `SELECT COUNT(*) FROM suggestions WHERE municipality_id IS NULL`).Scan(&n)
			if strings.Count(body, "<tr>")-1 != int(n) {
				t.Errorf("the filter lists %d rows, %d have no municipality", strings.Count(body, "<tr>")-1, n)
			}
			detail := e.do("GET", fmt.Sprintf("/podnety/%d", id), nil, coord).Body.String()
			if !strings.Contains(detail, "obec nezjištěna") || !strings.Contains(detail, "Určit obec") {
				t.Fatalf("detail lacks the mark or the form:\n%s", detail)
			}
			// The public tracking page says it politely.
			if track := e.do("GET", "/podnet/"+lost, nil, nil).Body.String(); !strings.Contains(track, "zatím neurčena") {
				t.Errorf("tracking page: %s", track)
			}
			// Statistics still add up (the tally counts it as "none").
			if rec := e.do("GET", "/podnety/statistiky", nil, nil); rec.Code != 200 {
				t.Errorf("statistics: %d", rec.Code)
			}
			// An empty choice is refused in Czech, keeping the page.
			rec = e.do("POST", fmt.Sprintf("/podnety/%d/obec", id), url.Values{"municipality_id": {""}}, coord)
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), "Vyberte obec") {
				t.Errorf("empty assignment: %d", rec.Code)
			}
			var audits0, audits1 int
			e.db.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'suggestion' AND entity_id = ?`, id).Scan(&audits0)
			rec = e.do("POST", fmt.Sprintf("/podnety/%d/obec", id), url.Values{"municipality_id": {fmt.Sprint(e.ids.otrokovice)}}, coord)
			if rec.Code != 303 {
				t.Fatalf("assign: %d %s", rec.Code, rec.Body.String())
			}
			if got := e.municipalityOf(lost); got != "Otrokovice" {
				t.Errorf("after assigning: %q", got)
			}
			e.db.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'suggestion' AND entity_id = ? AND action = 'municipality'`, id).Scan(&audits1)
			if audits1 != 1 || audits0 != 1 {
				t.Errorf("audit rows: %d before (create), %d of the assignment", audits0, audits1)
			}
			if body := e.do("GET", "/podnety?municipality_id=-1", nil, coord).Body.String(); strings.Contains(body, lost) {
				t.Error("an assigned suggestion still shows as not placed")
			}
		})
	}
}

// The public form takes a suggestion without a municipality when the map
// pin or the address says where; with neither it asks, in Czech.
func TestPublicFormMunicipalityFromPin(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			cat := fmt.Sprint(e.categoryID("bezbarierovost"))
			rec := e.submitForm(url.Values{"text": {"Rozbitá lavička v parku."}, "category_id": {cat}}, "10.1.0.1")
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), "označte místo na mapě") || !strings.Contains(rec.Body.String(), "Rozbitá lavička v parku.") {
				t.Fatalf("no place at all: %d", rec.Code)
			}
			rec = e.submitForm(url.Values{"text": {"Rozbitá lavička v parku."}, "category_id": {cat}, "lat": {"49,2300"}, "lng": {"17,4830"}}, "10.1.0.2")
			code := codeRe.FindStringSubmatch(rec.Body.String())
			if rec.Code != 200 || code == nil {
				t.Fatalf("by the pin: %d %s", rec.Code, rec.Body.String())
			}
			if got := e.municipalityOf(code[1]); got != "Bělov" {
				t.Errorf("by the pin: %q, want Bělov", got)
			}
			rec = e.submitForm(url.Values{"text": {"Chybí zábradlí u schodů."}, "category_id": {cat}, "address": {"Schody u kostela, Halenkovice"}}, "10.1.0.3")
			code = codeRe.FindStringSubmatch(rec.Body.String())
			if rec.Code != 200 || code == nil {
				t.Fatalf("by the address: %d", rec.Code)
			}
			if got := e.municipalityOf(code[1]); got != "Halenkovice" {
				t.Errorf("by the address: %q, want Halenkovice", got)
			}
			// A pin that is no number is not a place.
			rec = e.submitForm(url.Values{"text": {"Rozbitá lavička v parku."}, "category_id": {cat}, "lat": {"NaN"}, "lng": {"NaN"}}, "10.1.0.4")
			if rec.Code != 422 {
				t.Errorf("a NaN pin: %d", rec.Code)
			}
		})
	}
}

// Where a municipality's boundary is known, a point inside it belongs to
// that municipality even when another one's centre is nearer.
func TestOpen311IntakeByBoundary(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			belov := e.id(`SELECT id FROM municipalities WHERE name = ?`, "Bělov")
			// A made-up boundary of Bělov reaching south over Otrokovice's centre.
			shape, err := geo.ParseShape([]byte(`{"type":"Polygon","coordinates":[[[17.47,49.205],[17.535,49.205],[17.535,49.24],[17.47,49.24],[17.47,49.205]]]}`))
			if err != nil {
				t.Fatal(err)
			}
			if err := e.srv.Env().Partners.SetMunicipalityBoundary(t.Context(), belov, shape); err != nil {
				t.Fatal(err)
			}
			form := url.Values{"api_key": {e.token("koordinator")}, "service_code": {"bezbarierovost"}, "description": {"Chybí nájezd na chodník u pošty."},
				"email": {"jana@example.cz"}, "lat": {"49.2100"}, "long": {"17.5300"}}
			rec := e.o311Post(form)
			var created []struct {
				ServiceRequestID string `json:"service_request_id"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &created); rec.Code != 201 || err != nil || len(created) != 1 {
				t.Fatalf("POST: %d %s", rec.Code, rec.Body.String())
			}
			if got := e.municipalityOf(created[0].ServiceRequestID); got != "Bělov" {
				t.Errorf("inside Bělov's boundary: %q", got)
			}
			// Outside it, the nearest centre of the others still counts.
			form.Set("lat", "49.1722")
			form.Set("long", "17.5130")
			rec = e.o311Post(form)
			json.Unmarshal(rec.Body.Bytes(), &created)
			if got := e.municipalityOf(created[0].ServiceRequestID); got != "Napajedla" {
				t.Errorf("outside it: %q", got)
			}
		})
	}
}
