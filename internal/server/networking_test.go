package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"kpss/internal/feedback"
	"kpss/internal/mail"
	"kpss/internal/networking"
)

func networkingHandler(e *testEnv) *networking.Handler {
	return e.srv.Env().Modules["networking"].(*networking.Handler)
}

func demoNetworkingEvent(t *testing.T, e *testEnv) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM networking_events ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// checkSchedule checks the stored meetings of an event the way a host
// would: nobody twice in a round, no pair twice, never two people of one
// organisation, the tables held, rounds of even size.
func checkSchedule(t *testing.T, e *testEnv, eventID int64, tables int) (rounds, meetings int) {
	t.Helper()
	ctx := context.Background()
	b, err := networkingHandler(e).Svc.LoadBoard(ctx, eventID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]int64]bool{}
	perRound := map[int]map[int64]bool{}
	size := map[int]int{}
	for _, m := range b.Meetings {
		if perRound[m.Round] == nil {
			perRound[m.Round] = map[int64]bool{}
		}
		if perRound[m.Round][m.A] || perRound[m.Round][m.B] {
			t.Errorf("round %d: someone twice", m.Round)
		}
		perRound[m.Round][m.A], perRound[m.Round][m.B] = true, true
		k := [2]int64{min(m.A, m.B), max(m.A, m.B)}
		if seen[k] {
			t.Errorf("pair %v twice", k)
		}
		seen[k] = true
		if a, c := b.ByID[m.A], b.ByID[m.B]; a.OrgKey() != "" && a.OrgKey() == c.OrgKey() {
			t.Errorf("%s and %s of one organisation meet", a.Name, c.Name)
		}
		if m.Table < 1 || m.Table > tables {
			t.Errorf("table %d of %d", m.Table, tables)
		}
		size[m.Round]++
	}
	lo, hi := 1<<30, 0
	for _, n := range size {
		lo, hi = min(lo, n), max(hi, n)
	}
	if len(size) > 0 && hi-lo > 1 {
		t.Errorf("round sizes %d to %d", lo, hi)
	}
	return b.Rounds, len(b.Meetings)
}

