package server

import (
	"os"
	"sort"

	"kpss/internal/auth"
	"kpss/internal/calendar"
	"kpss/internal/ical"
)

// The calendar of events (/kalendar): public month and list views, archive
// and iCalendar feeds; providers submit their organisation's events, the
// coordinator approves them. Public meetings and workshops of other modules
// join through calendar.EventSource.
func init() {
	Register(&Module{
		Name:  "calendar",
		Order: 61,
		Init: func(env *Env) (any, error) {
			svc := calendar.NewService(env.DB, env.Audit, env.Now, env.Partners)
			svc.SiteID = ical.SiteID(os.Getenv("KPSS_SITE_ID"), env.BaseURL)
			// Modules set up before this one that can tell their public
			// events (groups, workshops) join the calendar.
			names := make([]string, 0, len(env.Modules))
			for name := range env.Modules {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				if src, ok := env.Modules[name].(calendar.EventSource); ok {
					svc.AddSource(src)
				}
			}
			return calendar.NewHandler(svc, env.R, env.BaseURL)
		},
		Routes: func(mod any) []Route {
			h := mod.(*calendar.Handler)
			public, staff := &auth.Public, &auth.Staff
			submitters := &calendarSubmitters
			return []Route{
				{"GET /kalendar", public, h.ShowMonth, false},
				{"GET /kalendar/seznam", public, h.ShowList, false},
				{"GET /kalendar/archiv", public, h.ShowArchive, false},
				{"GET /kalendar.ics", public, h.ShowFeed, false},
				{"GET /kalendar/{feed}", public, h.ShowFeed, false},
				{"GET /kalendar/akce/{id}", public, h.ShowEvent, false},
				{"GET /kalendar/nova", submitters, h.ShowEventForm, false},
				{"POST /kalendar/nova", submitters, h.SaveEvent, false},
				{"GET /kalendar/sprava", submitters, h.ShowManage, false},
				{"GET /kalendar/akce/{id}/upravit", submitters, h.ShowEventForm, false},
				{"POST /kalendar/akce/{id}/upravit", submitters, h.SaveEvent, false},
				{"POST /kalendar/akce/{id}/schvalit", staff, h.ApproveEvent, false},
				{"POST /kalendar/akce/{id}/zamitnout", staff, h.RejectEvent, false},

				{"GET /api/v1/events", public, h.APIListEvents, true},
				{"GET /api/v1/events/{id}", public, h.APIGetEvent, true},
			}
		},
		Nav:     []NavEntry{{Path: "/kalendar", Label: "calendar.nav", Order: 61}},
		OpenAPI: calendar.OpenAPI,
	})
}

// calendarSubmitters may submit and edit events: staff, and provider
// representatives for their own organisation (the service checks which
// event belongs to whom).
var calendarSubmitters = auth.AnyOf("calendar-submitters", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleProvider)
