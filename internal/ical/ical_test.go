package ical_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"kpss/internal/ical"
)

var (
	prague  = mustLoad(ical.TZID)
	updated = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	// Long enough to be folded several times, full of two-byte letters.
	longCzech = "Příliš žluťoučký kůň úpěl ďábelské ódy. " +
		strings.Repeat("ěščřžýáíéůúňťď", 12) + " " +
		"Na jednání pracovní skupiny Senioři se projedná aktualizace katalogu sociálních služeb."
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func meeting() ical.Event {
	return ical.Event{
		UID:         "meeting-42@kpss.example",
		Start:       time.Date(2026, 7, 15, 9, 30, 0, 0, prague), // CEST
		End:         time.Date(2026, 7, 15, 11, 0, 0, 0, prague),
		Summary:     "Jednání PS Senioři; body 1, 2",
		Description: longCzech + "\nDruhý řádek: \\ zpětné lomítko, středník; čárka.",
		Location:    "MěÚ, zasedací místnost č. 3",
		URL:         "https://kpss.example/setkani/42",
		Categories:  []string{"Pracovní skupina", "Senioři, zdravotně postižení"},
		Status:      ical.StatusConfirmed,
		Sequence:    2,
		Updated:     updated,
	}
}

func workshop() ical.Event {
	return ical.Event{
		UID:     "workshop-7@kpss.example",
		Start:   time.Date(2026, 11, 3, 0, 0, 0, 0, prague),
		End:     time.Date(2026, 11, 4, 0, 0, 0, 0, prague), // last day, inclusive
		AllDay:  true,
		Summary: "Dvoudenní workshop",
		Updated: updated,
	}
}

func write(t *testing.T, events ...ical.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ical.Write(&buf, "KPSS – kalendář setkání", events); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func parse(t *testing.T, data []byte) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse back: %v\n%s", err, data)
	}
	return cal
}

// checkLines asserts the RFC 5545 §3.1 line rules on raw output.
func checkLines(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Error("output does not end in CRLF")
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	folded := 0
	for i, l := range lines {
		if len(l) == 0 {
			continue
		}
		if !bytes.HasSuffix(l, []byte("\r\n")) {
			t.Errorf("line %d does not end in CRLF: %q", i+1, l)
			continue
		}
		content := bytes.TrimSuffix(l, []byte("\r\n"))
		if bytes.ContainsAny(content, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(content) > 75 {
			t.Errorf("line %d has %d octets, more than 75: %q", i+1, len(content), content)
		}
		// A fold that cut a UTF-8 sequence leaves invalid halves on
		// both lines.
		if !utf8.Valid(content) {
			t.Errorf("line %d is not valid UTF-8 (a fold split a character): %q", i+1, content)
		}
		if len(content) > 0 && content[0] == ' ' {
			folded++
		}
	}
	if folded == 0 {
		t.Error("no folded lines; the long description should have been folded")
	}
}

func TestWriteFeed(t *testing.T) {
	data := write(t, meeting(), workshop())
	checkLines(t, data)
	text := string(data)
	for _, want := range []string{
		"PRODID:-//kpss//kpss//CS\r\n",
		"X-WR-CALNAME:KPSS – kalendář setkání\r\n",
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Prague\r\n",
		"BEGIN:STANDARD\r\n", "TZNAME:CET\r\n", "BEGIN:DAYLIGHT\r\n", "TZNAME:CEST\r\n",
		"DTSTART;TZID=Europe/Prague:20260715T093000\r\n",
		"DTEND;TZID=Europe/Prague:20260715T110000\r\n",
		"DTSTAMP:20260301T080000Z\r\n",
		"DTSTART;VALUE=DATE:20261103\r\n",
		"DTEND;VALUE=DATE:20261105\r\n", // exclusive end after the last day
		`SUMMARY:Jednání PS Senioři\; body 1\, 2` + "\r\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q\n%s", want, text)
		}
	}
	if strings.Contains(text, "METHOD:") {
		t.Error("a published feed must not carry METHOD")
	}

	cal := parse(t, data)
	if got := len(cal.Timezones()); got != 1 {
		t.Errorf("got %d VTIMEZONE, want 1", got)
	}
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("parsed %d events, want 2", len(events))
	}
	m, w := events[0], events[1]
	want := meeting()
	for _, c := range []struct {
		prop ics.ComponentProperty
		want string
	}{
		{ics.ComponentPropertySummary, want.Summary},
		{ics.ComponentPropertyDescription, want.Description},
		{ics.ComponentPropertyLocation, want.Location},
		{ics.ComponentPropertyUrl, want.URL},
		{ics.ComponentPropertyStatus, "CONFIRMED"},
		{ics.ComponentPropertySequence, "2"},
	} {
		p := m.GetProperty(c.prop)
		if p == nil {
			t.Errorf("%s missing", c.prop)
			continue
		}
		if p.Value != c.want {
			t.Errorf("%s round-trips as %q, want %q", c.prop, p.Value, c.want)
		}
	}
	var cats []string
	for _, p := range m.GetProperties(ics.ComponentPropertyCategories) {
		cats = append(cats, p.Value)
	}
	if !slices.Equal(cats, want.Categories) {
		t.Errorf("categories = %q, want %q", cats, want.Categories)
	}
	start, err := m.GetStartAt()
	if err != nil || !start.Equal(want.Start) {
		t.Errorf("start = %v (%v), want %v", start, err, want.Start)
	}
	end, err := m.GetEndAt()
	if err != nil || !end.Equal(want.End) {
		t.Errorf("end = %v (%v), want %v", end, err, want.End)
	}
	if v := w.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["VALUE"]; !slices.Equal(v, []string{"DATE"}) {
		t.Errorf("all-day DTSTART VALUE = %q, want DATE", v)
	}
	if _, ok := w.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]; ok {
		t.Error("all-day DTSTART must be a floating DATE without TZID")
	}
}

