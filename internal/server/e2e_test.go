package server

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kpss/internal/browsertest"
)

// screenshots go to KPSS_SCREENSHOTS (a folder) when set, for people to look at.
func screenshot(t *testing.T, b *browsertest.Browser, name string) {
	if dir := os.Getenv("KPSS_SCREENSHOTS"); dir != "" {
		b.Screenshot(t, filepath.Join(dir, name+".png"))
	}
}

// TestCoordinatorRegistersAnOrganisation is the foundation's end-to-end test:
// the coordinator signs in, types a wrong IČO and sees the Czech error with
// everything typed kept, corrects it, finds the organisation by a search
// without diacritics and signs out. axe-core checks every page on the way.
func TestCoordinatorRegistersAnOrganisation(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	ts := httptest.NewServer(e.srv)
	defer ts.Close()

	b.Navigate(t, ts.URL+"/")
	if got := b.Text(t, "h1"); !strings.Contains(got, "Komunitní plánování sociálních služeb") {
		t.Fatalf("home h1 = %q, want Czech", got)
	}
	b.Axe(t)
	screenshot(t, b, "home")

	b.ClickAndWait(t, `a.signin-link`)
	b.Axe(t)
	b.Fill(t, "#f-login", "koordinator")
	b.Fill(t, "#f-password", demoPassword)
	b.ClickAndWait(t, `form[action="/prihlaseni"] button[type=submit]`)
	if got := b.Text(t, ".flash"); got != "Jste přihlášeni." {
		t.Fatalf("after sign-in flash = %q", got)
	}
	if got := b.Text(t, ".account-name"); !strings.Contains(got, "Jana Dvořáková") {
		t.Fatalf("account name = %q", got)
	}
	b.Axe(t)

	b.Navigate(t, ts.URL+"/partneri/organizace")
	b.Axe(t)
	b.ClickAndWait(t, `a[href="/partneri/organizace/nova"]`)
	b.Axe(t)
	b.Fill(t, "#f-name", "Sociální šatník Žlutava")
	b.Fill(t, "#f-ico", "12345678")
	b.Fill(t, "#f-address", "Hlavní 12, 763 61 Žlutava")
	b.Fill(t, "#f-email", "satnik@zlutava.example")
	b.Run(t, chromedp.Click(`label[for="f-municipality-ids-8"]`, chromedp.ByQuery))
	b.ClickAndWait(t, `form.stack button[type=submit]`)

	summary := b.Text(t, ".error-summary")
	if !strings.Contains(summary, "IČO není platné: nesedí kontrolní číslice") {
		t.Fatalf("error summary = %q, want the Czech IČO error", summary)
	}
	var name, ico, addr string
	var zlutava bool
	b.Run(t,
		chromedp.Value("#f-name", &name, chromedp.ByQuery),
		chromedp.Value("#f-ico", &ico, chromedp.ByQuery),
		chromedp.Value("#f-address", &addr, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#f-municipality-ids-8').checked`, &zlutava),
	)
	if name != "Sociální šatník Žlutava" || ico != "12345678" || addr != "Hlavní 12, 763 61 Žlutava" || !zlutava {
		t.Fatalf("typed values lost: name=%q ico=%q address=%q Žlutava=%v", name, ico, addr, zlutava)
	}
	var focused string
	b.Run(t, chromedp.Evaluate(`document.activeElement.className`, &focused))
	if !strings.Contains(focused, "error-summary") {
		t.Errorf("focus is on %q, want the error summary", focused)
	}
	b.Axe(t)
	screenshot(t, b, "organisation-error")
	// The form with errors answers 422 on purpose; Chromium logs that.
	b.ResetConsoleErrors()

	b.Fill(t, "#f-ico", "25596641")
	b.ClickAndWait(t, `form.stack button[type=submit]`)
	if got := b.Text(t, "h1"); got != "Sociální šatník Žlutava" {
		t.Fatalf("after save h1 = %q", got)
	}
	if got := b.Text(t, ".flash"); got != "Změny byly uloženy." {
		t.Errorf("flash = %q", got)
	}
	b.Axe(t)

	b.Navigate(t, ts.URL+"/partneri/organizace")
	b.Fill(t, "#q", "satnik zlut")
	b.ClickAndWait(t, `form[role=search] button[type=submit]`)
	rows := b.Text(t, "table.data tbody")
	if !strings.Contains(rows, "Sociální šatník Žlutava") || strings.Contains(rows, "Charita") {
		t.Fatalf("search without diacritics found %q", rows)
	}
	b.Axe(t)
	screenshot(t, b, "organisation-search")

	b.ClickAndWait(t, `.account button[type=submit]`)
	if got := b.Text(t, ".flash"); got != "Byli jste odhlášeni." {
		t.Errorf("after sign-out flash = %q", got)
	}
	if got := b.Text(t, ".signin-link"); got != "Přihlásit se" {
		t.Errorf("after sign-out the header shows %q", got)
	}
	b.Navigate(t, ts.URL+"/partneri/organizace")
	if !strings.HasPrefix(b.URL(t), ts.URL+"/prihlaseni") {
		t.Errorf("after sign-out the registry is at %s, want the sign-in page", b.URL(t))
	}
	b.NoConsoleErrors(t)
}
