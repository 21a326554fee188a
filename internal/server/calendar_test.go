package server

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"kpss/internal/calendar"
)

func calendarSvc(e *testEnv) *calendar.Service {
	return e.srv.Env().Modules["calendar"].(*calendar.Handler).Svc
}

func eventID(t *testing.T, e *testEnv, title string) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM events WHERE title = ?`, title).Scan(&id); err != nil {
		t.Fatalf("event %q: %v", title, err)
	}
	return id
}

func TestCalendarMonthAndListArePublic(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	rec := e.do("GET", "/kalendar", nil, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("month: %d", rec.Code)
	}
	for _, want := range []string{`<th scope="col"><abbr title="pondělí">Po</abbr></th>`, `<th scope="row" class="week-col">`, `aria-current="date"`,
		"Trénování paměti pro seniory", `href="/kalendar.ics"`, `href="/kalendar/vzdelavani.ics"`} {
		if !strings.Contains(body, want) {
			t.Errorf("month view misses %s", want)
		}
	}
	if strings.Contains(body, "Svépomocná skupina") {
		t.Errorf("a pending event is public")
	}
	// Next month and a category filter.
	next := time.Now().In(calendar.Prague).AddDate(0, 1, 0).Format("2006-01")
	if rec := e.do("GET", "/kalendar?mesic="+next+"&kategorie=vzdelavani", nil, nil); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "Trénování paměti") {
		t.Errorf("filtered month: %d", rec.Code)
	}
	for _, bad := range []string{"/kalendar?mesic=2026-13", "/kalendar?kategorie=nic"} {
		if rec := e.do("GET", bad, nil, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", bad, rec.Code)
		}
	}
	list := e.do("GET", "/kalendar/seznam", nil, nil).Body.String()
	if !strings.Contains(list, "Kurz první pomoci pro pečující") || strings.Contains(list, "Veřejné projednání komunitního plánu") {
		t.Errorf("list shows past events or misses coming ones")
	}
	if l := e.do("GET", "/kalendar/seznam?q=pamet", nil, nil).Body.String(); !strings.Contains(l, "Trénování paměti") || strings.Contains(l, "Kurz první pomoci") {
		t.Errorf("search without diacritics")
	}
	archive := e.do("GET", "/kalendar/archiv", nil, nil).Body.String()
	if !strings.Contains(archive, "Veřejné projednání komunitního plánu") || strings.Contains(archive, "Kurz první pomoci") {
		t.Errorf("archive shows the wrong events")
	}
	if i, j := strings.Index(archive, "Veřejné projednání"), strings.Index(archive, "Den otevřených dveří nízkoprahového"); i < 0 || j < 0 || i > j {
		t.Errorf("archive is not newest first")
	}
	detail := e.do("GET", fmt.Sprintf("/kalendar/akce/%d", eventID(t, e, "Kurz první pomoci pro pečující")), nil, nil).Body.String()
	for _, want := range []string{"Oblastní spolek ČČK Zlín", "Místo je částečně bezbariérové.", "výtah je malý", "Senioři, Osoby se zdravotním postižením"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail misses %q", want)
		}
	}
}

func TestProviderSubmitsAndCoordinatorApproves(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	prov, coord := e.session("poskytovatel"), e.session("koordinator")
	day := time.Now().In(calendar.Prague).AddDate(0, 0, 2).Format("2006-01-02")
	form := url.Values{"title": {"Beseda o tísňové péči"}, "category": {"verejnost"}, "start_date": {day}, "start_time": {"25:00"},
		"place": {"Charita, klubovna"}, "accessibility": {"full"}, "target_group_ids": {fmt.Sprint(e.ids.seniors)},
		"organisation_id": {fmt.Sprint(e.ids.otherOrg)}}
	rec := e.do("POST", "/kalendar/nova", form, prov)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Zadejte čas ve tvaru 14:30.") || !strings.Contains(rec.Body.String(), "Beseda o tísňové péči") {
		t.Fatalf("bad time: %d", rec.Code)
	}
	form.Set("start_time", "15:00")
	form.Set("end_time", "16.30")
	rec = e.do("POST", "/kalendar/nova", form, prov)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body.String())
	}
	id := eventID(t, e, "Beseda o tísňové péči")
	ev, err := calendarSvc(e).FindEventFor(context.Background(), nil, id)
	if err == nil {
		t.Fatalf("pending event visible to the public: %+v", ev)
	}
	var orgID int64
	e.db.QueryRow(context.Background(), `SELECT organisation_id FROM events WHERE id = ?`, id).Scan(&orgID)
	if orgID != e.ids.charita {
		t.Errorf("the provider's event belongs to organisation %d, want their own %d", orgID, e.ids.charita)
	}
	path := fmt.Sprintf("/kalendar/akce/%d", id)
	if rec := e.do("GET", path, nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("public sees the pending event: %d", rec.Code)
	}
	if b := e.do("GET", path, nil, prov).Body.String(); !strings.Contains(b, "čeká na schválení") {
		t.Errorf("provider does not see the waiting state")
	}
	if b := e.do("GET", "/kalendar/sprava", nil, coord).Body.String(); !strings.Contains(b, "Beseda o tísňové péči") {
		t.Errorf("the coordinator's queue misses the event")
	}
	// A rejection needs a reason.
	rec = e.do("POST", path+"/zamitnout", url.Values{"reason": {" "}}, coord)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Napište prosím důvod zamítnutí") {
		t.Errorf("reject without reason: %d", rec.Code)
	}
	if rec := e.do("POST", path+"/zamitnout", url.Values{"reason": {"Doplňte prosím, v kolik akce končí."}}, coord); rec.Code != http.StatusSeeOther {
		t.Fatalf("reject: %d", rec.Code)
	}
	if b := e.do("GET", path, nil, prov).Body.String(); !strings.Contains(b, "Doplňte prosím, v kolik akce končí.") {
		t.Errorf("provider does not see the reason")
	}
	// The provider corrects it: it waits again; the coordinator approves.
	if rec := e.do("POST", path+"/upravit", form, prov); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d", rec.Code)
	}
	if rec := e.do("POST", path+"/schvalit", url.Values{}, prov); rec.Code != http.StatusForbidden {
		t.Errorf("provider approves: %d", rec.Code)
	}
	if rec := e.do("POST", path+"/schvalit", url.Values{}, coord); rec.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d", rec.Code)
	}
	b := e.do("GET", path, nil, nil).Body.String()
	if !strings.Contains(b, "15:00–16:30") || !strings.Contains(b, "Charita sv. Anežky Otrokovice") {
		t.Errorf("approved event page: missing time or organiser")
	}
	if !strings.Contains(e.do("GET", "/kalendar/seznam", nil, nil).Body.String(), "Beseda o tísňové péči") {
		t.Errorf("approved event not in the public list")
	}
	var n int
	e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE entity = 'event' AND entity_id = ?`, id).Scan(&n)
	if n != 4 {
		t.Errorf("audit rows = %d, want 4 (create, reject, update, approve)", n)
	}
	// Another organisation's event is not the provider's to edit.
	other := eventID(t, e, "Sbírka teplého oblečení pro azylový dům")
	if rec := e.do("GET", fmt.Sprintf("/kalendar/akce/%d/upravit", other), nil, prov); rec.Code != http.StatusForbidden {
		t.Errorf("provider edits another organisation's event: %d", rec.Code)
	}
	if rec := e.do("POST", fmt.Sprintf("/kalendar/akce/%d/upravit", other), form, prov); rec.Code != http.StatusForbidden {
		t.Errorf("provider saves another organisation's event: %d", rec.Code)
	}
	// A member may not submit at all.
	if rec := e.do("GET", "/kalendar/nova", nil, e.session("clen")); rec.Code != http.StatusForbidden {
		t.Errorf("member opens the event form: %d", rec.Code)
	}
}

