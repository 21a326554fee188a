package server

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kpss/internal/browsertest"
	"kpss/internal/mail"
	"kpss/internal/mail/mailtest"
)

// TestSuggestionFromCitizenToResolution: a citizen sends a suggestion (with
// JavaScript and again without it), reads its tracking page; the
// coordinator routes it to the social department; the department's officer
// resolves it; the citizen's page shows it resolved; the e-mails arrived at
// the SMTP server. axe-core checks every page on the way.
func TestSuggestionFromCitizenToResolution(t *testing.T) {
	b := browsertest.New(t)
	smtp := mailtest.NewServer(t)
	e := newSuggestionEnv(t, "sqlite", mail.NewSMTP(smtp.Config()))
	runOutboxWorker(t, e.srv)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()

	b.Navigate(t, ts.URL+"/podnet")
	if got := b.Text(t, "h1"); got != "Podat podnět" {
		t.Fatalf("form h1 = %q", got)
	}
	b.Axe(t)
	b.Fill(t, "#f-text", "U vchodu do městské knihovny chybí madlo, senioři se bojí schodů.")
	b.Fill(t, "#f-category-id", fmt.Sprint(e.categoryID("bezbarierovost")))
	b.Fill(t, "#f-municipality-id", fmt.Sprint(e.ids.otrokovice))
	b.Fill(t, "#f-address", "Knihovna, Otrokovice")
	b.Fill(t, "#f-contact-name", "Věra Horáková")
	b.Fill(t, "#f-contact-email", "vera@example.cz")
	b.Click(t, `label[for="f-consent"]`)
	b.ClickAndWait(t, `form[action="/podnet"] button[type=submit]`)
	var code string
	b.Run(t, chromedp.Value("#tracking-code", &code, chromedp.ByQuery))
	if len(code) != 10 {
		t.Fatalf("tracking code %q", code)
	}
	b.Axe(t)
	screenshot(t, b, "suggestion-thanks")
	b.ClickAndWait(t, `a[href="/podnet/`+code+`"]`)
	if got := b.Text(t, ".suggestion-state strong"); got != "Nový" {
		t.Fatalf("tracking state = %q", got)
	}
	if strings.Contains(b.Text(t, "main"), "vera@example.cz") {
		t.Fatal("the tracking page shows the e-mail")
	}
	b.Axe(t)

	// The same form without JavaScript.
	b.Run(t, emulation.SetScriptExecutionDisabled(true))
	b.Navigate(t, ts.URL+"/podnet")
	b.Run(t,
		chromedp.SendKeys("#f-text", "Na zastávce u nádraží chybí lavička.", chromedp.ByQuery),
		chromedp.SetValue("#f-category-id", fmt.Sprint(e.categoryID("doprava")), chromedp.ByQuery),
		chromedp.SetValue("#f-municipality-id", fmt.Sprint(e.ids.otrokovice), chromedp.ByQuery),
	)
	b.ClickAndWait(t, `form[action="/podnet"] button[type=submit]`)
	var got string
	b.Run(t, chromedp.Value("#tracking-code", &got, chromedp.ByQuery))
	if len(got) != 10 || got == code {
		t.Fatalf("without JavaScript: code %q", got)
	}
	b.Run(t, emulation.SetScriptExecutionDisabled(false))

	// The coordinator finds it and routes it.
	c := b.NewSession(t)
	suggestionSignIn(t, c, ts.URL, "koordinator")
	c.Navigate(t, ts.URL+"/podnety?q="+code)
	c.Axe(t)
	c.ClickAndWait(t, `table.data a`)
	if got := c.Text(t, "h1"); got != "Podnět "+code {
		t.Fatalf("detail h1 = %q", got)
	}
	if !strings.Contains(c.Text(t, ".suggestion-personal"), "vera@example.cz") {
		t.Error("the coordinator does not see the contact")
	}
	c.Axe(t)
	c.Fill(t, "#f-department-id", fmt.Sprint(e.ids.social))
	c.ClickAndWait(t, `form[action$="/predat"] button[type=submit]`)
	if got := c.Text(t, ".flash"); got != "Podnět byl předán odboru." {
		t.Fatalf("after routing flash = %q", got)
	}
	c.Axe(t)
	screenshot(t, c, "suggestion-detail")

	// The officer of the social department resolves it.
	o := b.NewSession(t)
	suggestionSignIn(t, o, ts.URL, "odbor")
	o.Navigate(t, ts.URL+"/podnety")
	if !strings.Contains(o.Text(t, "table.data"), code) {
		t.Fatal("the officer's queue lacks the routed suggestion")
	}
	o.Axe(t)
	o.Navigate(t, c.URL(t))
	o.Fill(t, "#f-action", "resolve")
	o.ClickAndWait(t, `form[action$="/stav"] button[type=submit]`)
	if !strings.Contains(o.Text(t, ".error-summary"), "Napište, co se udělalo") {
		t.Fatalf("resolving without an answer: %q", o.Text(t, "main"))
	}
	o.Axe(t)
	o.ResetConsoleErrors()
	o.Fill(t, "#f-action", "resolve")
	o.Fill(t, "#f-public-note", "Madlo bylo namontováno 3. června.")
	o.ClickAndWait(t, `form[action$="/stav"] button[type=submit]`)
	if got := o.Text(t, ".suggestion-state strong"); got != "Vyřešený" {
		t.Fatalf("after resolving: %q", got)
	}
	o.Axe(t)

	// The citizen's page shows it resolved, with the answer.
	b.Navigate(t, ts.URL+"/podnet/"+code)
	if got := b.Text(t, ".suggestion-state strong"); got != "Vyřešený" {
		t.Fatalf("citizen sees %q", got)
	}
	if !strings.Contains(b.Text(t, "main"), "Madlo bylo namontováno") {
		t.Error("the citizen does not see the answer")
	}
	b.Axe(t)
	screenshot(t, b, "suggestion-resolved")

	msgs := smtp.WaitFor(t, 2, 10*time.Second)
	var gotCode, gotResolved bool
	for _, m := range msgs {
		if len(m.To) == 0 || m.To[0] != "vera@example.cz" {
			continue
		}
		gotCode = gotCode || strings.Contains(m.Text, code) && strings.Contains(m.Subject, "kód")
		gotResolved = gotResolved || strings.Contains(m.Subject, "vyřešený") && strings.Contains(m.Text, "Madlo bylo namontováno")
	}
	if !gotCode || !gotResolved {
		t.Errorf("e-mails: code %v, resolved %v (%d messages)", gotCode, gotResolved, len(msgs))
	}
	b.NoConsoleErrors(t)
	c.NoConsoleErrors(t)
}

