package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kpss/internal/audit"
	"kpss/internal/browsertest"
	"kpss/internal/demo"
	"kpss/internal/mail"
	"kpss/internal/mail/mailtest"
	"kpss/internal/partner"
	"kpss/internal/storetest"
)

// newGroupEnv is newTestEnv with e-mail going to an in-process SMTP server.
func newGroupEnv(t *testing.T, smtp *mailtest.Server, baseURL func() string) *testEnv {
	t.Helper()
	db := storetest.New(t, "sqlite")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(Deps{DB: db, Log: log, Mail: mail.NewSMTP(smtp.Config()), BaseURL: "http://kpss.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Auth().Argon = fastArgon
	if _, err := demo.Load(context.Background(), demo.Deps{DB: db, Auth: srv.Auth(), Partners: partner.NewService(db, audit.New(), time.Now), Now: time.Now}, demoPassword); err != nil {
		t.Fatal(err)
	}
	runOutboxWorker(t, srv)
	return &testEnv{t: t, srv: srv, db: db}
}

func signIn(t *testing.T, b *browsertest.Browser, base, login string) {
	t.Helper()
	b.Navigate(t, base+"/prihlaseni")
	b.Fill(t, "#f-login", login)
	b.Fill(t, "#f-password", demoPassword)
	b.ClickAndWait(t, `form[action="/prihlaseni"] button[type=submit]`)
	if got := b.Text(t, ".flash"); got != "Jste přihlášeni." {
		t.Fatalf("sign-in of %s: flash %q", login, got)
	}
}

// TestCoordinatorRunsAMeetingYear is the module's end-to-end test: the
// coordinator plans 2028 for the seniors' working group, puts an item on
// the first meeting's agenda, sends the invitations (they arrive by SMTP
// with the .ics), records attendance and a resolution with a task for a
// member, marks the meeting held and approves the minutes; the member signs
// in and finds the task. axe-core checks every page.
func TestCoordinatorRunsAMeetingYear(t *testing.T) {
	b := browsertest.New(t)
	smtp := mailtest.NewServer(t)
	e := newGroupEnv(t, smtp, nil)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	g := e.groupIDs()

	signIn(t, b, ts.URL, "koordinator")
	b.Navigate(t, ts.URL+"/skupiny")
	b.Axe(t)
	b.ClickAndWait(t, fmt.Sprintf(`a[href="/skupiny/%d"]`, g.sen))
	if got := b.Text(t, "h1"); !strings.Contains(got, "PS Senioři") {
		t.Fatalf("group page h1 %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "group")

	b.ClickAndWait(t, fmt.Sprintf(`a[href="/skupiny/%d/plan"]`, g.sen))
	b.Axe(t)
	b.Fill(t, "#f-year", "2028")
	b.Fill(t, "#f-start", "14:00")
	b.Fill(t, "#f-place-id", fmt.Sprint(g.place))
	b.ClickAndWait(t, `form.stack button[type=submit]`)
	if got := b.Text(t, ".flash"); got != "Plán jednání byl vytvořen." {
		t.Fatalf("after the plan flash %q", got)
	}
	rows := strings.ReplaceAll(b.Text(t, "#jednani ~ .table-scroll tbody"), "\u00a0", " ")
	for _, want := range []string{"4. 1. 2028 14:00–16:00", "7. 3. 2028", "7. 11. 2028"} {
		if !strings.Contains(rows, want) {
			t.Fatalf("2028 plan lacks %s: %q", want, rows)
		}
	}
	b.Axe(t)
	var first int64
	e.db.QueryRow(context.Background(), `SELECT id FROM meetings WHERE group_id = ? AND starts_at >= ? ORDER BY starts_at LIMIT 1`, g.sen, time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)).Scan(&first)
	b.ClickAndWait(t, fmt.Sprintf(`a[href="/jednani/%d"]`, first))
	b.Axe(t)

	// The newest open suggestion goes on the agenda by a tick, then a free-text item.
	var sugCode string
	e.db.QueryRow(context.Background(), `SELECT code FROM suggestions WHERE state IN ('new', 'accepted', 'in_progress') ORDER BY received_at DESC, id DESC LIMIT 1`).Scan(&sugCode)
	b.Click(t, "#f-suggestion-ids-0")
	b.ClickAndWait(t, `form[aria-labelledby="add-suggestions"] button[type=submit]`)
	b.Fill(t, "#f-title", "Bezbariérový přístup na poštu")
	b.ClickAndWait(t, `form[aria-labelledby="add-item"] button[type=submit]`)
	if got := b.Text(t, "ol.agenda"); !strings.Contains(got, "Bezbariérový přístup na poštu") || !strings.Contains(got, sugCode+" – ") {
		t.Fatalf("agenda %q", got)
	}
	b.Axe(t)
	b.ClickAndWait(t, fmt.Sprintf(`form[action="/jednani/%d/pozvanky"] button`, first))
	if got := b.Text(t, ".flash"); got != "Pozvánky se odesílají. Jak doručování pokračuje, vidíte u jednání." {
		t.Fatalf("after invitations flash %q", got)
	}
	// The click returned before any e-mail went out; the outbox job delivers them.
	var queued int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE ref = ? AND kind = 'invitation'`, fmt.Sprint("group:meeting:", first)).Scan(&queued)
	if queued < 10 {
		t.Fatalf("%d invitations queued", queued)
	}
	msgs := smtp.WaitFor(t, queued, 10*time.Second)
	for i := 0; i < 100; i++ { // the row is marked sent just after the server took the message
		var sent int
		e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE ref = ? AND state = 'sent'`, fmt.Sprint("group:meeting:", first)).Scan(&sent)
		if sent == queued {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Navigate(t, fmt.Sprintf("%s/jednani/%d", ts.URL, first))
	if got := b.Text(t, ".outbox-status"); !strings.Contains(got, fmt.Sprintf("Odesláno %d z %d, čeká 0.", queued, queued)) {
		t.Errorf("delivery status %q after %d messages", got, queued)
	}
	b.Axe(t)
	var toClen *mailtest.Received
	for i := range msgs {
		if strings.Contains(strings.Join(msgs[i].To, ","), "josef.kratochvil@kpss.example") {
			toClen = &msgs[i]
		}
	}
	if toClen == nil {
		t.Fatalf("no invitation for Josef Kratochvíl among %d messages", len(msgs))
	}
	if !strings.Contains(toClen.Subject, "Pozvánka: PS-SEN") || !strings.Contains(toClen.Text, "Bezbariérový přístup na poštu") ||
		!strings.Contains(toClen.Text, "bezbariérový přístup pro vozíčkáře") || !strings.Contains(toClen.Text, "http://kpss.test/odpoved/") {
		t.Errorf("invitation: %s\n%s", toClen.Subject, toClen.Text)
	}
	if len(toClen.Attachments) != 1 || !strings.Contains(string(toClen.Attachments[0].Data), "DTSTART;TZID=Europe/Prague:20280104T140000") ||
		!strings.Contains(toClen.Attachments[0].ContentType, "text/calendar") {
		t.Errorf("attachment %+v", toClen.Attachments)
	}
	b.Axe(t)

	b.ClickAndWait(t, fmt.Sprintf(`a[href="/jednani/%d/dochazka"]`, first))
	b.Axe(t)
	b.ClickAndWait(t, `form.stack button[type=submit]`)
	if got := b.Text(t, ".flash"); got != "Docházka byla uložena." {
		t.Fatalf("attendance flash %q", got)
	}
	if got := b.Text(t, "#dochazka + p"); !strings.Contains(got, "skupina je usnášeníschopná") {
		t.Errorf("quorum line %q", got)
	}

	b.ClickAndWait(t, fmt.Sprintf(`a[href="/jednani/%d/usneseni/nove"]`, first))
	b.Axe(t)
	var josef int64
	e.db.QueryRow(context.Background(), `SELECT id FROM people WHERE name = ?`, "Josef Kratochvíl").Scan(&josef)
	b.Fill(t, "#f-text", "PS Senioři doporučuje odboru rozvoje řešit bezbariérový vstup na poštu.")
	b.Fill(t, "#f-task-title", "Projít vstup na poštu s koordinátorem bezbariérovosti")
	b.Fill(t, "#f-assignee", fmt.Sprintf("person:%d", josef))
	b.Fill(t, "#f-due-on", "2028-02-15")
	b.ClickAndWait(t, `form.stack button[type=submit]`)
	if got := b.Text(t, "h1"); got != "Usnesení PS-SEN/2028/01" {
		t.Fatalf("resolution page h1 %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "group-resolution")

	b.Navigate(t, fmt.Sprintf("%s/jednani/%d", ts.URL, first))
	b.ClickAndWait(t, fmt.Sprintf(`form[action="/jednani/%d/stav"] input[value=held] ~ button`, first))
	b.Navigate(t, fmt.Sprintf("%s/jednani/%d/zapis", ts.URL, first))
	b.Axe(t)
	b.Fill(t, "#f-body", "## Zahájení\nJednání zahájila předsedkyně, skupina byla usnášeníschopná.\n\n## Bezbariérový přístup na poštu\n- Skupina přijala usnesení **PS-SEN/2028/01**.")
	b.ClickAndWait(t, fmt.Sprintf(`form[action="/jednani/%d/zapis"] button[type=submit]`, first))
	b.ClickAndWait(t, fmt.Sprintf(`form[action="/jednani/%d/zapis/schvalit"] button[type=submit]`, first))
	if got := b.Text(t, ".flash"); got != "Zápis byl schválen a uzavřen." {
		t.Fatalf("approval flash %q", got)
	}
	if got := b.Text(t, ".minutes-text"); !strings.Contains(got, "Jednání zahájila předsedkyně") {
		t.Errorf("minutes text %q", got)
	}
	var hasForm bool
	b.Run(t, chromedp.Evaluate(`document.querySelector('#f-body') !== null`, &hasForm))
	if hasForm {
		t.Error("approved minutes are still editable")
	}
	b.Axe(t)
	screenshot(t, b, "group-minutes")
	b.ClickAndWait(t, `.account button[type=submit]`)

	signIn(t, b, ts.URL, "clen")
	b.ClickAndWait(t, `nav.main-nav a[href="/ukoly"]`)
	if got := b.Text(t, "table.data tbody"); !strings.Contains(got, "Projít vstup na poštu s koordinátorem bezbariérovosti") || !strings.Contains(got, "PS-SEN/2028/01") {
		t.Fatalf("member's tasks %q", got)
	}
	b.Axe(t)
	screenshot(t, b, "group-tasks")
	b.NoConsoleErrors(t)
}
