package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"

	"kpss/internal/browsertest"
	"kpss/internal/calendar"
)

// TestPortalVisitorProviderCoordinator is the portal's end-to-end test: a
// visitor reads a life-situation guide and follows a related service, looks
// at the calendar by month and as a list and subscribes to its feed; a
// provider submits an event, the coordinator approves it and the public sees
// it. axe-core checks every page on the way.
func TestPortalVisitorProviderCoordinator(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	ts := httptest.NewServer(e.srv)
	defer ts.Close()

	// The visitor finds the guides from the home page.
	b.Navigate(t, ts.URL+"/")
	b.ClickAndWait(t, `nav.main-nav a[href="/zivotni-situace"]`)
	if got := b.Text(t, "h1"); got != "Životní situace" {
		t.Fatalf("guides h1 = %q", got)
	}
	b.Axe(t)
	b.ClickAndWait(t, `a[href="/zivotni-situace/blizky-clovek-potrebuje-peci"]`)
	if got := b.Text(t, "h1"); got != "Blízký člověk potřebuje péči" {
		t.Fatalf("guide h1 = %q", got)
	}
	if got := b.Text(t, "#kdo-pomuze"); got != "Kdo vám pomůže" {
		t.Errorf("section heading = %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "portal-guide")
	var related string
	b.Run(t, chromedp.Evaluate(`(document.querySelector('.related-services a') || document.querySelector('#sluzby ~ p a, section[aria-labelledby=sluzby] p a')).getAttribute('href')`, &related))
	if !strings.HasPrefix(related, "/katalog") {
		t.Fatalf("related link = %q, want one into the catalogue", related)
	}
	b.ClickAndWait(t, `section[aria-labelledby=sluzby] a[href="`+related+`"]`)
	if !strings.Contains(b.URL(t), "/katalog") {
		t.Fatalf("the related link led to %s", b.URL(t))
	}
	b.Axe(t)

	// The calendar, month and list.
	b.Navigate(t, ts.URL+"/kalendar")
	if got := b.Text(t, "h1"); got != "Kalendář akcí" {
		t.Fatalf("calendar h1 = %q", got)
	}
	var cols int
	b.Run(t, chromedp.Evaluate(`document.querySelectorAll('table.month-grid thead th[scope=col]').length`, &cols))
	if cols != 7 {
		t.Errorf("month grid has %d day columns", cols)
	}
	if got := b.Text(t, "table.month-grid"); !strings.Contains(got, "Trénování paměti pro seniory") && time.Now().In(calendar.Prague).Day() < 28 {
		t.Errorf("tomorrow's event missing from the month grid")
	}
	b.Axe(t)
	screenshot(t, b, "portal-calendar-month")
	b.ClickAndWait(t, `nav.calendar-views a[href="/kalendar/seznam"]`)
	if got := b.Text(t, ".event-list"); !strings.Contains(got, "Kurz první pomoci pro pečující") {
		t.Errorf("list misses a coming event: %q", got)
	}
	b.Axe(t)
	var feed string
	b.Run(t, chromedp.AttributeValue(`section.feeds a[type="text/calendar"]`, "href", &feed, nil, chromedp.ByQuery))
	if feed != "/kalendar.ics" {
		t.Fatalf("subscribe link = %q", feed)
	}
	res, err := http.Get(ts.URL + feed)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	cal, err := ics.ParseCalendar(strings.NewReader(string(body)))
	if err != nil || len(cal.Events()) < 5 {
		t.Fatalf("the feed does not parse or is short: %v", err)
	}
	b.Navigate(t, ts.URL+"/kalendar/archiv")
	b.Axe(t)
	b.Navigate(t, ts.URL+"/aktuality")
	b.Axe(t)
	b.ClickAndWait(t, `.event-list a`)
	b.Axe(t)

	// A provider submits an event.
	signIn := func(b *browsertest.Browser, login string) {
		b.Navigate(t, ts.URL+"/prihlaseni")
		b.Fill(t, "#f-login", login)
		b.Fill(t, "#f-password", demoPassword)
		b.ClickAndWait(t, `form[action="/prihlaseni"] button[type=submit]`)
	}
	signIn(b, "poskytovatel")
	b.Navigate(t, ts.URL+"/kalendar")
	b.ClickAndWait(t, `a.button[href="/kalendar/nova"]`)
	b.Axe(t)
	day := time.Now().In(calendar.Prague).AddDate(0, 0, 3).Format("2006-01-02")
	b.Fill(t, "#f-title", "Beseda o tísňové péči")
	b.Fill(t, "#f-category", "verejnost")
	b.Fill(t, "#f-start-date", day)
	b.Fill(t, "#f-start-time", "15:00")
	b.Fill(t, "#f-end-time", "16:30")
	b.Fill(t, "#f-place", "Charita sv. Anežky Otrokovice, klubovna")
	b.Fill(t, "#f-accessibility", "full")
	b.Run(t, chromedp.Click(`label[for="f-target-group-ids-0"]`, chromedp.ByQuery))
	b.ClickAndWait(t, `form.stack button[type=submit]`)
	if got := b.Text(t, ".flash"); !strings.Contains(got, "odeslána ke schválení") {
		t.Fatalf("after submitting flash = %q", got)
	}
	b.Axe(t)

	// The coordinator approves it in another session.
	c := b.NewSession(t)
	signIn(c, "koordinator")
	c.Navigate(t, ts.URL+"/kalendar/sprava")
	c.Axe(t)
	var href string
	c.Run(t, chromedp.Evaluate(`[...document.querySelectorAll('table.data a')].find(a => a.textContent === 'Beseda o tísňové péči').getAttribute('href')`, &href))
	c.ClickAndWait(t, `table.data a[href="`+href+`"]`)
	if got := c.Text(t, "h1"); got != "Beseda o tísňové péči" {
		t.Fatalf("queue led to %q", got)
	}
	c.Axe(t)
	c.ClickAndWait(t, `form[action$="/schvalit"] button`)
	if got := c.Text(t, ".flash"); !strings.Contains(got, "schválena") {
		t.Errorf("after approval flash = %q", got)
	}

	// The public sees it.
	p := b.NewSession(t)
	p.Navigate(t, ts.URL+"/kalendar/seznam")
	if got := p.Text(t, ".event-list"); !strings.Contains(got, "Beseda o tísňové péči") {
		t.Fatalf("the approved event is not public")
	}
	p.Axe(t)
	b.NoConsoleErrors(t)
}
