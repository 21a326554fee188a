package group

import (
	"context"
	"strings"
	"time"

	"kpss/internal/ical"
	"kpss/internal/web"
)

// Module is what the module's Init returns; the modules above reach the
// service through it (Env.Modules["group"]) and plug their seams in:
//
//	g := env.Modules["group"].(*group.Module)
//	g.Svc.Suggestions = mySuggestionRefs
type Module struct {
	Svc *Service
	H   *Handler
	P   *Policies
}

// OpenAPI returns the module's fragment of the API description.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return b
}

// calendarEvent is calendar.ExternalEvent (an alias of this plain struct),
// written out so this package does not import the calendar above it.
type calendarEvent = struct {
	UID         string
	Title       string
	Category    string
	Place       string
	Description string
	URL         string
	Start, End  time.Time
	AllDay      bool
}

// PublicEvents gives the calendar (/kalendar) the meetings that overlap
// [from, to) of groups with the public switch and meetings that take
// registrations of non-members. Cancelled meetings are left out. The
// description tells the place's accessibility; the link leads to the
// registration form while registrations are open, else to the approved
// minutes or the group's public archive.
func (m *Module) PublicEvents(ctx context.Context, from, to time.Time) ([]calendarEvent, error) {
	s := m.Svc
	rows, err := s.DB.Query(ctx, `SELECT `+meetingCols+`, g.public_minutes, COALESCE(n.state, '') FROM `+meetingFrom+` LEFT JOIN minutes n ON n.meeting_id = t.id
		WHERE g.archived = ? AND t.state <> 'cancelled' AND (g.public_minutes = ? OR t.capacity > 0) AND t.starts_at < ? AND t.ends_at > ?
		ORDER BY t.starts_at, t.id`, false, true, to.UTC(), from.UTC())
	if err != nil {
		return nil, err
	}
	type row struct {
		m       Meeting
		public  bool
		minutes string
	}
	var found []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.m.ID, &x.m.GroupID, &x.m.StartsAt, &x.m.EndsAt, &x.m.PlaceID, &x.m.State, &x.m.Note, &x.m.Capacity, &x.m.Sequence, &x.m.InvitedAt,
			&x.m.CreatedAt, &x.m.UpdatedAt, &x.m.GroupCode, &x.m.GroupName, &x.m.PlaceName, &x.public, &x.minutes); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(found) == 0 {
		return nil, err
	}
	places, err := s.placeMap(ctx)
	if err != nil {
		return nil, err
	}
	l := m.H.R.Catalog.For(web.LangFrom(ctx))
	out := make([]calendarEvent, 0, len(found))
	for _, x := range found {
		mt := x.m
		ev := calendarEvent{UID: ical.UID("meeting", mt.ID, s.SiteID), Title: l.T("group.calendar.title", "Group", mt.GroupName),
			Category: "setkani", Start: mt.StartsAt, End: mt.EndsAt}
		var desc []string
		if mt.Note != "" {
			desc = append(desc, mt.Note)
		}
		if p, ok := places[idOr0(mt.PlaceID)]; ok {
			ev.Place = p.Name
			if p.Address != "" {
				ev.Place += ", " + p.Address
			}
			desc = append(desc, accessibilityText(&p, l)+".")
		}
		switch {
		case mt.Capacity > 0 && mt.Open():
			ev.URL = "/jednani/" + itoa(mt.ID) + "/prihlaska"
			desc = append(desc, l.T("group.calendar.registration", "Capacity", mt.Capacity))
		case x.public && x.minutes == MinutesApproved:
			ev.URL = "/jednani/" + itoa(mt.ID) + "/zapis"
		case x.public:
			ev.URL = "/skupiny/" + itoa(mt.GroupID) + "/zapisy"
		}
		if x.public && mt.Capacity == 0 && mt.Open() {
			desc = append(desc, l.T("group.calendar.public"))
		}
		ev.Description = strings.Join(desc, "\n")
		out = append(out, ev)
	}
	return out, nil
}

func idOr0(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
