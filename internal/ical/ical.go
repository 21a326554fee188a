// Package ical writes iCalendar (RFC 5545) feeds and invitations (RFC 5546)
// for events in the Europe/Prague time zone.
package ical

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the static binary may run where /usr/share/zoneinfo is missing
	"unicode"

	ics "github.com/arran4/golang-ical"
	"golang.org/x/text/unicode/norm"
)

// TZID is the only time zone the platform writes.
const TZID = "Europe/Prague"

// ProdID identifies the platform as the producer of every calendar.
const ProdID = "-//kpss//kpss//CS"

// Event statuses allowed in Event.Status.
const (
	StatusConfirmed = "CONFIRMED"
	StatusCancelled = "CANCELLED"
	StatusTentative = "TENTATIVE"
)

// Event is one calendar entry.
type Event struct {
	UID string // globally unique and stable across updates, e.g. "meeting-42@kpss.mesto.cz"
	// Start and End are instants; they are written in Europe/Prague time.
	// For AllDay events only their calendar dates count and End is the last
	// day of the event (inclusive); a zero End means a one-day event.
	Start, End  time.Time
	AllDay      bool
	Summary     string
	Description string
	Location    string
	URL         string
	Categories  []string
	Status      string // StatusConfirmed, StatusCancelled, StatusTentative or empty
	Sequence    int    // increase on every change sent to attendees
	// Updated is when the event last changed; it becomes DTSTAMP and
	// LAST-MODIFIED, which keeps a feed byte-identical between requests.
	// When zero, DTSTAMP is the current time.
	Updated time.Time
}

// ErrInvalidEvent is wrapped by the errors of Validate.
var ErrInvalidEvent = errors.New("ical: invalid event")

// Validate reports why ev cannot be written; the error wraps ErrInvalidEvent.
func (ev Event) Validate() error {
	switch {
	case strings.TrimSpace(ev.UID) == "":
		return fmt.Errorf("%w: empty UID", ErrInvalidEvent)
	case strings.TrimSpace(ev.Summary) == "":
		return fmt.Errorf("%w %s: empty summary", ErrInvalidEvent, ev.UID)
	case ev.Start.IsZero():
		return fmt.Errorf("%w %s: no start", ErrInvalidEvent, ev.UID)
	case !ev.End.IsZero() && !ev.AllDay && ev.End.Before(ev.Start):
		return fmt.Errorf("%w %s: ends before it starts", ErrInvalidEvent, ev.UID)
	case !ev.End.IsZero() && ev.AllDay && dateOf(ev.End).Before(dateOf(ev.Start)):
		return fmt.Errorf("%w %s: ends before it starts", ErrInvalidEvent, ev.UID)
	case ev.Sequence < 0:
		return fmt.Errorf("%w %s: negative sequence", ErrInvalidEvent, ev.UID)
	}
	switch ev.Status {
	case "", StatusConfirmed, StatusCancelled, StatusTentative:
	default:
		return fmt.Errorf("%w %s: unknown status %q", ErrInvalidEvent, ev.UID, ev.Status)
	}
	return nil
}

// Write writes a calendar feed named calName with events to w. It returns
// the first Validate error without writing anything.
func Write(w io.Writer, calName string, events []Event) error {
	for _, ev := range events {
		if err := ev.Validate(); err != nil {
			return err
		}
	}
	loc, err := prague()
	if err != nil {
		return err
	}
	cal := newCalendar()
	name := cleanText(calName)
	cal.SetXWRCalName(name)
	cal.SetName(name)
	cal.SetXWRTimezone(TZID)
	addTimezone(cal)
	for _, ev := range events {
		addEvent(cal, ev, loc)
	}
	_, err = w.Write(serialize(cal))
	return err
}