// checkICS checks what RFC 5545 asks of the text and returns the parsed calendar.
func checkICS(t *testing.T, body []byte) *ics.Calendar {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.HasSuffix(body, []byte("END:VCALENDAR\r\n")) {
		t.Fatalf("not a calendar: %.60q", body)
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.Index(data, []byte("\r\n")); i >= 0 {
			return i + 2, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", n, len(line), line)
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", n, line)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("feed does not parse: %v", err)
	}
	return cal
}

type fakeSource struct{ start time.Time }

func (f fakeSource) PublicEvents(_ context.Context, from, to time.Time) ([]calendar.ExternalEvent, error) {
	if f.start.Before(from) || !f.start.Before(to) {
		return nil, nil
	}
	return []calendar.ExternalEvent{{UID: "meeting-7@kpss.test", Title: "Jednání pracovní skupiny Senioři", Category: "setkani",
		Place: "MěÚ Otrokovice", URL: "/skupiny/jednani/7", Start: f.start, End: f.start.Add(2 * time.Hour)}}, nil
}

func TestCalendarFeeds(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	start := calendar.Day(time.Now()).AddDate(0, 0, 4).Add(15 * time.Hour)
	calendarSvc(e).AddSource(fakeSource{start: start})
	rec := e.do("GET", "/kalendar.ics", nil, nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.Bytes()
	cal := checkICS(t, body)
	titles := map[string]*ics.VEvent{}
	for _, ev := range cal.Events() {
		titles[ev.GetProperty(ics.ComponentPropertySummary).Value] = ev
	}
	if titles["Svépomocná skupina pro pečující o blízké s demencí"] != nil {
		t.Errorf("pending event in the feed")
	}
	kurz := titles["Kurz první pomoci pro pečující"]
	if kurz == nil || titles["Jednání pracovní skupiny Senioři"] == nil || titles["Rotující seznamka pracovníků sociálních služeb"] == nil {
		t.Fatalf("feed misses events: %v", len(titles))
	}
	if p := kurz.GetProperty(ics.ComponentPropertyDtStart); p.ICalParameters["TZID"][0] != "Europe/Prague" || !strings.HasSuffix(p.Value, "T160000") {
		t.Errorf("DTSTART = %v %q, want 16:00 Europe/Prague", p.ICalParameters, p.Value)
	}
	if !bytes.Contains(body, []byte("BEGIN:VTIMEZONE\r\nTZID:Europe/Prague")) {
		t.Errorf("no VTIMEZONE")
	}
	if dd := titles["Den otevřených dveří pečovatelské služby"]; dd == nil || dd.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["VALUE"][0] != "DATE" {
		t.Errorf("all-day event is not a DATE")
	}
	// Per category.
	cat := checkICS(t, e.do("GET", "/kalendar/vzdelavani.ics", nil, nil).Body.Bytes())
	for _, ev := range cat.Events() {
		if c := ev.GetProperty(ics.ComponentPropertyCategories).Value; c != "vzdelavani" {
			t.Errorf("category feed holds %q", c)
		}
	}
	own := 0 // the workshops module adds the blocks of its coming workshop
	for _, ev := range cat.Events() {
		if !strings.HasPrefix(ev.Id(), "workshop-") {
			own++
		}
	}
	if own != 2 {
		t.Errorf("training feed has %d events of the calendar, want 2", own)
	}
	if rec := e.do("GET", "/kalendar/nic.ics", nil, nil); rec.Code != http.StatusNotFound {
		t.Errorf("unknown category feed: %d", rec.Code)
	}
	// The external event shows in the month view too.
	month := e.do("GET", "/kalendar?mesic="+start.In(calendar.Prague).Format("2006-01"), nil, nil).Body.String()
	if !strings.Contains(month, `href="/skupiny/jednani/7"`) {
		t.Errorf("external event not in the month view")
	}
}

// The groups module's meetings (calendar.EventSource, wired by mod_calendar)
// show in the list view with their category, place and link, and in the
// iCalendar feeds – all and their category, not another – with a stable UID,
// the place as LOCATION and an absolute link; the list shows their
// description (accessibility of the place, registrations).
func TestCalendarShowsGroupMeetings(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	g := e.groupIDs()
	ctx := context.Background()
	var meeting int64
	var place string
	var at time.Time
	if err := e.db.QueryRow(ctx, `SELECT t.id, t.starts_at, p.name FROM meetings t JOIN meeting_places p ON p.id = t.place_id
		WHERE t.group_id = ? AND t.state = 'planned' AND t.starts_at > ? ORDER BY t.starts_at LIMIT 1`, g.sen, time.Now().UTC()).Scan(&meeting, &at, &place); err != nil {
		t.Fatal(err)
	}
	list := e.do("GET", "/kalendar/seznam?kategorie=setkani&per_page=500", nil, nil).Body.String()
	i := strings.Index(list, "Jednání: PS Senioři")
	if i < 0 {
		t.Fatalf("the group's meeting is not in the list view")
	}
	item := list[strings.LastIndex(list[:i], `<li class="event-item">`):]
	item = item[:strings.Index(item, "</li>")]
	for _, want := range []string{fmt.Sprintf(`href="/skupiny/%d/zapisy"`, g.sen), `<span class="tag">Jednání a setkání KPSS</span>`, place} {
		if !strings.Contains(item, want) {
			t.Errorf("list item lacks %q:\n%s", want, item)
		}
	}
	uid := fmt.Sprintf("meeting-%d@kpss.invalid", meeting) // (no site configured in tests)
	find := func(path string) *ics.VEvent {
		for _, ev := range checkICS(t, e.do("GET", path, nil, nil).Body.Bytes()).Events() {
			if ev.Id() == uid {
				return ev
			}
		}
		return nil
	}
	ev := find("/kalendar.ics")
	if ev == nil {
		t.Fatalf("%s not in /kalendar.ics", uid)
	}
	if got := ev.GetProperty(ics.ComponentPropertyLocation).Value; !strings.HasPrefix(got, place) {
		t.Errorf("LOCATION = %q, want the place %q", got, place)
	}
	if got := ev.GetProperty(ics.ComponentPropertyUrl).Value; !strings.HasPrefix(got, "http") || !strings.HasSuffix(got, fmt.Sprintf("/skupiny/%d/zapisy", g.sen)) {
		t.Errorf("URL = %q, want an absolute link to the group's minutes", got)
	}
	if got := ev.GetProperty(ics.ComponentPropertyCategories).Value; got != "setkani" {
		t.Errorf("CATEGORIES = %q", got)
	}
	if got := ev.GetProperty(ics.ComponentPropertyDtStart); got.ICalParameters["TZID"][0] != "Europe/Prague" || got.Value != at.In(calendar.Prague).Format("20060102T150405") {
		t.Errorf("DTSTART = %v %q, want %s in Prague time", got.ICalParameters, got.Value, at.In(calendar.Prague))
	}
	// What the groups module says of the meeting (the place's accessibility,
	// registrations) is in the list too: an external event has no page here.
	desc := strings.TrimSpace(strings.Split(ev.GetProperty(ics.ComponentPropertyDescription).Value, "\n")[0])
	if desc == "" || !strings.Contains(item, html.EscapeString(desc)) {
		t.Errorf("list item lacks the description's first line %q:\n%s", desc, item)
	}
	if find("/kalendar/setkani.ics") == nil {
		t.Errorf("the meeting is not in its category's feed")
	}
	if find("/kalendar/vzdelavani.ics") != nil {
		t.Errorf("the meeting is in another category's feed")
	}
}
