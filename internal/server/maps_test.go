package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kpss/internal/browsertest"
	"kpss/internal/geo"
	"kpss/internal/storetest"
)

// needLeaflet fails (in CI) or skips (elsewhere) when npm ci has not
// installed Leaflet, as the browser tests do without Chromium.
func needLeaflet(t *testing.T, srv *Server) {
	t.Helper()
	if srv.leaflet != "" {
		return
	}
	if os.Getenv("KPSS_REQUIRE_BROWSER") == "1" {
		t.Fatal("Leaflet is not installed (npm ci); KPSS_REQUIRE_BROWSER=1 makes this a failure")
	}
	t.Skip("Leaflet is not installed (npm ci)")
}

func TestMapAssetsAndTileServerInTheCSP(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	needLeaflet(t, e.srv)
	rec := e.do("GET", "/static/vendor/leaflet/leaflet.js", nil, nil)
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), "javascript") || !strings.Contains(rec.Body.String(), "Leaflet") {
		t.Fatalf("leaflet.js: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := e.do("GET", "/static/vendor/leaflet/images/marker-icon.png", nil, nil); rec.Code != 200 {
		t.Fatalf("marker icon: %d", rec.Code)
	}
	// The page that shows a map loads Leaflet and map.js; others do not.
	c := e.session("koordinator")
	page := e.do("GET", "/partneri/obce", nil, c).Body.String()
	for _, want := range []string{`/static/vendor/leaflet/leaflet.js`, `/static/map.js`, `data-map="municipality-points"`, `"coordinates":[17.5306,49.2098]`} {
		if !strings.Contains(page, want) {
			t.Errorf("municipality list lacks %s", want)
		}
	}
	if strings.Contains(e.do("GET", "/partneri/organizace", nil, c).Body.String(), "leaflet.js") {
		t.Error("a page without a map loads Leaflet")
	}
	// Offline by default: the tiles are our own blank grid, and the CSP
	// allows no foreign images.
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:;") {
		t.Errorf("CSP = %s", csp)
	}

	// A configured tile server is the one foreign image source.
	srv, err := New(Deps{DB: storetest.New(t, "sqlite"), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MapTiles: "https://{s}.tile.example.cz/{z}/{x}/{y}.png", MapAttribution: "© Example"})
	if err != nil {
		t.Fatal(err)
	}
	r2 := httptest.NewRecorder()
	srv.ServeHTTP(r2, httptest.NewRequest("GET", "/", nil))
	if csp := r2.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://*.tile.example.cz;") {
		t.Errorf("CSP with tiles = %s", csp)
	}
	// Maps switched off: no Leaflet route at all.
	off, err := New(Deps{DB: storetest.New(t, "sqlite"), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MapTiles: "off"})
	if err != nil {
		t.Fatal(err)
	}
	r3 := httptest.NewRecorder()
	off.ServeHTTP(r3, httptest.NewRequest("GET", "/static/vendor/leaflet/leaflet.js", nil))
	if r3.Code != http.StatusNotFound {
		t.Errorf("maps off: leaflet.js answered %d", r3.Code)
	}
}

