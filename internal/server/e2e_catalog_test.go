package server

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kpss/internal/browsertest"
)

// TestVisitorFindsCareServiceInNapajedla: a visitor, not signed in, types
// "pecovatelska" without diacritics, picks Napajedla, finds the care service
// and opens its detail with address, hours and accessibility; then the
// provider's page. axe-core checks every page on the way.
func TestVisitorFindsCareServiceInNapajedla(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	ts := httptest.NewServer(e.srv)
	defer ts.Close()

	b.Navigate(t, ts.URL+"/katalog")
	if got := b.Text(t, "h1"); got != "Katalog služeb" {
		t.Fatalf("h1 = %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "catalog-search")

	b.Fill(t, "#q", "pecovatelska")
	b.Run(t, chromedp.SetValue("#obec", "", chromedp.ByQuery))
	var napajedla string
	b.Run(t, chromedp.Evaluate(`[...document.querySelectorAll('#obec option')].find(o => o.textContent === 'Napajedla').value`, &napajedla))
	b.Run(t, chromedp.SetValue("#obec", napajedla, chromedp.ByQuery))
	b.ClickAndWait(t, `form[role=search] button[type=submit]`)
	results := b.Text(t, ".catalog-results")
	if !strings.Contains(results, "Pečovatelská služba Napajedla") || strings.Contains(results, "Pečovatelská služba Otrokovice") {
		t.Fatalf("results = %q", results)
	}
	if got := b.Text(t, "#results-title"); got != "Nalezena 1 služba" {
		t.Errorf("results heading = %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "catalog-results")

	b.ClickAndWait(t, `.catalog-results h3 a`)
	if got := b.Text(t, "h1"); got != "Pečovatelská služba Napajedla" {
		t.Fatalf("detail h1 = %q", got)
	}
	detail := b.Text(t, "main")
	for _, want := range []string{"Masarykovo nám. 89, Napajedla", "po–pá 7:00–15:30", "částečně bezbariérový přístup", "Jak službu získat", "Údaje poskytovatel naposledy potvrdil"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	b.Axe(t)
	screenshot(t, b, "catalog-detail")

	// The detail's map shows its place.
	b.WaitFor(t, `document.querySelectorAll('.map.map-on .leaflet-marker-icon').length === 1`)

	b.ClickAndWait(t, `.lead a[href^="/katalog/poskytovatele/"]`)
	if got := b.Text(t, "h1"); got != "Charita sv. Anežky Otrokovice" {
		t.Fatalf("provider h1 = %q", got)
	}
	if !strings.Contains(b.Text(t, "main"), "Tísňová péče") {
		t.Error("the provider's page lacks its other services")
	}
	b.Axe(t)
	b.NoConsoleErrors(t)
}

// TestVisitorSearchesFromWhereSheIs: in Otrokovice, the visitor lets the
// browser tell her position ("Hledat od mého místa"); the results come
// nearest first with distances, the same places are on the map, and she can
// go back to a search without her position. axe-core checks the page.
func TestVisitorSearchesFromWhereSheIs(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	ts := httptest.NewServer(e.srv)
	defer ts.Close()

	b.Run(t, chromedp.ActionFunc(func(ctx context.Context) error {
		if err := browser.SetPermission(&browser.PermissionDescriptor{Name: "geolocation"}, browser.PermissionSettingGranted).WithOrigin(ts.URL).Do(ctx); err != nil {
			return err
		}
		return emulation.SetGeolocationOverride().WithLatitude(49.20934).WithLongitude(17.53049).WithAccuracy(20).Do(ctx)
	}))
	b.Navigate(t, ts.URL+"/katalog")
	b.Fill(t, "#q", "pecovat")
	b.WaitFor(t, `!document.getElementById('catalog-here').hidden`)
	b.ClickAndWait(t, `#catalog-here`)
	if got := b.Text(t, "#results-title + p"); !strings.Contains(got, "Seřazeno podle vzdálenosti od vašeho místa (do 10 km).") {
		t.Fatalf("note = %q", got)
	}
	var dist []string
	b.Run(t, chromedp.Evaluate(`[...document.querySelectorAll('.catalog-card')].map(c => c.querySelector('h3').textContent + ': ' + c.querySelector('.catalog-distance').textContent)`, &dist))
	if len(dist) != 2 || dist[0] != "Pečovatelská služba Otrokovice: 0,0 km – Štefánikova 1403, Otrokovice" || !strings.HasPrefix(dist[1], "Pečovatelská služba Napajedla: 3,0 km – působí v obci Žlutava") {
		t.Fatalf("results = %q", dist)
	}
	var lat string
	b.Run(t, chromedp.Evaluate(`document.querySelector('input[name=lat]').value`, &lat))
	if lat != "49.209" {
		t.Errorf("the position kept in the form: %q, want rounded 49.209", lat)
	}
	b.WaitFor(t, `document.querySelectorAll('.map.map-on .leaflet-marker-icon').length === 2`)
	b.Axe(t)
	screenshot(t, b, "catalog-near")
	b.ClickAndWait(t, `a[href="/katalog?q=pecovat"]`)
	if strings.Contains(b.Text(t, "main"), "vašeho místa") {
		t.Error("the position is still used after 'Hledat bez mé polohy'")
	}
	b.NoConsoleErrors(t)
}