func suggestionSignIn(t *testing.T, b *browsertest.Browser, base, login string) {
	t.Helper()
	b.Navigate(t, base+"/prihlaseni")
	b.Fill(t, "#f-login", login)
	b.Fill(t, "#f-password", demoPassword)
	b.ClickAndWait(t, `form[action="/prihlaseni"] button[type=submit]`)
	if got := b.Text(t, ".flash"); got != "Jste přihlášeni." {
		t.Fatalf("sign-in of %s: flash %q", login, got)
	}
}

// TestSuggestionMapsInTheBrowser: the citizen picks the place on the form's
// map (the click fills the hidden coordinates that are then stored), and
// the public list draws the same suggestions on its map; axe-core finds
// nothing on either page.
func TestSuggestionMapsInTheBrowser(t *testing.T) {
	b := browsertest.New(t)
	e := newSuggestionEnv(t, "sqlite", &mail.Memory{})
	needLeaflet(t, e.srv)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()

	b.Navigate(t, ts.URL+"/podnet")
	b.WaitFor(t, `document.querySelector('.map-picker.map-on') !== null`)
	b.Fill(t, "#f-text", "Na rohu u hřiště chybí osvětlení, večer tam chodí děti.")
	b.Fill(t, "#f-category-id", fmt.Sprint(e.categoryID("bezpecnost")))
	b.Fill(t, "#f-municipality-id", fmt.Sprint(e.ids.otrokovice))
	var box []float64
	b.Run(t, chromedp.Evaluate(`(() => { const m = document.querySelector('.map-picker'); m.scrollIntoView({block: 'center'}); const r = m.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, &box))
	b.Run(t, chromedp.MouseClickXY(box[0]+box[2]/2, box[1]+box[3]/2))
	b.WaitFor(t, `document.querySelector('#f-lat').value !== '' && document.querySelector('#f-lng').value !== ''`)
	b.Axe(t)
	screenshot(t, b, "suggestion-map-picker")
	b.ClickAndWait(t, `form[action="/podnet"] button[type=submit]`)
	var code string
	b.Run(t, chromedp.Value("#tracking-code", &code, chromedp.ByQuery))
	var lat, lng *float64
	e.db.QueryRow(b.Ctx(), `SELECT lat, lng FROM suggestions WHERE code = ?`, code).Scan(&lat, &lng)
	if lat == nil || lng == nil || *lat < 48 || *lat > 51 || *lng < 12 || *lng > 19 {
		t.Fatalf("the picked place was not stored: %v, %v", lat, lng)
	}
	e.publish(code)

	b.Navigate(t, ts.URL+"/podnety/verejne")
	b.WaitFor(t, `document.querySelectorAll('.map.map-on .leaflet-marker-icon').length >= 1`)
	if !strings.Contains(b.Text(t, "main"), code) {
		t.Fatalf("the public list does not show %s", code)
	}
	b.Axe(t)
	screenshot(t, b, "suggestion-public-map")
	b.NoConsoleErrors(t)
}