func networkingPDFText(t *testing.T, body []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("KPSS_REQUIRE_BROWSER") == "1" {
			t.Fatal("pdftotext not found (install poppler-utils)")
		}
		t.Skip("pdftotext not found")
	}
	f := filepath.Join(t.TempDir(), "x.pdf")
	os.WriteFile(f, body, 0o600)
	out, err := exec.Command(tool, "-enc", "UTF-8", "-layout", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// The demo's event: 48 participants, a schedule as short as proven, and
// what the host and a participant hold in their hands.
func TestNetworkingDemoEvent(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	c := e.session("koordinator")
	id := demoNetworkingEvent(t, e)
	page := fmt.Sprintf("/seznamka/%d", id)
	if rec := e.do("GET", "/seznamka", nil, nil); rec.Code != http.StatusSeeOther {
		t.Errorf("anonymous list: %d", rec.Code)
	}
	if rec := e.do("GET", page, nil, e.session("poskytovatel")); rec.Code != http.StatusForbidden {
		t.Errorf("provider: %d", rec.Code)
	}
	body := e.do("GET", page, nil, c).Body.String()
	for _, want := range []string{"Rotující seznamka 20", "48 účastníků", "Kratší rozvrh neexistuje (dokázáno).", "Dolní mez počtu kol:", "Bc. Veronika Urbanová", "dluhové poradenství"} {
		if !strings.Contains(body, want) {
			t.Errorf("event page misses %q", want)
		}
	}
	rounds, meetings := checkSchedule(t, e, id, 20)
	if rounds < 5 || meetings < 100 {
		t.Fatalf("%d rounds, %d meetings", rounds, meetings)
	}
	// The schedule, the cards and the room.
	sched := e.do("GET", page+"/rozvrh", nil, c).Body.String()
	if strings.Count(sched, `<section class="nw-round"`) != rounds || !strings.Contains(sched, "Kolo 1: 13:00–13:07") || !strings.Contains(sched, "Kolo 2: 13:09–13:16") {
		t.Errorf("schedule page: %d rounds shown of %d", strings.Count(sched, `<section class="nw-round"`), rounds)
	}
	// A break of 15 minutes after round 4: round 5 starts 13:51.
	if !strings.Contains(sched, "Přestávka 15 minut") || !strings.Contains(sched, "Kolo 5: 13:51–13:58") {
		t.Errorf("breaks are not in the schedule")
	}
	var maxTable int
	e.db.QueryRow(context.Background(), `SELECT MAX(table_no) FROM networking_meetings WHERE event_id = ?`, id).Scan(&maxTable)
	if cards := e.do("GET", page+"/stoly", nil, c).Body.String(); strings.Count(cards, `<section class="nw-card"`) != maxTable || !strings.Contains(cards, fmt.Sprintf("Stůl %d", maxTable)) {
		t.Errorf("table cards")
	}
	if room := e.do("GET", page+"/mistnost", nil, c); room.Code != http.StatusOK || !strings.Contains(room.Body.String(), " v 13:00. Níže je první kolo.") || !strings.Contains(room.Body.String(), "Kolo 1: 13:00–13:07") {
		t.Errorf("room before the start: %d", room.Code)
	}
	if room := e.do("GET", page+"/mistnost?kolo=2", nil, c).Body.String(); !strings.Contains(room, "Kolo 2: 13:09–13:16") {
		t.Errorf("room at round 2")
	}
	// A participant's timetable: the page, the PDF, the calendar.
	var pid int64
	var token string
	e.db.QueryRow(context.Background(), `SELECT id, token FROM networking_participants WHERE event_id = ? AND name = ?`, id, "Bc. Veronika Urbanová").Scan(&pid, &token)
	var mine int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM networking_meetings WHERE event_id = ? AND (a_id = ? OR b_id = ?)`, id, pid, pid).Scan(&mine)
	tt := e.do("GET", "/seznamka-osobni/"+token, nil, nil)
	if tt.Code != http.StatusOK || !strings.Contains(tt.Body.String(), "Kola a stoly: Bc. Veronika Urbanová") || strings.Count(tt.Body.String(), `class="nw-table-no"`) != mine {
		t.Fatalf("personal page: %d, %d meetings shown of %d", tt.Code, strings.Count(tt.Body.String(), `class="nw-table-no"`), mine)
	}
	if rec := e.do("GET", "/seznamka-osobni/nesmysl-nesmysl-nesmysl", nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("a wrong token: %d", rec.Code)
	}
	ics := e.do("GET", "/seznamka-osobni/"+token+"/rozvrh.ics", nil, nil)
	if ics.Header().Get("Content-Type") != "text/calendar; charset=utf-8" || strings.Count(ics.Body.String(), "BEGIN:VEVENT") != mine || !strings.Contains(ics.Body.String(), "TZID=Europe/Prague") {
		t.Errorf("ics: %s", ics.Header().Get("Content-Type"))
	}
	pdf := e.do("GET", "/seznamka-osobni/"+token+"/rozvrh.pdf", nil, nil)
	if pdf.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %s", pdf.Header().Get("Content-Type"))
	}
	text := networkingPDFText(t, pdf.Body.Bytes())
	if !strings.Contains(text, "Rozvrh: Bc. Veronika Urbanová") || !strings.Contains(text, "Naděje Otrokovice") || !strings.Contains(text, "13:00–13:07") {
		t.Errorf("timetable PDF: %s", text)
	}
	host := networkingPDFText(t, e.do("GET", page+"/rozvrh.pdf", nil, c).Body.Bytes())
	if !strings.Contains(host, "Kolo 1: 13:00–13:07") || !strings.Contains(host, fmt.Sprintf("Stůl %d", maxTable)) {
		t.Errorf("host PDF misses rounds or table cards")
	}
	// A signed-in participant (by the account's e-mail) gets to their own page.
	e.db.Exec(context.Background(), `UPDATE networking_participants SET email = ? WHERE id = ?`, "poskytovatel@kpss.example", pid)
	if rec := e.do("GET", "/seznamka/moje", nil, e.session("poskytovatel")); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/seznamka-osobni/"+token {
		t.Errorf("my networking: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := e.do("GET", "/seznamka/moje", nil, e.session("clen")); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Na žádném setkání vás nemáme.") {
		t.Errorf("my networking of a non-participant: %d", rec.Code)
	}
	// The overview loads with a fixed number of queries.
	q0 := e.db.QueryCount()
	e.do("GET", page, nil, c)
	if n := e.db.QueryCount() - q0; n > 20 {
		t.Errorf("event page: %d queries", n)
	}

	// Eight rounds at most: must-meet pairs all stay, the rest is reported.
	svc := networkingHandler(e).Svc
	ev, _ := svc.FindEvent(context.Background(), id)
	ev.MaxRounds = 8
	if _, err := svc.SaveEvent(context.Background(), id, *ev); err != nil {
		t.Fatal(err)
	}
	e.do("POST", page+"/naplanovat", url.Values{}, c)
	if r, _ := checkSchedule(t, e, id, 20); r != 8 {
		t.Errorf("%d rounds for a cap of 8", r)
	}
	var mustLeft, left int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM networking_unmet WHERE event_id = ? AND reason = 'rounds' AND kind = 'must'`, id).Scan(&mustLeft)
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM networking_unmet WHERE event_id = ? AND reason = 'rounds'`, id).Scan(&left)
	if mustLeft != 0 || left == 0 {
		t.Errorf("capped: %d must-meet and %d in all left out", mustLeft, left)
	}
	if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, "Počet kol je omezen na 8;") || !strings.Contains(body, "Nevešlo se do povoleného počtu kol") {
		t.Errorf("the cap is not explained")
	}
}

type recordingSender struct {
	mu   sync.Mutex
	msgs []mail.Message
}

func (s *recordingSender) Send(_ context.Context, m mail.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	return nil
}

type fakeFeedback struct{ asked []feedback.Request }

func (f *fakeFeedback) EnsureFeedback(_ context.Context, r feedback.Request) (feedback.Form, error) {
	f.asked = append(f.asked, r)
	return feedback.Form{SurveyID: 9, RespondURL: "/dotaznik/9", ResultsURL: "/dotazniky/9"}, nil
}

func (f *fakeFeedback) FeedbackResults(_ context.Context, owners []string) (map[string]feedback.Result, error) {
	out := map[string]feedback.Result{}
	for _, o := range owners {
		out[o] = feedback.Result{Responses: 3, MeanSatisfaction: 4.5, ResultsURL: "/dotazniky/9"}
	}
	return out, nil
}

func auditCount(e *testEnv, entity string) int {
	var n int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = ?`, entity).Scan(&n)
	return n
}

