package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/browsertest"
	"kpss/internal/grant"
)

// grantKeyAndWait focuses selector, presses key and waits for the page it
// leads to: the keyboard's way of pressing a button.
func grantKeyAndWait(t *testing.T, b *browsertest.Browser, selector, key string) {
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
		t.Fatalf("pressing %q on %s loaded no page", key, selector)
	}
}

// TestGrantRoundEndToEnd: the provider submits the 2027 application, first
// with a budget whose lines do not sum to the request (a Czech error,
// everything typed kept), then right; an evaluator declares no conflict and
// scores it by keyboard alone; the coordinator sees the ranking. axe-core
// checks every page on the way.
func TestGrantRoundEndToEnd(t *testing.T) {
	b := browsertest.New(t)
	b.Timeout = 4 * time.Minute
	e := newTestEnv(t, "sqlite")
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	svc := grantSvc(e)
	callID := grantCallID(t, e, 2027)

	planSignIn(t, b, ts.URL, "poskytovatel")
	b.Navigate(t, ts.URL+"/dotace/moje")
	b.Axe(t)
	b.ClickAndWait(t, fmt.Sprintf(`form[action="/dotace/vyzvy/%d/zadost"] button`, callID))
	if got := b.Text(t, "h1"); got != "Žádost o dotaci – Dotace na sociální služby 2027" {
		t.Fatalf("form h1 = %q", got)
	}
	b.Axe(t)
	appID := grantAppOf(t, e, callID, e.ids.charita)
	a, _ := svc.FindApplication(context.Background(), appID)
	staff := "#f-" + strings.ReplaceAll(grant.LineField(a.Services[0].ServiceID, "staff", "requested"), "_", "-")
	var original string
	b.Run(t, chromedp.Value(staff, &original, chromedp.ByQuery))
	if original == "" {
		t.Fatal("the budget is not pre-filled from last year")
	}
	if got := b.Text(t, ".line-sum"); !strings.Contains(got, "Součet řádků") {
		t.Fatalf("live sum = %q", got)
	}
	b.Fill(t, staff, "290 000")
	b.ClickAndWait(t, `button[value=submit]`)
	if got := b.Text(t, ".error-summary"); !strings.Contains(got, "dávají řádky rozpočtu dohromady") {
		t.Fatalf("error summary = %q", got)
	}
	var kept string
	b.Run(t, chromedp.Value(staff, &kept, chromedp.ByQuery))
	if kept != "290 000" {
		t.Fatalf("typed value not kept: %q", kept)
	}
	b.Axe(t)
	screenshot(t, b, "grant-application-error")
	b.Fill(t, staff, original)
	b.ClickAndWait(t, `button[value=submit]`)
	if got := b.Text(t, ".flash"); !strings.Contains(got, "Žádost je podaná") {
		t.Fatalf("after submit flash = %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "grant-application-submitted")

	// The coordinator's formal check and two evaluators (through the service).
	c := mustCall(t, e, callID)
	if _, err := svc.FormalCheck(ctx, appID, grant.CheckPassed, c.FormalChecks, "", grant.Call{}.ApplyFrom); err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"hodnotitel", "hodnotitel2"} {
		u, _ := e.srv.Auth().FindUserByLogin(context.Background(), login)
		if err := svc.Assign(ctx, appID, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	g := grantAssignmentOf(t, e, appID, "hodnotitel")

	// The evaluator, by keyboard.
	ev := b.NewSession(t)
	planSignIn(t, ev, ts.URL, "hodnotitel")
	ev.Navigate(t, ts.URL+"/dotace/hodnoceni")
	ev.Axe(t)
	ev.ClickAndWait(t, fmt.Sprintf(`a[href="/dotace/hodnoceni/%d"]`, g))
	ev.Axe(t)
	ev.Run(t, chromedp.Focus("#f-declaration-none", chromedp.ByQuery), chromedp.KeyEvent(" "))
	grantKeyAndWait(t, ev, `form[action$="/prohlaseni"] button[type=submit]`, kb.Enter)
	if got := ev.Text(t, ".flash"); got != "Děkujeme za prohlášení." {
		t.Fatalf("declaration flash = %q", got)
	}
	ev.Axe(t)
	for i, cr := range c.Criteria {
		score := 5
		if i == 1 {
			score = 4
		}
		ev.Run(t, chromedp.Focus(fmt.Sprintf("#f-k%d-score-%d", cr.ID, score), chromedp.ByQuery), chromedp.KeyEvent(" "))
		if i == 1 {
			ev.Run(t, chromedp.Focus(fmt.Sprintf("#f-k%d-comment", cr.ID), chromedp.ByQuery), chromedp.KeyEvent("Chybí údaje o víkendové službě."))
		}
	}
	ev.Run(t, chromedp.Focus("#f-recommend", chromedp.ByQuery), chromedp.KeyEvent(" "))
	screenshot(t, ev, "grant-scoring")
	grantKeyAndWait(t, ev, `button[value=submit]`, kb.Enter)
	if got := ev.Text(t, ".flash"); got != "Hodnocení je odevzdané. Děkujeme." {
		t.Fatalf("scoring flash = %q (%s)", got, ev.Text(t, "main"))
	}
	if got := ev.Text(t, "main"); !strings.Contains(got, "Celkem 95,0 bodu ze 100.") || !strings.Contains(got, "Ostatní hodnotitelé zatím neodevzdali") {
		t.Fatalf("submitted page: %q", got)
	}
	ev.Axe(t)
	ev.NoConsoleErrors(t)

	// The second evaluator agrees (through the service).
	g2 := grantAssignmentOf(t, e, appID, "hodnotitel2")
	u2, _ := e.srv.Auth().FindUserByLogin(context.Background(), "hodnotitel2")
	uctx := auth.WithUser(ctx, u2)
	if _, err := svc.Declare(uctx, g2, true); err != nil {
		t.Fatal(err)
	}
	in := grant.Assignment{Scores: map[int64]grant.Score{}, Recommend: true}
	for _, cr := range c.Criteria {
		v := 4
		in.Scores[cr.ID] = grant.Score{Score: &v, Comment: "Dobré."}
	}
	if _, err := svc.SaveScores(uctx, g2, in, true); err != nil {
		t.Fatal(err)
	}

	// The coordinator sees the ranking.
	b = b.NewSession(t)
	planSignIn(t, b, ts.URL, "koordinator")
	b.Navigate(t, fmt.Sprintf("%s/dotace/vyzvy/%d/poradi", ts.URL, callID))
	rank := b.Text(t, "#ranking tbody")
	if !strings.Contains(rank, "Charita sv. Anežky Otrokovice") || !strings.Contains(rank, "87,5") {
		t.Fatalf("ranking: %q", rank)
	}
	b.Axe(t)
	screenshot(t, b, "grant-ranking")
	b.Navigate(t, fmt.Sprintf("%s/dotace/vyzvy/%d/hodnotitele", ts.URL, callID))
	b.Axe(t)
	b.Navigate(t, fmt.Sprintf("%s/dotace/vyzvy/%d/rozdeleni", ts.URL, callID))
	b.Axe(t)
	b.Navigate(t, fmt.Sprintf("%s/dotace/vyzvy/%d", ts.URL, grantCallID(t, e, 2026)))
	b.Axe(t)
	screenshot(t, b, "grant-call-results")
	app26 := grantAppOf(t, e, grantCallID(t, e, 2026), e.ids.charita)
	b.Navigate(t, fmt.Sprintf("%s/dotace/zadosti/%d", ts.URL, app26))
	b.Axe(t)
	b.Navigate(t, fmt.Sprintf("%s/dotace/zadosti/%d/vyuctovani", ts.URL, app26))
	b.Axe(t)
	b.Navigate(t, fmt.Sprintf("%s/dotace/vyzvy/%d/upravit", ts.URL, callID))
	b.Axe(t)
	b.NoConsoleErrors(t)
}
