package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// The public read APIs and feeds can be read from other sites' pages (CORS
// with *, preflight answered); pages, the sign-in and the Open311 POST cannot.
func TestCORS(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	req := func(method, path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		r.Header.Set("Origin", "https://obec.example")
		if method == http.MethodOptions {
			r.Header.Set("Access-Control-Request-Method", "GET")
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, r)
		return rec
	}
	for _, path := range []string{"/hsds/", "/hsds/services", "/hsds/taxonomies", "/open311/v2/services.json", "/open311/v2/discovery.xml", "/open311/v2/discovery.json",
		"/oparl/v1", "/kalendar.ics", "/jednani/kalendar.ics", "/aktuality/rss.xml", "/aktuality/atom.xml", "/podnety/verejne.geojson"} {
		rec := req("GET", path)
		if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: %d, Access-Control-Allow-Origin %q", path, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
		}
		rec = req("OPTIONS", path)
		if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Header().Get("Access-Control-Allow-Methods") != "GET, HEAD, OPTIONS" {
			t.Errorf("preflight %s: %d %v", path, rec.Code, rec.Header())
		}
		if rec.Header().Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("%s allows credentials", path)
		}
	}
	for _, path := range []string{"/", "/katalog", "/prihlaseni", "/api/v1/me"} {
		if rec := req("GET", path); rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s answers CORS", path)
		}
	}
	if rec := req("POST", "/open311/v2/requests.json"); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("Open311 POST answers CORS: %v", rec.Header())
	}
}
