package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"kpss/internal/browsertest"
)

// movableClock is a clock a test sets forward.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		return time.Now()
	}
	return c.t
}

func (c *movableClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// pressAndWait sends a key to the focused element and waits for the page it
// leads to.
func pressAndWait(t *testing.T, b *browsertest.Browser, selector, key string) {
	t.Helper()
	loaded := make(chan struct{}, 1)
	lctx, cancel := context.WithCancel(b.Ctx())
	defer cancel()
	chromedp.ListenTarget(lctx, func(ev any) {
		if _, ok := ev.(*page.EventLoadEventFired); ok {
			select {
			case loaded <- struct{}{}:
			default:
			}
		}
	})
	b.Run(t, chromedp.Focus(selector, chromedp.ByQuery), chromedp.KeyEvent(key))
	select {
	case <-loaded:
	case <-time.After(20 * time.Second):
		t.Fatalf("pressing a key on %s loaded no page (page %s)", selector, b.URL(t))
	}
}

// TestCarerRegistersAndGetsACertificate is the module's end-to-end test: a
// carer registers for the coming workshop by keyboard with JavaScript off,
// the coordinator ticks the attendance on screen on the day, closes the
// workshop as held and issues the certificates; the carer's certificate PDF
// has her Czech name and the hours. axe-core checks the pages on the way.
func TestCarerRegistersAndGetsACertificate(t *testing.T) {
	b := browsertest.New(t)
	clock := &movableClock{}
	db := sqliteDemoCopy(t)
	srv, err := New(Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.Now, BaseURL: "http://kpss.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Auth().Argon = fastArgon
	e := &testEnv{t: t, srv: srv, db: db}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	wid := e.int64Of(`SELECT id FROM workshops WHERE state = 'published'`)
	wpath := "/workshopy/" + fmtInt(wid)

	b.Navigate(t, ts.URL+"/workshopy")
	b.Axe(t)
	b.ClickAndWait(t, `a[href="`+wpath+`"]`)
	if got := b.Text(t, "h1"); !strings.Contains(got, "dluhy a exekuce") {
		t.Fatalf("workshop h1 %q", got)
	}
	b.Axe(t)
	b.ClickAndWait(t, `a[href="`+wpath+`/prihlaska"]`)
	b.Axe(t)

	// By keyboard, without JavaScript.
	b.Run(t, emulation.SetScriptExecutionDisabled(true))
	b.Navigate(t, ts.URL+wpath+"/prihlaska")
	b.Run(t,
		chromedp.SendKeys("#f-name", "Marie Šťastná", chromedp.ByQuery),
		chromedp.SendKeys("#f-phone", "+420 603 123 456", chromedp.ByQuery),
		chromedp.Focus("#f-audience", chromedp.ByQuery), chromedp.KeyEvent(kb.End),
		chromedp.SendKeys("#f-role", "pečující o maminku", chromedp.ByQuery),
		chromedp.SendKeys("#f-needs", "Maminka je na vozíku, přijdu s ní.", chromedp.ByQuery),
	)
	pressAndWait(t, b, `form.stack button[type=submit]`, "\r")
	if got := b.Text(t, ".card[role=status]"); !strings.Contains(got, "Máte potvrzené místo.") {
		t.Fatalf("after registering: %q (%s)", got, b.URL(t))
	}
	regURL := b.URL(t)
	b.Run(t, emulation.SetScriptExecutionDisabled(false))
	b.Navigate(t, regURL)
	b.Axe(t)
	screenshot(t, b, "workshop-registration")
	token := strings.TrimPrefix(mustPath(t, regURL), "/ucast/")
	if got := e.stringOf(`SELECT audience FROM workshop_registrations WHERE token = ?`, token); got != "carer" {
		t.Fatalf("registered as %q, want carer", got)
	}
	// One more participant, so that the workshop reaches its ten.
	if rec := e.do("POST", wpath+"/prihlaska", url.Values{"name": {"Pavla Sedláčková"}, "email": {"pavla@example.cz"}, "audience": {"commissioner"}}, nil); rec.Code != 303 {
		t.Fatalf("tenth registration: %d", rec.Code)
	}

	// The day of the workshop: the coordinator ticks everyone for both blocks.
	var last time.Time
	if err := db.QueryRow(context.Background(), `SELECT ends_at FROM workshop_blocks WHERE workshop_id = ? ORDER BY ends_at DESC LIMIT 1`, wid).Scan(&last); err != nil {
		t.Fatal(err)
	}
	clock.Set(last.Add(-20 * time.Minute))
	c := b.NewSession(t)
	signIn(t, c, ts.URL, "koordinator")
	c.Navigate(t, ts.URL+wpath)
	c.Axe(t)
	c.ClickAndWait(t, `a[href="`+wpath+`/dochazka"]`)
	c.Axe(t)
	c.Run(t, chromedp.Evaluate(`document.querySelectorAll('table.data input[type=checkbox]').forEach(x => { x.checked = true })`, nil))
	c.ClickAndWait(t, `main form button[type=submit]`)
	if got := c.Text(t, ".flash"); got != "Docházka je uložena." {
		t.Fatalf("after attendance: %q", got)
	}
	if got := c.Text(t, "#dochazka + p"); !strings.Contains(got, "Zúčastnilo se 10 osob") {
		t.Fatalf("attendance summary %q", got)
	}
	screenshot(t, c, "workshop-coordinator")
	clock.Set(last.Add(5 * time.Minute))
	c.Navigate(t, ts.URL+wpath)
	c.ClickAndWait(t, `input[value=close] + button`)
	if got := c.Text(t, ".flash"); !strings.Contains(got, "uzavřen jako uskutečněný") {
		t.Fatalf("close: %q", got)
	}
	c.ClickAndWait(t, `input[value=certificates] + button`)
	if got := c.Text(t, ".flash"); got != "Osvědčení byla vydána." {
		t.Fatalf("certificates: %q", got)
	}
	c.Axe(t)

	// The carer finds the certificate on her page.
	b.Navigate(t, regURL)
	if got := b.Text(t, "#cert-h + p"); !strings.Contains(got, "6 h") {
		t.Fatalf("certificate section %q", got)
	}
	b.Axe(t)
	rec := e.do("GET", "/ucast/"+token+"/osvedceni.pdf", nil, nil)
	text := pdfText(t, rec.Body.Bytes())
	for _, want := range []string{"Marie Šťastná", "Aktuálně: dluhy a exekuce", "6 h z 6 h", "neakreditované vzdělávání"} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate lacks %q: %s", want, text)
		}
	}
	b.NoConsoleErrors(t)
}

func mustPath(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}
