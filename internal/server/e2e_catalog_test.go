package server

import (
	"net/http/httptest"
	"strings"
	"testing"

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