// Invitation returns a one-event calendar for an e-mail attachment:
// METHOD:REQUEST, or METHOD:CANCEL when ev.Status is StatusCancelled
// (RFC 5546; increase ev.Sequence for every update). organizer and
// attendees are e-mail addresses, optionally "Name <address>"; ones that do
// not parse are left out. Call ev.Validate first: an unknown status is left
// out here.
func Invitation(ev Event, organizer string, attendees []string) []byte {
	switch ev.Status {
	case "", StatusConfirmed, StatusCancelled, StatusTentative:
	default:
		ev.Status = ""
	}
	// Only the embedded tzdata could fail to load; a nil loc writes UTC
	// instants, which are still correct.
	loc, _ := prague()
	cal := newCalendar()
	cal.SetMethod(ics.Method(invitationMethod(ev)))
	if loc != nil {
		addTimezone(cal)
	}
	e := addEvent(cal, ev, loc)
	if org := address(organizer); org != nil {
		e.SetOrganizer("mailto:"+org.Address, cnParams(org)...)
	}
	for _, a := range attendees {
		at := address(a)
		if at == nil {
			continue
		}
		params := append(cnParams(at),
			ics.CalendarUserTypeIndividual,
			ics.ParticipationRoleReqParticipant,
			ics.ParticipationStatusNeedsAction,
			ics.WithRSVP(ev.Status != StatusCancelled))
		e.AddAttendee("mailto:"+at.Address, params...)
	}
	return serialize(cal)
}

// InvitationContentType is the MIME type for the attachment made by
// Invitation; calendar clients look at its method parameter.
func InvitationContentType(ev Event) string {
	return "text/calendar; charset=utf-8; method=" + invitationMethod(ev)
}

func invitationMethod(ev Event) string {
	if ev.Status == StatusCancelled {
		return string(ics.MethodCancel)
	}
	return string(ics.MethodRequest)
}

var prague = sync.OnceValues(func() (*time.Location, error) {
	loc, err := time.LoadLocation(TZID)
	if err != nil {
		return nil, fmt.Errorf("ical: load %s: %w", TZID, err)
	}
	return loc, nil
})

func newCalendar() *ics.Calendar {
	cal := ics.NewCalendarFor("kpss")
	cal.SetProductId(ProdID)
	cal.SetCalscale("GREGORIAN")
	return cal
}

// addTimezone writes the EU rules (since 1996) so that clients without a
// zone database of their own still show the right local times.
func addTimezone(cal *ics.Calendar) {
	tz := cal.AddTimezone(TZID)
	std := tz.AddStandard()
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "CET")
	std.AddProperty(ics.ComponentPropertyDtStart, "19701025T030000")
	std.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0200")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0100")
	dst := &ics.Daylight{}
	dst.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "CEST")
	dst.AddProperty(ics.ComponentPropertyDtStart, "19700329T020000")
	dst.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	dst.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0100")
	dst.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0200")
	tz.Components = append(tz.Components, dst)
}

// addEvent adds ev to cal; a nil loc writes UTC times.
func addEvent(cal *ics.Calendar, ev Event, loc *time.Location) *ics.VEvent {
	e := cal.AddEvent(cleanValue(ev.UID))
	stamp := ev.Updated
	if stamp.IsZero() {
		stamp = time.Now()
	}
	e.SetDtStampTime(stamp)
	switch {
	case ev.AllDay:
		last := ev.End
		if last.IsZero() {
			last = ev.Start
		}
		// DTEND of a DATE event is exclusive.
		e.SetProperty(ics.ComponentPropertyDtStart, dateOf(ev.Start).Format("20060102"), ics.WithValue(string(ics.ValueDataTypeDate)))
		e.SetProperty(ics.ComponentPropertyDtEnd, dateOf(last).AddDate(0, 0, 1).Format("20060102"), ics.WithValue(string(ics.ValueDataTypeDate)))
	case loc == nil:
		e.SetStartAt(ev.Start)
		if !ev.End.IsZero() {
			e.SetEndAt(ev.End)
		}
	default:
		setTime(e, ics.ComponentPropertyDtStart, ev.Start, loc)
		if !ev.End.IsZero() {
			setTime(e, ics.ComponentPropertyDtEnd, ev.End, loc)
		}
	}
	e.SetSummary(cleanText(ev.Summary))
	if ev.Description != "" {
		e.SetDescription(cleanText(ev.Description))
	}
	if ev.Location != "" {
		e.SetLocation(cleanText(ev.Location))
	}
	if ev.URL != "" {
		e.SetURL(cleanValue(ev.URL))
	}
	// One CATEGORIES line per category: the library would escape the commas
	// of a joined list, turning it into a single category.
	for _, c := range ev.Categories {
		if c = cleanText(c); c != "" {
			e.AddCategory(c)
		}
	}
	if ev.Status != "" {
		e.SetStatus(ics.ObjectStatus(ev.Status))
	}
	e.SetSequence(ev.Sequence)
	if !ev.Updated.IsZero() {
		e.SetLastModifiedAt(ev.Updated)
	}
	return e
}

