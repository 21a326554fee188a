// Package calendar is the calendar of (not only) social services: events of
// providers, municipalities and the KPSS with their category, place,
// accessibility of the place and target groups. Providers submit events of
// their organisation, the coordinator approves them; the public sees the
// approved ones in a month grid, a list, an archive and iCalendar feeds.
// Meetings and workshops of other modules join through EventSource.
package calendar

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kpss/internal/apperr"
)

// Categories of events, in the order the UI offers them; the codes are also
// the names of the per-category feeds (/kalendar/<code>.ics).
var Categories = []string{"setkani", "vzdelavani", "verejnost", "otevrene-dvere", "podpora", "volny-cas"}

// Accessibility of the place.
var Accessibilities = []string{"full", "partial", "none", "unknown"}

// States of an event.
const (
	StatePending  = "pending"
	StateApproved = "approved"
	StateRejected = "rejected"
)

// Event is one event of the calendar. Start and End are instants; for an
// all-day event they are midnights (Europe/Prague) of the first and the last
// day. End equal to Start means no end time was given.
type Event struct {
	ID                int64     `json:"id"`
	Title             string    `json:"title"`
	Category          string    `json:"category"`
	OrganisationID    *int64    `json:"organisation_id"`
	Organiser         string    `json:"organiser"`
	Place             string    `json:"place"`
	Accessibility     string    `json:"accessibility"`
	AccessibilityNote string    `json:"accessibility_note"`
	Description       string    `json:"description"`
	Web               string    `json:"web"`
	Start             time.Time `json:"start"`
	End               time.Time `json:"end"`
	AllDay            bool      `json:"all_day"`
	State             string    `json:"state"`
	RejectReason      string    `json:"reject_reason,omitempty"`
	SubmittedBy       *int64    `json:"-"`
	TargetGroupIDs    []int64   `json:"target_group_ids"`
	TargetGroups      []string  `json:"target_groups"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Prague is the time zone of the region; every date in the calendar is a date there.
var Prague = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// Day returns midnight of t's date in Prague.
func Day(t time.Time) time.Time {
	t = t.In(Prague)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Prague)
}

// Validate checks an event before it is stored.
func (e *Event) Validate() error {
	for _, s := range []*string{&e.Title, &e.Category, &e.Place, &e.Accessibility, &e.AccessibilityNote, &e.Web} {
		*s = strings.TrimSpace(*s)
	}
	f := apperr.Fields{}
	if e.Title == "" {
		f.Add("title", "err.required")
	}
	checkLen(f, "title", e.Title, 200)
	if !slices.Contains(Categories, e.Category) {
		f.Add("category", "err.choose")
	}
	if e.Place == "" {
		f.Add("place", "err.required")
	}
	checkLen(f, "place", e.Place, 300)
	if e.Accessibility == "" {
		e.Accessibility = "unknown"
	}
	if !slices.Contains(Accessibilities, e.Accessibility) {
		f.Add("accessibility", "err.choose")
	}
	checkLen(f, "accessibility_note", e.AccessibilityNote, 500)
	checkLen(f, "description", e.Description, 5000)
	if e.Web != "" {
		if !strings.Contains(e.Web, "://") {
			e.Web = "https://" + e.Web
		}
		u, err := url.Parse(e.Web)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Host, ".") {
			f.Add("web", "err.url")
		}
	}
	if e.Start.IsZero() {
		f.Add("start_date", "err.required")
	}
	if e.End.IsZero() {
		e.End = e.Start
	}
	if !e.Start.IsZero() && e.End.Before(e.Start) {
		if e.AllDay {
			f.Add("end_date", "calendar.err.end_before_start")
		} else {
			f.Add("end_time", "calendar.err.end_before_start")
		}
	}
	if !e.Start.IsZero() && e.End.Sub(e.Start) > 62*24*time.Hour {
		f.Add("end_date", "calendar.err.too_long")
	}
	return f.Err()
}

func checkLen(f apperr.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "err.too_long", "Max", max)
	}
}

// ExternalEvent is a public event of another module (a meeting of a working
// group, a workshop) shown in the calendar. It is an alias of a plain struct,
// so that a module can fulfil EventSource without importing this package.
type ExternalEvent = struct {
	UID         string
	Title       string
	Category    string // one of Categories
	Place       string
	Description string
	URL         string
	Start, End  time.Time
	AllDay      bool
}

// EventSource gives the public events of another module that overlap
// [from, to). The groups and workshop modules fulfil it; the calendar finds
// every module value that implements it at start-up.
type EventSource interface {
	PublicEvents(ctx context.Context, from, to time.Time) ([]ExternalEvent, error)
}

// Item is one entry of the public views: an own event or an external one.
type Item struct {
	ID            int64 // 0 for an external event
	UID           string
	Title         string
	Category      string
	Organiser     string
	Place         string
	Accessibility string
	URL           string
	Description   string
	Start, End    time.Time
	AllDay        bool
	TargetGroups  []string
	Updated       time.Time
}

// Item returns the public view of e.
func (e Event) Item() Item {
	return Item{ID: e.ID, Title: e.Title, Category: e.Category, Organiser: e.Organiser, Place: e.Place, Accessibility: e.Accessibility,
		URL: "/kalendar/akce/" + itoa(e.ID), Description: e.Description, Start: e.Start, End: e.End, AllDay: e.AllDay,
		TargetGroups: e.TargetGroups, Updated: e.UpdatedAt}
}

// Timed reports whether the item has an end time different from its start.
func (it Item) HasEnd() bool { return it.End.After(it.Start) }

// MultiDay reports whether the item spans more than one date.
func (it Item) MultiDay() bool { return !Day(it.Start).Equal(Day(it.End)) }