// A municipality's centre is typed as two numbers in any of the ways people
// copy them from a map; a wrong one is a Czech error with the text kept.
func TestMunicipalityCentre(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			c := e.session("koordinator")
			form := url.Values{"name": {"Komárov"}, "kind": {"municipality"}, "location": {"Komárov u Napajedel"}}
			rec := e.do("POST", "/partneri/obce/nova", form, c)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Zadejte souřadnice jako dvě čísla") || !strings.Contains(body, `value="Komárov u Napajedel"`) {
				t.Fatalf("bad point: %d, Czech error or typed value missing", rec.Code)
			}
			form.Set("location", "49,1790; 17,4921")
			rec = e.do("POST", "/partneri/obce/nova", form, c)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
			}
			loc := rec.Header().Get("Location")
			if page := e.do("GET", loc, nil, c).Body.String(); !strings.Contains(page, "49.179, 17.4921") {
				t.Fatalf("detail does not show the centre")
			}
			// The API carries it as numbers.
			req := httptest.NewRequest("GET", "/api/v1"+strings.TrimPrefix(strings.Replace(loc, "/partneri/obce/", "/municipalities/", 1), ""), nil)
			req.Header.Set("Authorization", "Bearer "+e.token("koordinator"))
			ar := httptest.NewRecorder()
			e.srv.ServeHTTP(ar, req)
			var m struct {
				Lat *float64 `json:"latitude"`
				Lng *float64 `json:"longitude"`
			}
			if err := json.Unmarshal(ar.Body.Bytes(), &m); err != nil || m.Lat == nil || *m.Lat != 49.179 || *m.Lng != 17.4921 {
				t.Fatalf("API: %d %s", ar.Code, ar.Body.String())
			}
			// Emptying the field forgets the centre.
			form.Set("location", "")
			if rec := e.do("POST", loc+"/upravit", form, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("clear: %d", rec.Code)
			}
			if page := e.do("GET", loc, nil, c).Body.String(); strings.Contains(page, "17.4921") {
				t.Fatal("the centre stayed after it was emptied")
			}
		})
	}
}

// TestMapsInTheBrowser draws the municipalities' map and picks a centre with
// a click: Leaflet loads under the CSP, the markers carry the names, the
// click fills the field, and axe-core finds nothing on the drawn map.
func TestMapsInTheBrowser(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	needLeaflet(t, e.srv)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	b.Navigate(t, ts.URL+"/prihlaseni")
	b.Fill(t, "#f-login", "koordinator")
	b.Fill(t, "#f-password", demoPassword)
	b.ClickAndWait(t, `form[action="/prihlaseni"] button[type=submit]`)

	b.Navigate(t, ts.URL+"/partneri/obce")
	var markers []string
	b.WaitFor(t, `document.querySelectorAll('.map.map-on .leaflet-marker-icon').length >= 9`)
	b.Run(t, chromedp.Evaluate(`[...document.querySelectorAll('.leaflet-marker-icon')].map(m => m.getAttribute('alt'))`, &markers))
	if !strings.Contains(strings.Join(markers, "|"), "Napajedla") {
		t.Fatalf("markers = %v", markers)
	}
	b.Axe(t)
	screenshot(t, b, "map-municipalities")

	b.Navigate(t, ts.URL+"/partneri/obce/"+strconv.FormatInt(e.ids.otrokovice, 10)+"/upravit")
	b.WaitFor(t, `document.querySelector('.map-picker.map-on .leaflet-marker-icon') !== null`)
	var before, after string
	b.Run(t, chromedp.Value("#f-location", &before, chromedp.ByQuery))
	if before != "49.2098, 17.5306" {
		t.Fatalf("the form shows %q", before)
	}
	// A click left of the pin moves the centre west.
	var box []float64
	b.Run(t, chromedp.Evaluate(`(() => { const m = document.querySelector('.map-picker'); m.scrollIntoView({block: 'center'}); const r = m.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, &box))
	b.Run(t, chromedp.MouseClickXY(box[0]+box[2]/4, box[1]+box[3]/2))
	b.WaitFor(t, `document.querySelector('#f-location').value !== '49.2098, 17.5306'`)
	b.Run(t, chromedp.Value("#f-location", &after, chromedp.ByQuery))
	lat, lng, err := geo.ParsePoint(after)
	if err != nil || lng >= 17.5306 || lat < 49.19 || lat > 49.23 {
		t.Fatalf("after a click west of the pin the field says %q", after)
	}
	if got := b.Text(t, ".map-status"); !strings.Contains(got, "Zvolené místo") {
		t.Fatalf("no announcement of the chosen place: %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "map-picker")
	b.ClickAndWait(t, `form.stack button[type=submit]`)
	if got := b.Text(t, ".flash"); got == "" {
		t.Fatal("saving the picked centre showed no confirmation")
	}
	b.NoConsoleErrors(t)
}
