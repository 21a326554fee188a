package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"kpss/internal/browsertest"
)

// TestNetworkingEndToEnd: the coordinator opens this year's speed
// networking from the menu, changes one participant's wishes (the select
// of one person), makes the schedule again, looks at the rounds, the table
// cards and the room; the participant opens their personal link in a
// browser of their own and prints the timetable: the print has the
// timetable without the menus. axe-core checks every page on the way.
func TestNetworkingEndToEnd(t *testing.T) {
	b := browsertest.New(t)
	e := newTestEnv(t, "sqlite")
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	id := demoNetworkingEvent(t, e)
	ctx := context.Background()

	planSignIn(t, b, ts.URL, "koordinator")
	b.ClickAndWait(t, `nav.main-nav a[href="/seznamka"]`)
	if got := b.Text(t, "h1"); got != "Rotující seznamka" {
		t.Fatalf("list h1 = %q", got)
	}
	b.Axe(t)
	b.ClickAndWait(t, fmt.Sprintf(`a[href="/seznamka/%d"]`, id))
	if got := b.Text(t, "#ucastnici"); got != "48 účastníků" {
		t.Fatalf("participants heading %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "networking-event")

	var anna, cyril int64
	var token string
	e.db.QueryRow(ctx, `SELECT id, token FROM networking_participants WHERE event_id = ? AND name = ?`, id, "Bc. Veronika Urbanová").Scan(&anna, &token)
	e.db.QueryRow(ctx, `SELECT id FROM networking_participants WHERE event_id = ? AND name = ?`, id, "Mgr. Petr Zbořil").Scan(&cyril)
	b.ClickAndWait(t, fmt.Sprintf(`a[href="/seznamka/%d/ucastnici/%d/prani"]`, id, anna))
	if got := b.Text(t, "h1"); got != "Přání: Bc. Veronika Urbanová" {
		t.Fatalf("wishes h1 = %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "networking-wishes")
	b.Run(t, chromedp.SetValue(fmt.Sprintf(`select[name="p%d"]`, cyril), "must", chromedp.ByQuery))
	b.ClickAndWait(t, `main form button[type=submit]`)
	if got := b.Text(t, ".flash"); got != "Přání jsou uložena. Děkujeme!" {
		t.Fatalf("after saving wishes flash = %q", got)
	}
	b.ClickAndWait(t, fmt.Sprintf(`form[action="/seznamka/%d/naplanovat"] button`, id))
	if got := b.Text(t, ".flash"); !strings.HasPrefix(got, "Rozvrh je sestaven") {
		t.Fatalf("after planning flash = %q", got)
	}
	var must int
	e.db.QueryRow(ctx, `SELECT COUNT(*) FROM networking_meetings WHERE event_id = ? AND kind = 'must' AND ((a_id = ? AND b_id = ?) OR (a_id = ? AND b_id = ?))`, id, anna, cyril, cyril, anna).Scan(&must)
	if must != 1 {
		t.Fatalf("the new must-meet pair is not in the schedule")
	}
	for _, path := range []string{"rozvrh", "stoly", "mistnost"} {
		b.Navigate(t, fmt.Sprintf("%s/seznamka/%d/%s", ts.URL, id, path))
		b.Axe(t)
		screenshot(t, b, "networking-"+path)
	}

	// The participant's own browser: the personal link, then print.
	p := b.NewSession(t)
	p.Navigate(t, ts.URL+"/seznamka-osobni/"+token)
	if got := p.Text(t, "caption"); got != "Kola a stoly: Bc. Veronika Urbanová" {
		t.Fatalf("personal caption %q", got)
	}
	if got := p.Text(t, "table.nw-timetable tbody"); !strings.Contains(got, "Mgr. Petr Zbořil") || !strings.Contains(got, "Centrum pro zdravotně postižené Zlínského kraje") {
		t.Fatalf("timetable misses the must-meet: %q", got)
	}
	p.Axe(t)
	screenshot(t, p, "networking-personal")
	var headerHidden, printShown bool
	var pdf []byte
	p.Run(t,
		chromedp.Evaluate(`!document.querySelector("[data-print]").hidden`, &printShown),
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector(".site-header")).display === "none"`, &headerHidden),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().WithPrintBackground(false).Do(ctx)
			return err
		}),
	)
	if !printShown || !headerHidden {
		t.Errorf("print button shown %v, header hidden in print %v", printShown, headerHidden)
	}
	text := networkingPDFText(t, pdf)
	if !strings.Contains(text, "Kola a stoly: Bc. Veronika Urbanová") || !strings.Contains(text, "Mgr. Petr Zbořil") || strings.Contains(text, "Přeskočit na obsah") {
		t.Errorf("printed timetable: %s", text)
	}
	p.Navigate(t, ts.URL+"/seznamka-osobni/"+token+"/prani")
	p.Axe(t)
	p.Navigate(t, fmt.Sprintf("%s/seznamka/%d/registrace", ts.URL, id))
	p.Axe(t)
}