// The coordinator's whole way, on both engines: the event, participants,
// wishes through the personal links, the schedule, a no-show re-planned
// with the held round kept, the e-mails and the feedback.
func TestNetworkingFromEventToTimetable(t *testing.T) {
	for _, engine := range storetestEngines() {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			c := e.session("koordinator")
			ctx := context.Background()
			h := networkingHandler(e)
			// Bad input: Czech errors, everything typed kept.
			form := url.Values{"title": {""}, "starts_at": {"2027-11-11T13:00"}, "place": {"Sál ZŠ Mánesova"}, "tables": {"dva"}, "round_minutes": {"8"},
				"change_minutes": {"2"}, "break_every": {"0"}, "break_minutes": {"0"}, "max_rounds": {"0"}, "quota": {"2"}}
			rec := e.do("POST", "/seznamka/nova", form, c)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Zadejte celé číslo.") || !strings.Contains(body, `value="Sál ZŠ Mánesova"`) || !strings.Contains(body, `href="#f-title"`) {
				t.Fatalf("bad event: %d", rec.Code)
			}
			form.Set("title", "Seznamka na zkoušku")
			form.Set("tables", "2")
			before := auditCount(e, "networking_event")
			rec = e.do("POST", "/seznamka/nova", form, c)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("event: %d %s", rec.Code, rec.Body.String())
			}
			if auditCount(e, "networking_event") != before+1 {
				t.Errorf("one audit row per change")
			}
			page := rec.Header().Get("Location")
			var id int64
			fmt.Sscanf(page, "/seznamka/%d", &id)
			// Five people of three organisations (one not in the registry).
			add := func(name, email string, org *int64, other, service string) int64 {
				t.Helper()
				f := url.Values{"name": {name}, "email": {email}, "organisation_name": {other}, "service": {service}, "status": {"registered"}, "share_contacts": {"on"}}
				if org != nil {
					f.Set("organisation", fmt.Sprint(*org))
				}
				if rec := e.do("POST", page+"/ucastnici/novy", f, c); rec.Code != http.StatusSeeOther {
					t.Fatalf("participant %s: %d %s", name, rec.Code, rec.Body.String())
				}
				var pid int64
				e.db.QueryRow(ctx, `SELECT id FROM networking_participants WHERE event_id = ? AND name = ?`, id, name).Scan(&pid)
				return pid
			}
			if rec := e.do("POST", page+"/ucastnici/novy", url.Values{"name": {"Bez organizace"}, "email": {"spatne"}}, c); rec.Code != http.StatusUnprocessableEntity ||
				!strings.Contains(rec.Body.String(), "Vyberte organizaci, nebo napište název jiné.") || !strings.Contains(rec.Body.String(), "Zadejte e-mail ve tvaru") {
				t.Errorf("participant without organisation: %d", rec.Code)
			}
			ch, nd := e.ids.charita, e.ids.otherOrg
			anna := add("Anna Malá", "anna@example.cz", &ch, "", "pečovatelská služba")
			bara := add("Bára Veselá", "bara@example.cz", &ch, "", "osobní asistence")
			cyril := add("Cyril Dlouhý", "cyril@example.cz", &nd, "", "dluhové poradenství")
			dana := add("Dana Krátká", "", nil, "Úřad práce Otrokovice", "příspěvek na péči")
			emil := add("Emil Tichý", "emil@example.cz", nil, "Úřad práce Otrokovice", "zprostředkování zaměstnání")
			var token string
			e.db.QueryRow(ctx, `SELECT token FROM networking_participants WHERE id = ?`, anna).Scan(&token)
			me := "/seznamka-osobni/" + token + "/prani"
			wishes := e.do("GET", me, nil, nil).Body.String()
			if strings.Contains(wishes, "Bára Veselá") || !strings.Contains(wishes, "Cyril Dlouhý") || !strings.Contains(wishes, "Úřad práce Otrokovice") {
				t.Errorf("Anna's wishes offer her colleague or miss the others")
			}
			// Three wishes for a quota of two: refused, choices kept.
			w := url.Values{fmt.Sprintf("p%d", cyril): {"must"}, fmt.Sprintf("p%d", dana): {"want"}, fmt.Sprintf("p%d", emil): {"want"}}
			rec = e.do("POST", me, w, nil)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Vybrali jste 3 setkání, ale můžete nejvýše 2.") || !strings.Contains(rec.Body.String(), `<option value="must" selected>`) {
				t.Fatalf("over the quota: %d", rec.Code)
			}
			w.Del(fmt.Sprintf("p%d", emil))
			if rec := e.do("POST", me, w, nil); rec.Code != http.StatusSeeOther {
				t.Fatalf("wishes: %d %s", rec.Code, rec.Body.String())
			}
			// A wish for a colleague is refused even when sent by hand.
			if rec := e.do("POST", me, url.Values{fmt.Sprintf("p%d", bara): {"want"}}, nil); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "je ze stejné organizace") {
				t.Errorf("colleague: %d", rec.Code)
			}
			// The coordinator edits Bára's wishes: the office as a whole, and Emil avoids Bára.
			if rec := e.do("POST", fmt.Sprintf("%s/ucastnici/%d/prani", page, bara), url.Values{"on:urad prace otrokovice": {"want"}, fmt.Sprintf("p%d", cyril): {"want"}}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("coordinator's wishes: %d", rec.Code)
			}
			e.do("POST", fmt.Sprintf("%s/ucastnici/%d/prani", page, emil), url.Values{fmt.Sprintf("p%d", bara): {"avoid"}, fmt.Sprintf("p%d", cyril): {"want"}}, c)
			e.do("POST", fmt.Sprintf("%s/ucastnici/%d/prani", page, dana), url.Values{fmt.Sprintf("p%d", cyril): {"want"}}, c)
			if rec := e.do("POST", page+"/naplanovat", url.Values{}, c); rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "networking.plan.done") {
				t.Fatalf("plan: %d", rec.Code)
			}
			body = e.do("GET", page, nil, c).Body.String()
			// Cyril is wanted by four: four rounds at least, and reached.
			if !strings.Contains(body, "Počet kol: 4 · setkání: 6") || !strings.Contains(body, "Kratší rozvrh neexistuje") {
				t.Fatalf("plan summary missing: %s", regexp.MustCompile(`(?s)<section aria-labelledby="rozvrh".*?</section>`).FindString(body))
			}
			checkSchedule(t, e, id, 2)
			var annaCyril int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM networking_meetings WHERE event_id = ? AND kind = 'must' AND ((a_id = ? AND b_id = ?) OR (a_id = ? AND b_id = ?))`, id, anna, cyril, cyril, anna).Scan(&annaCyril)
			if annaCyril != 1 {
				t.Errorf("the must-meet pair is not scheduled")
			}
			// Bára wanted the office: she meets Dana (the office's less asked person), never Emil, who avoids her.
			var be, bd int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM networking_meetings WHERE (a_id = ? AND b_id = ?) OR (a_id = ? AND b_id = ?)`, bara, emil, emil, bara).Scan(&be)
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM networking_meetings WHERE (a_id = ? AND b_id = ?) OR (a_id = ? AND b_id = ?)`, bara, dana, dana, bara).Scan(&bd)
			if be != 0 || bd != 1 {
				t.Errorf("Bára meets Emil %d times, Dana %d times", be, bd)
			}

			// E-mails: timetables to those with an address, delivered by the outbox.
			sender := &recordingSender{}
			e.srv.Env().Outbox.Mail = sender
			if rec := e.do("POST", page+"/poslat-rozvrhy", url.Values{}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("send: %d", rec.Code)
			}
			if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, "E-maily: 0 odesláno, 4 čeká, 0 nedoručeno.") {
				t.Errorf("queued mail not shown")
			}
			if _, err := e.srv.Env().Outbox.Process(ctx); err != nil {
				t.Fatal(err)
			}
			if len(sender.msgs) != 4 {
				t.Fatalf("%d e-mails sent", len(sender.msgs))
			}
			var toAnna *mail.Message
			for i := range sender.msgs {
				if sender.msgs[i].To[0] == "anna@example.cz" {
					toAnna = &sender.msgs[i]
				}
			}
			if toAnna == nil || !strings.Contains(toAnna.Text, "Cyril Dlouhý (Naděje Otrokovice)") || len(toAnna.Attachments) != 2 || toAnna.Attachments[0].ContentType != "application/pdf" || !strings.Contains(toAnna.Text, "/seznamka-osobni/"+token) {
				t.Errorf("Anna's timetable e-mail: %+v", toAnna)
			}
			if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, "E-maily: 4 odesláno, 0 čeká, 0 nedoručeno.") {
				t.Errorf("sent mail not shown")
			}

			// The day: round 1 is on; Cyril did not come. Re-planning keeps round 1.
			ev, _ := h.Svc.FindEvent(ctx, id)
			oldNow := h.Svc.Now
			h.Svc.Now = func() time.Time { return ev.StartsAt.Add(3 * time.Minute) }
			defer func() { h.Svc.Now = oldNow }()
			var round1 []string
			rows, _ := e.db.Query(ctx, `SELECT a_id, b_id, table_no FROM networking_meetings WHERE event_id = ? AND round = 1 ORDER BY table_no`, id)
			for rows.Next() {
				var a, b, tn int64
				rows.Scan(&a, &b, &tn)
				round1 = append(round1, fmt.Sprint(a, b, tn))
			}
			rows.Close()
			if rec := e.do("POST", fmt.Sprintf("%s/ucastnici/%d/stav", page, cyril), url.Values{"status": {"absent"}}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("no-show: %d", rec.Code)
			}
			if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, "Od sestavení rozvrhu se změnilo setkání, účastníci") {
				t.Errorf("the page does not say the schedule is out of date")
			}
			e.do("POST", page+"/naplanovat", url.Values{}, c)
			if body := e.do("GET", page, nil, c).Body.String(); strings.Contains(body, "Od sestavení rozvrhu se změnilo setkání, účastníci") {
				t.Errorf("still out of date after re-planning")
			}
			var after []string
			rows, _ = e.db.Query(ctx, `SELECT a_id, b_id, table_no FROM networking_meetings WHERE event_id = ? AND round = 1 ORDER BY table_no`, id)
			for rows.Next() {
				var a, b, tn int64
				rows.Scan(&a, &b, &tn)
				after = append(after, fmt.Sprint(a, b, tn))
			}
			rows.Close()
			if strings.Join(round1, ";") != strings.Join(after, ";") {
				t.Errorf("round 1 changed: %v → %v", round1, after)
			}
			var later int
			e.db.QueryRow(ctx, `SELECT COUNT(*) FROM networking_meetings WHERE event_id = ? AND round > 1 AND (a_id = ? OR b_id = ?)`, id, cyril, cyril).Scan(&later)
			if later != 0 {
				t.Errorf("the absent person still has %d meetings", later)
			}
			// A walk-in who wants to meet Anna joins from round 2.
			if rec := e.do("POST", page+"/ucastnici/novy", url.Values{"name": {"Filip Nový"}, "organisation_name": {"Spolek Pohoda"}, "status": {"walk-in"}}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("walk-in: %d %s", rec.Code, rec.Body.String())
			}
			var filip int64
			e.db.QueryRow(ctx, `SELECT id FROM networking_participants WHERE event_id = ? AND name = ?`, id, "Filip Nový").Scan(&filip)
			e.do("POST", fmt.Sprintf("%s/ucastnici/%d/prani", page, filip), url.Values{fmt.Sprintf("p%d", anna): {"want"}}, c)
			e.do("POST", page+"/naplanovat", url.Values{}, c)
			var filipRound int
			e.db.QueryRow(ctx, `SELECT MIN(round) FROM networking_meetings WHERE event_id = ? AND (a_id = ? OR b_id = ?)`, id, filip, filip).Scan(&filipRound)
			if filipRound < 2 {
				t.Errorf("the walk-in meets in round %d", filipRound)
			}
			body = e.do("GET", page, nil, c).Body.String()
			if !strings.Contains(body, "přišel/přišla bez přihlášky") {
				t.Errorf("walk-in not shown")
			}
			if !strings.Contains(body, "první kolo už proběhlo") || !strings.Contains(body, "nepřišel/nepřišla") {
				t.Errorf("re-plan not shown")
			}
			if room := e.do("GET", page+"/mistnost", nil, c).Body.String(); !strings.Contains(room, "Probíhá kolo 1 z") || !strings.Contains(room, "zbývá 5 min") {
				t.Errorf("room view during round 1")
			}
			checkSchedule(t, e, id, 2)
			// Anna met someone in round 1: she cannot be removed, only marked absent.
			if rec := e.do("POST", fmt.Sprintf("%s/ucastnici/%d/odebrat", page, anna), url.Values{}, c); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "označte ho raději") {
				t.Errorf("removing one who met: %d", rec.Code)
			}

			// Feedback: off without the survey module; the survey module's
			// form when it is there; results as a fake provider gives them.
			real := h.Svc.Feedback
			defer func() { h.Svc.Feedback = real }()
			h.Svc.Feedback = nil
			if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, "nejsou v této instalaci zapnuté") {
				t.Errorf("feedback should be off")
			}
			if rec := e.do("POST", page+"/zpetna-vazba", url.Values{}, c); rec.Code != http.StatusConflict {
				t.Errorf("feedback without the survey module: %d", rec.Code)
			}
			if real != nil {
				h.Svc.Feedback = real
				if rec := e.do("POST", page+"/zpetna-vazba", url.Values{}, c); rec.Code != http.StatusSeeOther {
					t.Fatalf("survey feedback: %d %s", rec.Code, rec.Body.String())
				}
				ev, _ := h.Svc.FindEvent(ctx, id)
				if ev.FeedbackURL == "" || !strings.Contains(e.do("GET", page, nil, c).Body.String(), `href="`+ev.FeedbackURL+`"`) {
					t.Errorf("the survey's form is not linked: %q", ev.FeedbackURL)
				}
				if rec := e.do("GET", ev.FeedbackURL, nil, nil); rec.Code != http.StatusOK {
					t.Errorf("the survey's form: %d", rec.Code)
				}
			}
			fb := &fakeFeedback{}
			h.Svc.Feedback = fb
			if rec := e.do("POST", page+"/zpetna-vazba", url.Values{}, c); rec.Code != http.StatusSeeOther || len(fb.asked) != 1 || fb.asked[0].Owner != fmt.Sprintf("networking:%d", id) {
				t.Fatalf("feedback: %d %+v", rec.Code, fb.asked)
			}
			if body := e.do("GET", page, nil, c).Body.String(); !strings.Contains(body, "Odpověděli 3 účastníci.") || !strings.Contains(body, `href="/dotazniky/9"`) {
				t.Errorf("feedback results not shown")
			}
			// After the event Anna's page offers the form and her contacts.
			h.Svc.Now = func() time.Time { return ev.StartsAt.Add(3 * time.Hour) }
			mine := e.do("GET", "/seznamka-osobni/"+token, nil, nil).Body.String()
			if !strings.Contains(mine, `href="/dotaznik/9"`) || !strings.Contains(mine, "Koho jste potkali") {
				t.Errorf("Anna's page after the event")
			}
			// The contact sheets by e-mail, with the feedback form.
			sender.msgs = nil
			if rec := e.do("POST", page+"/poslat-kontakty", url.Values{}, c); rec.Code != http.StatusSeeOther {
				t.Fatalf("contacts: %d", rec.Code)
			}
			if _, err := e.srv.Env().Outbox.Process(ctx); err != nil {
				t.Fatal(err)
			}
			toAnna = nil
			for i := range sender.msgs {
				if sender.msgs[i].To[0] == "anna@example.cz" {
					toAnna = &sender.msgs[i]
				}
			}
			if toAnna == nil || !strings.HasPrefix(toAnna.Subject, "Koho jste potkali") || !strings.Contains(toAnna.Text, "/dotaznik/9") || !strings.Contains(toAnna.Text, "Dana Krátká (Úřad práce Otrokovice)") {
				t.Errorf("Anna's contact sheet: %+v", toAnna)
			}
		})
	}
}

// The public registration: open events only, a honeypot, Czech errors,
// and the new participant goes straight to their wishes.
func TestNetworkingPublicRegistration(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	id := demoNetworkingEvent(t, e)
	reg := fmt.Sprintf("/seznamka/%d/registrace", id)
	if rec := e.do("GET", reg, nil, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Přihláška: Rotující seznamka") {
		t.Fatalf("form: %d", rec.Code)
	}
	rec := e.do("POST", reg, url.Values{"name": {"Olga Nová"}, "organisation_name": {"Spolek Pohoda"}}, nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "pošleme na něj váš osobní odkaz") || !strings.Contains(rec.Body.String(), `value="Spolek Pohoda"`) {
		t.Fatalf("without e-mail: %d", rec.Code)
	}
	if rec := e.do("POST", reg, url.Values{"name": {"Robot"}, "email": {"r@example.cz"}, "organisation_name": {"X"}, "web_stranka": {"http://spam"}}, nil); rec.Code != http.StatusOK {
		t.Errorf("honeypot: %d", rec.Code)
	}
	rec = e.do("POST", reg, url.Values{"name": {"Olga Nová"}, "email": {"olga@example.cz"}, "organisation_name": {"Spolek Pohoda"}, "service": {"dobrovolnické centrum"}}, nil)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/seznamka-osobni/") {
		t.Fatalf("register: %d", rec.Code)
	}
	if body := e.do("GET", rec.Header().Get("Location"), nil, nil).Body.String(); !strings.Contains(body, "Jste přihlášeni.") || !strings.Contains(body, "Bc. Veronika Urbanová") {
		t.Errorf("the wishes page after registering")
	}
	var n int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM networking_participants WHERE event_id = ? AND name IN ('Olga Nová', 'Robot')`, id).Scan(&n)
	if n != 1 {
		t.Errorf("%d stored", n)
	}
	// The audit keeps no name.
	var summary string
	e.db.QueryRow(context.Background(), `SELECT after_json FROM audit_log WHERE entity = 'networking_participant' ORDER BY id DESC LIMIT 1`).Scan(&summary)
	if strings.Contains(summary, "Olga") || strings.Contains(summary, "olga@") {
		t.Errorf("audit shows personal data: %s", summary)
	}
	// The personal link also goes by e-mail, queued with the registration.
	var queued int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE module = 'networking' AND kind = 'wish-link' AND recipient = 'olga@example.cz' AND message LIKE ?`,
		"%"+rec.Header().Get("Location")[:len("/seznamka-osobni/")+36]+"%").Scan(&queued)
	if queued != 1 {
		t.Errorf("the personal link is not queued to Olga: %d", queued)
	}
	// Ten an hour from one address.
	limited := false
	for i := 0; i < 10 && !limited; i++ {
		limited = e.do("POST", reg, url.Values{"name": {"Další"}, "organisation_name": {"Y"}}, nil).Code == http.StatusTooManyRequests
	}
	if !limited {
		t.Errorf("no rate limit on the public registration")
	}
	// The coordinator removes a registration made by mistake.
	var olga int64
	e.db.QueryRow(context.Background(), `SELECT id FROM networking_participants WHERE event_id = ? AND name = ?`, id, "Olga Nová").Scan(&olga)
	if rec := e.do("POST", fmt.Sprintf("/seznamka/%d/ucastnici/%d/odebrat", id, olga), url.Values{}, e.session("koordinator")); rec.Code != http.StatusSeeOther {
		t.Errorf("remove: %d", rec.Code)
	}
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM networking_participants WHERE id = ?`, olga).Scan(&n)
	if n != 0 || auditCount(e, "networking_participant") == 0 {
		t.Errorf("not removed")
	}
	// A closed registration is not there.
	svc := networkingHandler(e).Svc
	ev, _ := svc.FindEvent(context.Background(), id)
	ev.Registration = false
	if _, err := svc.SaveEvent(context.Background(), id, *ev); err != nil {
		t.Fatal(err)
	}
	if rec := e.do("GET", reg, nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("closed: %d", rec.Code)
	}
}

