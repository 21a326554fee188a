package ical_test

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"golang.org/x/text/unicode/norm"

	"kpss/internal/ical"
)

// want is what a text value of ours reads back as: NFC, line breaks as
// LF, no other control characters, invalid UTF-8 replaced.
func want(s string) string {
	s = strings.Map(func(r rune) rune { return r }, s) // each invalid byte becomes U+FFFD, as ranging over a string gives it
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	return norm.NFC.String(s)
}

func wantValue(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// What kpss writes into a calendar feed, any calendar reads back as the
// same events: the same UID, texts, categories, status, sequence, start and
// end, in lines of at most 75 octets that end in CRLF and never split a
// character; an event Validate refuses is not written at all.
func FuzzWriteRoundTrip(f *testing.F) {
	ev := meeting()
	f.Add(ev.UID, ev.Summary, ev.Description, ev.Location, ev.URL, strings.Join(ev.Categories, "|"), ev.Start.Unix(), uint32(90), false, uint8(2), uint8(1))
	f.Add("w@kpss", "Dvoudenní workshop", "", "", "", "", time.Date(2026, 11, 3, 0, 0, 0, 0, prague).Unix(), uint32(1440), true, uint8(0), uint8(0))
	f.Add("a;b,c\\d", "Řádek\r\ndruhý\rtřetí\x00\x1b", "tab\there; \"q\" , \\n", "ě\u0301", "https://x.cz/?a=1;b=2", "A,B|C;D|", int64(1774818000), uint32(0), false, uint8(255), uint8(3))
	f.Add(" ", "", "x", "", "", "", int64(0), uint32(0), false, uint8(0), uint8(0))
	f.Add("u", "\xff\xfe neplatné UTF-8", strings.Repeat("ž", 200), "", "", "", int64(1761440400), uint32(60), false, uint8(1), uint8(2)) // the night the clocks go back
	f.Fuzz(func(t *testing.T, uid, summary, desc, loc, url, cats string, start int64, minutes uint32, allDay bool, seq uint8, status uint8) {
		st := time.Unix(start, 0).In(prague)
		if st.Year() < 1900 || st.Year() > 2200 {
			return // a calendar year has four digits
		}
		e := ical.Event{UID: uid, Summary: summary, Description: desc, Location: loc, URL: url, Start: st, AllDay: allDay,
			Sequence: int(seq), Status: []string{"", ical.StatusConfirmed, ical.StatusCancelled, ical.StatusTentative, "BOGUS"}[int(status)%5],
			Updated: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
		if minutes > 0 {
			e.End = st.Add(time.Duration(minutes%(60*24*30)) * time.Minute)
		}
		if cats != "" {
			e.Categories = strings.Split(cats, "|")
		}
		var buf bytes.Buffer
		err := ical.Write(&buf, "KPSS", []ical.Event{e})
		if verr := e.Validate(); verr != nil {
			if err == nil || !errors.Is(err, ical.ErrInvalidEvent) || buf.Len() > 0 {
				t.Fatalf("Validate: %v, but Write: %v and %d bytes", verr, err, buf.Len())
			}
			return
		}
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
		data := buf.Bytes()
		for i, l := range bytes.SplitAfter(data, []byte("\n")) {
			if len(l) == 0 {
				continue
			}
			content, ok := bytes.CutSuffix(l, []byte("\r\n"))
			if !ok || bytes.ContainsAny(content, "\r\n") || len(content) > 75 || !utf8.Valid(content) {
				t.Fatalf("line %d breaks RFC 5545 §3.1: %q\n%s", i+1, l, data)
			}
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("parse back: %v\n%s", err, data)
		}
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events read back\n%s", len(evs), data)
		}
		got := evs[0]
		val := func(p ics.ComponentProperty) string {
			if v := got.GetProperty(p); v != nil {
				return v.Value
			}
			return ""
		}
		for _, c := range []struct {
			name, got, want string
		}{
			{"UID", val(ics.ComponentPropertyUniqueId), wantValue(uid)},
			{"SUMMARY", val(ics.ComponentPropertySummary), want(summary)},
			{"DESCRIPTION", val(ics.ComponentPropertyDescription), map[bool]string{true: "", false: want(desc)}[desc == ""]},
			{"LOCATION", val(ics.ComponentPropertyLocation), map[bool]string{true: "", false: want(loc)}[loc == ""]},
			{"URL", val(ics.ComponentPropertyUrl), map[bool]string{true: "", false: wantValue(url)}[url == ""]},
			{"STATUS", val(ics.ComponentPropertyStatus), e.Status},
			{"SEQUENCE", val(ics.ComponentPropertySequence), strconv.Itoa(e.Sequence)},
		} {
			if c.got != c.want {
				t.Fatalf("%s reads back as %q, want %q\n%s", c.name, c.got, c.want, data)
			}
		}
		var gotCats, wantCats []string
		for _, p := range got.GetProperties(ics.ComponentPropertyCategories) {
			gotCats = append(gotCats, p.Value)
		}
		for _, c := range e.Categories {
			if c = want(c); c != "" {
				wantCats = append(wantCats, c)
			}
		}
		if !slices.Equal(gotCats, wantCats) {
			t.Fatalf("categories read back as %q, want %q\n%s", gotCats, wantCats, data)
		}
		if allDay {
			s, err := got.GetAllDayStartAt()
			if err != nil || s.Format(time.DateOnly) != st.Format(time.DateOnly) {
				t.Fatalf("all-day start %v (%v), want %s", s, err, st.Format(time.DateOnly))
			}
			return
		}
		s, err := got.GetStartAt()
		if err != nil || !s.Equal(st) {
			t.Fatalf("start reads back as %v (%v), want %v\n%s", s, err, st, data)
		}
		if !e.End.IsZero() {
			en, err := got.GetEndAt()
			if err != nil || !en.Equal(e.End) {
				t.Fatalf("end reads back as %v (%v), want %v\n%s", en, err, e.End, data)
			}
		}
	})
}

// A meeting in the hour that happens twice (the night the clocks go back)
// is written in UTC, so that no client shifts it by an hour; the found
// input is kept in testdata/fuzz/FuzzWriteRoundTrip.
func TestWriteAmbiguousHour(t *testing.T) {
	start := time.Date(2025, 10, 26, 0, 30, 0, 0, time.UTC)                                                               // 02:30 CEST
	ev := ical.Event{UID: "noc@kpss", Summary: "Noční služba", Start: start, End: start.Add(time.Hour), Updated: updated} // until 02:30 CET
	text := string(write(t, ev))
	if !strings.Contains(text, "DTSTART:20251026T003000Z\r\n") || !strings.Contains(text, "DTEND:20251026T013000Z\r\n") {
		t.Fatalf("ambiguous times not in UTC:\n%s", text)
	}
	got := parse(t, []byte(text)).Events()[0]
	s, _ := got.GetStartAt()
	e, _ := got.GetEndAt()
	if !s.Equal(start) || !e.Equal(start.Add(time.Hour)) {
		t.Errorf("read back %v – %v", s, e)
	}
	// An ordinary time keeps Prague's local time.
	if text := string(write(t, meeting())); !strings.Contains(text, "DTSTART;TZID=Europe/Prague:20260715T093000\r\n") {
		t.Error("an ordinary time lost its TZID")
	}
}