// A winter instant given in UTC must come out in CET local time.
func TestWriteConvertsToPragueTime(t *testing.T) {
	ev := meeting()
	ev.Start = time.Date(2026, 1, 20, 13, 0, 0, 0, time.UTC)
	ev.End = time.Time{}
	text := string(write(t, ev))
	if !strings.Contains(text, "DTSTART;TZID=Europe/Prague:20260120T140000\r\n") {
		t.Errorf("want 14:00 CET for 13:00 UTC:\n%s", text)
	}
	if strings.Contains(text, "DTEND") {
		t.Error("DTEND written for an event without an end")
	}
}

func TestWriteNormalizesText(t *testing.T) {
	ev := meeting()
	ev.Summary = "Zpráva\r\nz jednání\x00" + "e\u030c" // CRLF, NUL, decomposed ě
	ev.URL = "https://kpss.example/a\r\nX-EVIL:1"
	data := write(t, ev)
	checkLines(t, data)
	m := parse(t, data).Events()[0]
	if got := m.GetProperty(ics.ComponentPropertySummary).Value; got != "Zpráva\nz jednáníě" {
		t.Errorf("summary = %q, want CRLF as one line break, no NUL, composed ě", got)
	}
	if bytes.Contains(data, []byte("\r\nX-EVIL")) {
		t.Error("a line break in the URL started a new property")
	}
}

func TestWriteRejectsInvalidEvents(t *testing.T) {
	tests := map[string]func(*ical.Event){
		"no UID":       func(e *ical.Event) { e.UID = " " },
		"no summary":   func(e *ical.Event) { e.Summary = "" },
		"no start":     func(e *ical.Event) { e.Start = time.Time{} },
		"end first":    func(e *ical.Event) { e.End = e.Start.Add(-time.Hour) },
		"bad status":   func(e *ical.Event) { e.Status = "POSTPONED" },
		"neg sequence": func(e *ical.Event) { e.Sequence = -1 },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			ev := meeting()
			mutate(&ev)
			var buf bytes.Buffer
			err := ical.Write(&buf, "x", []ical.Event{ev})
			if !errors.Is(err, ical.ErrInvalidEvent) {
				t.Errorf("err = %v, want ErrInvalidEvent", err)
			}
			if buf.Len() != 0 {
				t.Error("something was written for an invalid event")
			}
		})
	}
}