// Participants of events older than three years lose names and contacts.
func TestNetworkingRetention(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	svc := networkingHandler(e).Svc
	ctx := context.Background()
	id := demoNetworkingEvent(t, e)
	old := svc.Now
	defer func() { svc.Now = old }()
	svc.Now = func() time.Time { return time.Now().AddDate(4, 0, 0) }
	r, err := svc.AnonymiseParticipants(ctx, 36, true)
	if err != nil || r.Count != 48 {
		t.Fatalf("dry run: %+v %v", r, err)
	}
	if r, err = svc.AnonymiseParticipants(ctx, 36, false); err != nil || r.Count != 48 {
		t.Fatalf("run: %+v %v", r, err)
	}
	var named int
	e.db.QueryRow(ctx, `SELECT COUNT(*) FROM networking_participants WHERE event_id = ? AND (name <> 'anonymizováno' OR email <> '')`, id).Scan(&named)
	if named != 0 {
		t.Errorf("%d still named", named)
	}
	if r, _ := svc.AnonymiseParticipants(ctx, 36, false); r.Count != 0 {
		t.Errorf("second run: %d", r.Count)
	}
}

// BenchmarkNetworkingPages renders the demo event's pages (48 participants,
// about 200 meetings) as the coordinator and a participant see them, and
// reports the queries each costs.
func BenchmarkNetworkingPages(b *testing.B) {
	for _, engine := range benchEngines() {
		e := newTestEnv(b, engine)
		c := e.session("koordinator")
		var id int64
		var token string
		e.db.QueryRow(context.Background(), `SELECT event_id, token FROM networking_participants ORDER BY id LIMIT 1`).Scan(&id, &token)
		for _, pg := range []struct {
			name, path string
			c          *http.Cookie
		}{
			{"event", fmt.Sprintf("/seznamka/%d", id), c},
			{"schedule", fmt.Sprintf("/seznamka/%d/rozvrh", id), c},
			{"room", fmt.Sprintf("/seznamka/%d/mistnost", id), c},
			{"personal", "/seznamka-osobni/" + token, nil},
			{"personal-pdf", "/seznamka-osobni/" + token + "/rozvrh.pdf", nil},
			{"host-pdf", fmt.Sprintf("/seznamka/%d/rozvrh.pdf", id), c},
		} {
			b.Run(engine+"/"+pg.name, func(b *testing.B) {
				q0 := e.db.QueryCount()
				for b.Loop() {
					if rec := e.do("GET", pg.path, nil, pg.c); rec.Code != http.StatusOK {
						b.Fatal(rec.Code)
					}
				}
				b.ReportMetric(float64(e.db.QueryCount()-q0)/float64(b.N), "queries/op")
			})
		}
		// Planning the demo event again: wishes resolved, scheduled, stored.
		b.Run(engine+"/plan", func(b *testing.B) {
			svc := networkingHandler(e).Svc
			q0 := e.db.QueryCount()
			for b.Loop() {
				if _, err := svc.Plan(context.Background(), id); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(e.db.QueryCount()-q0)/float64(b.N), "queries/op")
		})
	}
}

