package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kpss/internal/browsertest"
	"kpss/internal/plan"
)

func planSignIn(t *testing.T, b *browsertest.Browser, base, login string) {
	t.Helper()
	b.Navigate(t, base+"/prihlaseni")
	b.Fill(t, "#f-login", login)
	b.Fill(t, "#f-password", demoPassword)
	b.ClickAndWait(t, `form[action="/prihlaseni"] button[type=submit]`)
	if got := b.Text(t, ".flash"); got != "Jste přihlášeni." {
		t.Fatalf("sign-in of %s: flash %q", login, got)
	}
}

// TestMonitoringRoundEndToEnd: the coordinator opens the 2026 round; the
// demo provider (Charita) confirms an unchanged report with one click and
// changes one figure in another; the coordinator sees the completeness and
// the early warning the change raised, and generates the evaluation report.
// axe-core checks every page on the way.
func TestMonitoringRoundEndToEnd(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	ts := httptest.NewServer(e.srv)
	defer ts.Close()

	planSignIn(t, b, ts.URL, "koordinator")
	b.ClickAndWait(t, `nav.main-nav a[href="/monitoring"]`)
	if got := b.Text(t, "h1"); got != "Monitoring" {
		t.Fatalf("monitoring h1 = %q", got)
	}
	b.Axe(t)
	b.ClickAndWait(t, `a[href="/monitoring/kola/nove"]`)
	b.Axe(t)
	var year, deadline string
	b.Run(t, chromedp.Value("#f-year", &year, chromedp.ByQuery), chromedp.Value("#f-deadline", &deadline, chromedp.ByQuery))
	if year != "2026" || deadline == "" {
		t.Fatalf("round form offers year %q deadline %q", year, deadline)
	}
	b.Fill(t, "#f-deadline", "2027-03-31")
	b.ClickAndWait(t, `form.stack button[type=submit]`)
	if got := b.Text(t, "h1"); got != "Monitorovací kolo 2026" {
		t.Fatalf("after opening h1 = %q", got)
	}
	if got := b.Text(t, "#completeness"); !strings.Contains(got, "Odesláno 0 z 15 výkazů") {
		t.Fatalf("completeness = %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "plan-round-opened")

	// The provider, in a browser of her own.
	s := planSvc(e)
	rounds, _ := s.Rounds(context.Background())
	r26 := rounds[0]
	svcIDs, _ := planIDs(t, e)
	alarm := reportOf(t, e, r26.ID, svcIDs["Tísňová péče Anežka"])
	care := reportOf(t, e, r26.ID, svcIDs["Pečovatelská služba Charity Otrokovice"])
	p := b.NewSession(t)
	planSignIn(t, p, ts.URL, "poskytovatel")
	p.Navigate(t, ts.URL+"/monitoring")
	rows := p.Text(t, "#my-reports tbody")
	if !strings.Contains(rows, "Tísňová péče Anežka") || !strings.Contains(rows, "předvyplněno z minulého kola") || strings.Contains(rows, "Azylový dům") {
		t.Fatalf("provider's reports: %q", rows)
	}
	p.Axe(t)
	screenshot(t, p, "plan-provider-reports")
	p.ClickAndWait(t, fmt.Sprintf(`form[action="/monitoring/vykazy/%d"] button[type=submit]`, alarm.ID))
	if got := p.Text(t, ".flash"); got != "Děkujeme, výkaz byl potvrzen beze změn a odeslán." {
		t.Fatalf("after confirm flash = %q", got)
	}
	p.Axe(t)
	p.Navigate(t, ts.URL+"/monitoring")
	p.ClickAndWait(t, fmt.Sprintf(`#my-reports a[href="/monitoring/vykazy/%d"]`, care.ID))
	var waiting string
	p.Run(t, chromedp.Value("#f-waiting", &waiting, chromedp.ByQuery))
	if waiting != "22" {
		t.Fatalf("pre-filled waiting list = %q", waiting)
	}
	p.Axe(t)
	p.Fill(t, "#f-waiting", "30")
	p.ClickAndWait(t, `form.report-form button[value=submit]`)
	if got := p.Text(t, ".flash"); got != "Děkujeme, výkaz byl odeslán." {
		t.Fatalf("after submit flash = %q", got)
	}
	if got := p.Text(t, "main"); !strings.Contains(got, "odeslaný a uzamčený") {
		t.Fatal("the submitted report does not say it is frozen")
	}
	p.Axe(t)
	screenshot(t, p, "plan-report-submitted")
	p.NoConsoleErrors(t)

	// Back to the coordinator.
	b.Navigate(t, fmt.Sprintf("%s/monitoring/kola/%d", ts.URL, r26.ID))
	if got := b.Text(t, "#completeness"); !strings.Contains(got, "Odesláno 2 z 15 výkazů") {
		t.Fatalf("completeness = %q", got)
	}
	if got := b.Text(t, "#by-provider"); !strings.Contains(got, "Charita sv. Anežky Otrokovice") || !strings.Contains(got, "2 / 4") {
		t.Fatalf("by provider = %q", got)
	}
	b.Axe(t)
	b.ClickAndWait(t, fmt.Sprintf(`a[href="/monitoring/varovani?kolo=%d"]`, r26.ID))
	warn := b.Text(t, "main")
	if !strings.Contains(warn, "V kole 2026 oproti kolu 2025") || !strings.Contains(warn, "Pořadník vzrostl z 22 na 30") {
		t.Fatalf("early warning page: %q", warn)
	}
	b.Axe(t)
	screenshot(t, b, "plan-early-warning")
	b.Navigate(t, ts.URL+"/monitoring/prehled")
	b.Axe(t)
	b.Navigate(t, ts.URL+"/plan")
	if got := b.Text(t, "h1"); got != "Komunitní plán 2026–2028" {
		t.Fatalf("plan h1 = %q", got)
	}
	b.Axe(t)
	b.ClickAndWait(t, `main a[href^="/plan/opatreni/"]`)
	b.Axe(t)
	screenshot(t, b, "plan-measure")
	b.Navigate(t, ts.URL+"/plan/dokumenty")
	b.Axe(t)
	b.Run(t, chromedp.SetValue("#f-year", "2025", chromedp.ByQuery))
	b.ClickAndWait(t, `#generate-evaluation`)
	if got := b.Text(t, "h1"); !strings.Contains(got, "Hodnotící zpráva komunitního plánu ORP Otrokovice za rok 2025") {
		t.Fatalf("document h1 = %q", got)
	}
	if got := b.Text(t, ".plan-document"); !strings.Contains(got, "Plnění opatření") || !strings.Contains(got, "Pořadník vzrostl z 14 na 22") {
		t.Fatalf("document body = %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "plan-evaluation-report")
	docs, _ := s.Documents(context.Background())
	if len(docs) != 1 || docs[0].Kind != plan.DocEvaluation || docs[0].Year != 2025 {
		t.Fatalf("kept documents = %+v", docs)
	}
	b.NoConsoleErrors(t)
}

// TestPlanNetworkMapInTheBrowser: the steering group's dashboard draws the
// network of services as one marker per municipality (named for screen
// readers); a marker's bubble lists the services of the place and links to
// their rows in the table; axe-core finds nothing on the drawn map, with a
// bubble open.
func TestPlanNetworkMapInTheBrowser(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	needLeaflet(t, e.srv)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()

	planSignIn(t, b, ts.URL, "ridici")
	b.Navigate(t, ts.URL+"/monitoring/prehled")
	b.WaitFor(t, `document.querySelectorAll('.map.map-on[data-map="network-map"] .leaflet-marker-icon').length === 3`)
	var markers []string
	b.Run(t, chromedp.Evaluate(`[...document.querySelectorAll('[data-map="network-map"] .leaflet-marker-icon')].map(m => m.getAttribute('alt')).sort()`, &markers))
	if strings.Join(markers, "|") != "Napajedla|Otrokovice|Tlumačov" {
		t.Fatalf("markers = %v", markers)
	}
	if got := b.Text(t, "#network-table"); !strings.Contains(got, "Pořadník vzrostl z 14 na 22") {
		t.Fatalf("the table lacks the warning: %q", got)
	}
	b.Axe(t)
	// The keyboard opens a marker's bubble: focus it, press Enter.
	b.Run(t, chromedp.Evaluate(`document.querySelector('[data-map="network-map"] .leaflet-marker-icon[alt="Napajedla"]').scrollIntoView({block: 'center'})`, nil))
	b.Run(t, chromedp.Focus(`[data-map="network-map"] .leaflet-marker-icon[alt="Napajedla"]`, chromedp.ByQuery))
	b.Run(t, chromedp.KeyEvent("\r"))
	b.WaitFor(t, `document.querySelector('.leaflet-popup .map-popup') !== null`)
	bubble := b.Text(t, ".leaflet-popup .map-popup")
	if !strings.Contains(bubble, "Napajedla") || !strings.Contains(bubble, "3 služby: Domov pro seniory Napajedla, Nízkoprahový klub Kamarád, Osobní asistence CZP") {
		t.Fatalf("bubble = %q", bubble)
	}
	b.Axe(t)
	screenshot(t, b, "plan-network-map")
	// Its link leads to the rows of the place.
	b.Click(t, ".leaflet-popup .map-popup a")
	b.WaitFor(t, `location.hash.startsWith('#sit-obec-') && document.querySelector(location.hash).textContent.includes('Domov pro seniory Napajedla')`)
	b.NoConsoleErrors(t)
}