func TestWriteEmptyFeed(t *testing.T) {
	data := write(t)
	cal := parse(t, data)
	if len(cal.Events()) != 0 || len(cal.Timezones()) != 1 {
		t.Errorf("empty feed: %d events, %d timezones", len(cal.Events()), len(cal.Timezones()))
	}
}

func TestInvitation(t *testing.T) {
	ev := meeting()
	data := ical.Invitation(ev, "Odbor sociálních věcí <odbor@mesto.example>",
		[]string{"Jana Nováková <jana@example.test>", "petr@example.test", "not an address at all"})
	checkLines(t, data)
	text := string(data)
	for _, want := range []string{"METHOD:REQUEST\r\n", "BEGIN:VTIMEZONE\r\n", "DTSTART;TZID=Europe/Prague:20260715T093000\r\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("invitation lacks %q", want)
		}
	}
	if strings.Contains(text, "X-WR-CALNAME") {
		t.Error("an invitation is not a named feed")
	}
	e := parse(t, data).Events()[0]
	org := e.GetProperty(ics.ComponentPropertyOrganizer)
	if org == nil || org.Value != "mailto:odbor@mesto.example" || !slices.Equal(org.ICalParameters["CN"], []string{"Odbor sociálních věcí"}) {
		t.Errorf("organizer = %+v", org)
	}
	att := e.Attendees()
	var emails []string
	for _, a := range att {
		emails = append(emails, a.Email())
	}
	if want := []string{"jana@example.test", "petr@example.test"}; !slices.Equal(emails, want) {
		t.Errorf("attendees = %q, want %q (the unparsable one left out)", emails, want)
	}
	if len(att) > 0 && (att[0].ParticipationStatus() != ics.ParticipationStatusNeedsAction ||
		!slices.Equal(att[0].ICalParameters["RSVP"], []string{"true"})) {
		t.Errorf("attendee params = %v, want PARTSTAT=NEEDS-ACTION and RSVP", att[0].ICalParameters)
	}
	if len(att) > 0 && !slices.Equal(att[0].ICalParameters["CN"], []string{"Jana Nováková"}) {
		t.Errorf("attendee CN = %q, want the name with diacritics", att[0].ICalParameters["CN"])
	}
	if ct := ical.InvitationContentType(ev); ct != "text/calendar; charset=utf-8; method=REQUEST" {
		t.Errorf("content type = %q", ct)
	}
}

func TestInvitationCancel(t *testing.T) {
	ev := meeting()
	ev.Status = ical.StatusCancelled
	ev.Sequence = 3
	text := string(ical.Invitation(ev, "odbor@mesto.example", []string{"jana@example.test"}))
	for _, want := range []string{"METHOD:CANCEL\r\n", "STATUS:CANCELLED\r\n", "SEQUENCE:3\r\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("cancellation lacks %q", want)
		}
	}
	if got := ical.InvitationContentType(ev); !strings.HasSuffix(got, "method=CANCEL") {
		t.Errorf("content type = %q", got)
	}
}

// UIDs take the site's domain, never a listen address.
func TestSiteID(t *testing.T) {
	for _, c := range []struct{ configured, base, want string }{
		{"KPSS.Otrokovice.cz", "http://127.0.0.1:8080", "kpss.otrokovice.cz"},
		{"", "https://kpss.otrokovice.cz/", "kpss.otrokovice.cz"},
		{"", "https://kpss.otrokovice.cz:8443", "kpss.otrokovice.cz"},
		{"", "http://127.0.0.1:8080", ical.UnconfiguredSite},
		{"", "http://[::1]:8080", ical.UnconfiguredSite},
		{"", "http://localhost:8080", ical.UnconfiguredSite},
		{"", "", ical.UnconfiguredSite},
	} {
		if got := ical.SiteID(c.configured, c.base); got != c.want {
			t.Errorf("SiteID(%q, %q) = %q, want %q", c.configured, c.base, got, c.want)
		}
	}
	if got := ical.UID("meeting", 42, "kpss.otrokovice.cz"); got != "meeting-42@kpss.otrokovice.cz" {
		t.Errorf("UID: %s", got)
	}
}