// The schedule through the API matches the OpenAPI document; staff only.
func TestNetworkingAPI(t *testing.T) {
	spec := loadSpec(t)
	spec.Servers = openapi3.Servers{{URL: "http://example.com"}}
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t, "sqlite")
	id := demoNetworkingEvent(t, e)
	tok := e.token("koordinator")
	for _, path := range []string{"/api/v1/networking/events", fmt.Sprintf("/api/v1/networking/events/%d/schedule", id), "/api/v1/networking/events/99999/schedule"} {
		req := httptest.NewRequest("GET", "http://example.com"+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s not in the spec: %v", path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			t.Errorf("%s → %d does not match the spec: %v", path, rec.Code, err)
		}
		if path == fmt.Sprintf("/api/v1/networking/events/%d/schedule", id) && (rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"round":1,`) || !strings.Contains(rec.Body.String(), `"organisation":"Naděje Otrokovice"`)) {
			t.Errorf("schedule %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/networking/events/%d/schedule", id), nil)
	req.Header.Set("Authorization", "Bearer "+e.token("poskytovatel"))
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("provider: %d", rec.Code)
	}
}

// Every page of the module is valid HTML (the Nu Html Checker), also the
// forms sent back with errors.
func TestNetworkingHTMLValid(t *testing.T) {
	jar := vnuJar(t)
	e := newTestEnv(t, "sqlite")
	c := e.session("koordinator")
	id := demoNetworkingEvent(t, e)
	var pid int64
	var token string
	e.db.QueryRow(context.Background(), `SELECT id, token FROM networking_participants WHERE event_id = ? ORDER BY id LIMIT 1`, id).Scan(&pid, &token)
	ev := fmt.Sprintf("/seznamka/%d", id)
	part := fmt.Sprintf("%s/ucastnici/%d", ev, pid)
	type call struct {
		method, path string
		form         url.Values
		c            *http.Cookie
		want         int
	}
	calls := []call{
		{"GET", "/seznamka", nil, c, 200}, {"GET", ev, nil, c, 200}, {"GET", ev + "/upravit", nil, c, 200}, {"GET", "/seznamka/nova", nil, c, 200},
		{"GET", ev + "/rozvrh", nil, c, 200}, {"GET", ev + "/stoly", nil, c, 200}, {"GET", ev + "/mistnost", nil, c, 200}, {"GET", ev + "/mistnost?kolo=3", nil, c, 200},
		{"GET", ev + "/ucastnici/novy", nil, c, 200}, {"GET", part + "/upravit", nil, c, 200}, {"GET", part + "/prani", nil, c, 200},
		{"GET", part + "/rozvrh", nil, c, 200}, {"GET", part + "/kontakty", nil, c, 200},
		{"GET", "/seznamka-osobni/" + token, nil, nil, 200}, {"GET", "/seznamka-osobni/" + token + "/prani", nil, nil, 200},
		{"GET", ev + "/registrace", nil, nil, 200}, {"GET", "/seznamka/moje", nil, e.session("clen"), 200},
		{"POST", "/seznamka/nova", url.Values{"title": {""}, "tables": {"x"}}, c, 422},
		{"POST", ev + "/ucastnici/novy", url.Values{"name": {""}, "email": {"x"}}, c, 422},
		{"POST", ev + "/registrace", url.Values{"name": {"Eva"}}, nil, 422},
	}
	// Too many wishes for the quota.
	tooMany := url.Values{}
	var others []int64
	rows, _ := e.db.Query(context.Background(), `SELECT id FROM networking_participants WHERE event_id = ? AND id <> ? ORDER BY id DESC LIMIT 12`, id, pid)
	for rows.Next() {
		var o int64
		rows.Scan(&o)
		others = append(others, o)
	}
	rows.Close()
	for _, o := range others {
		tooMany.Set(fmt.Sprintf("p%d", o), "want")
	}
	calls = append(calls, call{"POST", "/seznamka-osobni/" + token + "/prani", tooMany, nil, 422})
	dir := t.TempDir()
	names := map[string]string{}
	var files []string
	for _, cl := range calls {
		rec := e.do(cl.method, cl.path, cl.form, cl.c)
		if rec.Code != cl.want {
			t.Errorf("%s %s: %d, want %d", cl.method, cl.path, rec.Code, cl.want)
			continue
		}
		f := filepath.Join(dir, fmt.Sprintf("page%d.html", len(files)))
		os.WriteFile(f, rec.Body.Bytes(), 0o600)
		names["file:"+f] = cl.method + " " + cl.path
		files = append(files, f)
	}
	out, err := exec.Command("java", append([]string{"-jar", jar, "--errors-only", "--format", "json", "--exit-zero-always"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("vnu: %v %s", err, out)
	}
	var res struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("vnu output: %v %.300s", err, out)
	}
	for _, m := range res.Messages {
		if m.Type == "error" || m.Type == "non-document-error" {
			t.Errorf("%s line %d: %s\n    %s", names[m.URL], m.LastLine, m.Message, m.Extract)
		}
	}
}
