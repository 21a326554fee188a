package server

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kpss/internal/browsertest"
	"kpss/internal/mail"
)

// TestPublicSideOnAPhone: at 375 px a citizen reads what will be public,
// sends a suggestion, gets a large copyable code on the thank-you page
// (a reload sends nothing again), finds the coordinator's contact in the
// footer and the accessibility statement; the coordinator publishes the
// text and it appears on the public list. axe-core checks every page.
func TestPublicSideOnAPhone(t *testing.T) {
	b := browsertest.New(t)
	e := newSuggestionEnv(t, "sqlite", &mail.Memory{})
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	b.Run(t, chromedp.EmulateViewport(375, 812))

	b.Navigate(t, ts.URL+"/podnet")
	if !strings.Contains(b.Text(t, ".suggestion-publicity"), "Veřejné nebude vaše jméno") {
		t.Fatal("the form does not say what stays private")
	}
	if !strings.Contains(b.Text(t, ".contact-box"), "577 680 111") {
		t.Fatal("the form does not show the coordinator's phone")
	}
	b.Axe(t)
	screenshot(t, b, "public-form-375")
	b.Fill(t, "#f-text", "V čekárně polikliniky chybí židle s područkami pro seniory.")
	b.Fill(t, "#f-category-id", fmt.Sprint(e.categoryID("zdravotnictvi")))
	b.Fill(t, "#f-municipality-id", fmt.Sprint(e.ids.otrokovice))
	b.ClickAndWait(t, `form[action="/podnet"] button[type=submit]`)
	if !strings.Contains(b.URL(t), "/podnet/dekujeme?kod=") {
		t.Fatalf("after sending: %s, want the thank-you page (redirect after POST)", b.URL(t))
	}
	var code string
	var size float64
	b.Run(t, chromedp.Value("#tracking-code", &code, chromedp.ByQuery),
		chromedp.Evaluate(`parseFloat(getComputedStyle(document.querySelector('#tracking-code')).fontSize)`, &size))
	if len(code) != 10 || size < 28 {
		t.Fatalf("tracking code %q at %.0f px", code, size)
	}
	var gap float64
	b.Run(t, chromedp.Evaluate(`(() => { const a = document.querySelector('.suggestion-thanks-actions a.button').getBoundingClientRect(); const l = document.querySelector('.suggestion-thanks-actions a:not(.button)').getBoundingClientRect(); return l.top >= a.bottom ? l.top - a.bottom : l.left - a.right; })()`, &gap))
	if gap < 8 {
		t.Errorf("the button touches the link: %.0f px apart", gap)
	}
	b.Axe(t)
	screenshot(t, b, "public-thanks-375")
	b.Run(t, chromedp.Reload())
	var n int
	e.db.QueryRow(b.Ctx(), `SELECT COUNT(*) FROM suggestions WHERE text LIKE ?`, "%židle s područkami%").Scan(&n)
	if n != 1 {
		t.Fatalf("after a reload %d suggestions, want 1", n)
	}

	b.Navigate(t, ts.URL+"/podnety/verejne")
	if strings.Contains(b.Text(t, "main"), code) {
		t.Fatal("the text is public before the coordinator's review")
	}
	e.publish(code)
	b.Navigate(t, ts.URL+"/podnety/verejne")
	if !strings.Contains(b.Text(t, "main"), code) {
		t.Fatal("the published suggestion is not on the public list")
	}

	b.Navigate(t, ts.URL+"/pristupnost")
	if !strings.Contains(b.Text(t, "main"), "částečně v souladu") || !strings.Contains(b.Text(t, ".contact-box"), "kpss@otrokovice.example") {
		t.Fatal("the accessibility statement lacks its status or the contact")
	}
	if !strings.Contains(b.Text(t, "footer"), "577 680 111") {
		t.Fatal("the footer lacks the coordinator's phone")
	}
	b.Axe(t)
	screenshot(t, b, "public-a11y-375")

	// The coordinator's side: the review form on the detail page.
	c := b.NewSession(t)
	c.Run(t, chromedp.EmulateViewport(375, 812))
	suggestionSignIn(t, c, ts.URL, "koordinator")
	c.Navigate(t, ts.URL+"/podnety?q="+code)
	c.ClickAndWait(t, `table.data a`)
	if !strings.Contains(c.Text(t, ".suggestion-publication"), "Text je zveřejněn") {
		t.Fatalf("the desk's publication box: %q", c.Text(t, ".suggestion-publication"))
	}
	c.Axe(t)
	screenshot(t, c, "public-review-375")
	c.Navigate(t, ts.URL+"/sprava/kontakt")
	c.Axe(t)
	b.NoConsoleErrors(t)
}