// setTime writes t as Prague local time with its TZID; a time in the hour
// that happens twice when the clocks go back (02:30 on the last Sunday of
// October is both CEST and CET) is written in UTC instead, which every
// client reads as the one instant it is.
func setTime(e *ics.VEvent, prop ics.ComponentProperty, t time.Time, loc *time.Location) {
	const layout = "20060102T150405"
	wall := t.In(loc).Format(layout)
	if t.Add(-time.Hour).In(loc).Format(layout) == wall || t.Add(time.Hour).In(loc).Format(layout) == wall {
		e.SetProperty(prop, t.UTC().Format(layout)+"Z")
		return
	}
	e.SetProperty(prop, wall, ics.WithTZID(TZID))
}

// dateOf keeps the calendar date as the caller wrote it, in t's own zone.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// serialize writes CRLF line endings (the library defaults to LF). The
// library's own folding is kept: v0.3.4 folds at 75 octets, prefers spaces
// and never cuts a UTF-8 sequence; the tests hold it to that.
func serialize(cal *ics.Calendar) []byte {
	return []byte(cal.Serialize(ics.WithNewLine("\r\n")))
}

// cleanText prepares a TEXT value: NFC (so "ě" is one character in every
// client), line breaks as LF for the library to escape as \n, and no other
// control characters, which RFC 5545 forbids.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	return norm.NFC.String(s)
}

// cleanValue prepares a value the library writes unescaped (UID, URI): a
// line break there would end the content line.
func cleanValue(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// address parses "Name <addr>" or "addr"; nil for anything else, which
// the caller skips rather than write a broken mailto: URI.
func address(s string) *mail.Address {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil
	}
	return a
}

// cnParams gives the CN parameter. The library escapes parameter values
// with backslashes, which RFC 5545 does not know, so characters that would
// need quoting are dropped from the name instead.
func cnParams(a *mail.Address) []ics.PropertyParameter {
	name := strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune("\",;:\\'", r), unicode.IsControl(r):
			return -1
		}
		return r
	}, a.Name)
	name = strings.TrimSpace(norm.NFC.String(name))
	if name == "" {
		return nil
	}
	return []ics.PropertyParameter{ics.WithCN(name)}
}

// UnconfiguredSite is the domain of UIDs when no site is configured (a
// reserved name that says so instead of a listen address).
const UnconfiguredSite = "kpss.invalid"

// SiteID is the domain that makes UIDs globally unique and stable (RFC 5545
// 3.8.4.7 recommends the right-hand side to be a domain of the site): the
// configured site id (KPSS_SITE_ID), else the host of the public address
// (KPSS_BASE_URL) – never a listen address (an IP address or localhost, which
// changes with the deployment and is shared by every local install): then
// UnconfiguredSite.
func SiteID(configured, baseURL string) string {
	if s := strings.ToLower(strings.TrimSpace(configured)); s != "" {
		return strings.Trim(s, ".")
	}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return UnconfiguredSite
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil {
		return UnconfiguredSite
	}
	return host
}

// UID is the UID of object id of a kind ("meeting", "event") at site:
// "meeting-42@kpss.otrokovice.cz".
func UID(kind string, id int64, site string) string {
	if site == "" {
		site = UnconfiguredSite
	}
	return fmt.Sprintf("%s-%d@%s", kind, id, site)
}
