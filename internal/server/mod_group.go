package server

import (
	"context"
	"kpss/internal/config"
	"kpss/internal/ical"
	"os"
	"time"

	"kpss/internal/auth"
	"kpss/internal/group"
	"kpss/internal/store"
	"kpss/internal/suggestion"
)

// The working groups and the steering group: members, meeting plans,
// agendas, attendance, invitations, resolutions, tasks and minutes.
func init() {
	Register(&Module{
		Name:  "group",
		Order: 30,
		Init: func(env *Env) (any, error) {
			svc := group.NewService(env.DB, env.Audit, env.Now, env.Partners)
			svc.Mail, svc.Log, svc.BaseURL, svc.Outbox = env.Mail, env.Log, env.BaseURL, env.Outbox
			// Calendar identity: UIDs on the site's domain (KPSS_SITE_ID, else
			// the host of KPSS_BASE_URL), invitations organised by the real sender.
			svc.SiteID, svc.MailFrom = ical.SiteID(os.Getenv("KPSS_SITE_ID"), env.BaseURL), config.FromEnv().SMTPFrom
			// The project window the plan's indicators count meetings in
			// (KPSS_PROJECT_FROM / KPSS_PROJECT_TO, YYYY-MM-DD; open when unset).
			svc.ProjectFrom, _ = store.ParseDate(os.Getenv("KPSS_PROJECT_FROM"))
			svc.ProjectTo, _ = store.ParseDate(os.Getenv("KPSS_PROJECT_TO"))
			h, err := group.NewHandler(svc, env.R, env.API, env.PartnerH)
			if err != nil {
				return nil, err
			}
			// Suggestions (below): agenda items show and pick them; the
			// suggestion's page shows its way through meetings and resolutions.
			if sh, ok := env.Modules["suggestion"].(*suggestion.Handler); ok {
				link := &group.Suggestions{S: sh.Svc, G: svc, Catalog: env.R.Catalog}
				svc.Suggestions = link
				sh.Svc.SetTracer(link)
			}
			env.AddJob(Job{Name: "group-overdue-tasks", Every: 6 * time.Hour, Run: func(ctx context.Context) error { return svc.SyncAllOverdue(ctx) }})
			// Names of registered non-members and guests are kept for a year after the meeting.
			env.AddJob(Job{Name: "group-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
				_, err := svc.AnonymiseOld(ctx, env.Now().AddDate(-1, 0, 0))
				return err
			}})
			return &group.Module{Svc: svc, H: h, P: group.NewPolicies(svc)}, nil
		},
		Routes:  groupRoutes,
		Nav:     []NavEntry{{"/skupiny", "nav.group", 30}, {"/ukoly", "nav.group_tasks", 31}},
		OpenAPI: group.OpenAPI,
	})
}

func groupRoutes(v any) []Route {
	m := v.(*group.Module)
	h, p := m.H, m.P
	public, signedIn, staff := &auth.Public, &auth.SignedIn, &auth.Staff
	return []Route{
		{"GET /skupiny", signedIn, h.ShowGroupList, false},
		{"GET /skupiny/nova", staff, h.ShowGroupForm, false},
		{"POST /skupiny/nova", staff, h.SaveGroup, false},
		{"GET /skupiny/{id}", &p.GroupView, h.ShowGroup, false},
		{"GET /skupiny/{id}/upravit", staff, h.ShowGroupForm, false},
		{"POST /skupiny/{id}/upravit", staff, h.SaveGroup, false},
		{"POST /skupiny/{id}/{action}", staff, h.ArchiveGroup, false},
		{"GET /skupiny/{id}/clenove/novy", staff, h.ShowMemberForm, false},
		{"POST /skupiny/{id}/clenove/novy", staff, h.SaveMember, false},
		{"GET /clenstvi/{id}", staff, h.ShowMemberForm, false},
		{"POST /clenstvi/{id}", staff, h.SaveMember, false},
		{"POST /clenstvi/{id}/ukoncit", staff, h.EndMember, false},
		{"GET /skupiny/{id}/plan", &p.GroupManage, h.ShowPlanForm, false},
		{"POST /skupiny/{id}/plan", &p.GroupManage, h.GeneratePlan, false},
		{"GET /skupiny/{id}/jednani/nove", &p.GroupManage, h.ShowMeetingForm, false},
		{"POST /skupiny/{id}/jednani/nove", &p.GroupManage, h.SaveMeeting, false},
		{"GET /skupiny/{id}/usneseni", &p.GroupView, h.ShowGroupResolutions, false},
		{"GET /skupiny/{id}/ukoly", &p.GroupView, h.ShowGroupTasks, false},
		{"GET /skupiny/{id}/zapisy", &p.GroupPublic, h.ShowArchive, false},
		{"GET /zapisy", public, h.ShowPublicGroups, false},
		{"GET /skupiny/{id}/kalendar.ics", &p.GroupPublic, h.GroupFeed, false},

		{"GET /skupiny/statistiky", staff, h.ShowStats, false},
		{"GET /skupiny/statistiky.csv", staff, h.StatsCSV, false},
		{"GET /skupiny/statistiky.xlsx", staff, h.StatsXLSX, false},

		{"GET /mista", signedIn, h.ShowPlaceList, false},
		{"GET /mista/nove", staff, h.ShowPlaceForm, false},
		{"POST /mista/nove", staff, h.SavePlace, false},
		{"GET /mista/{id}/upravit", staff, h.ShowPlaceForm, false},
		{"POST /mista/{id}/upravit", staff, h.SavePlace, false},

		{"GET /jednani", signedIn, h.ShowMeetingList, false},
		{"GET /jednani/kalendar.ics", public, h.AllFeed, false},
		{"GET /jednani/{id}", &p.MeetingView, h.ShowMeeting, false},
		{"GET /jednani/{id}/upravit", &p.MeetingManage, h.ShowMeetingForm, false},
		{"POST /jednani/{id}/upravit", &p.MeetingManage, h.SaveMeeting, false},
		{"POST /jednani/{id}/stav", &p.MeetingManage, h.SetMeetingState, false},
		{"POST /jednani/{id}/program", &p.MeetingManage, h.AddItem, false},
		{"POST /program/{id}/{action}", &p.ItemManage, h.ChangeItem, false},
		{"POST /jednani/{id}/pozvanky", &p.MeetingManage, h.SendInvitations, false},
		{"POST /jednani/{id}/posta", &p.MeetingManage, h.RetryMail, false},
		{"POST /jednani/{id}/odpoved", &p.MeetingView, h.AnswerAsMember, false},
		{"GET /jednani/{id}/dochazka", &p.MeetingManage, h.ShowAttendanceForm, false},
		{"POST /jednani/{id}/dochazka", &p.MeetingManage, h.SaveAttendance, false},
		{"GET /jednani/{id}/usneseni/nove", &p.MeetingManage, h.ShowResolutionForm, false},
		{"POST /jednani/{id}/usneseni/nove", &p.MeetingManage, h.SaveResolution, false},
		{"GET /jednani/{id}/zapis", &p.MeetingPublic, h.ShowMinutes, false},
		{"POST /jednani/{id}/zapis", &p.MeetingManage, h.SaveMinutes, false},
		{"POST /jednani/{id}/zapis/pripominka", &p.MeetingView, h.AddComment, false},
		{"POST /jednani/{id}/zapis/{action}", &p.MeetingManage, h.MinutesAction, false},
		{"GET /jednani/{id}/zapis.pdf", &p.MeetingPublic, h.MinutesPDF, false},
		{"GET /jednani/{id}/prihlaska", public, h.ShowRegistrationForm, false},
		{"POST /jednani/{id}/prihlaska", public, h.SaveRegistration, false},
		{"POST /prihlasky/{id}/zrusit", &p.RegistrationMg, h.CancelRegistrationByStaff, false},
		{"GET /prihlaska/{token}", public, h.ShowRegistration, false},
		{"POST /prihlaska/{token}", public, h.CancelRegistration, false},
		{"GET /odpoved/{token}", public, h.ShowAnswer, false},
		{"POST /odpoved/{token}", public, h.SaveAnswer, false},

		{"GET /usneseni/{id}", &p.ResolutionView, h.ShowResolution, false},
		{"GET /usneseni/{id}/upravit", &p.ResolutionManage, h.ShowResolutionEdit, false},
		{"POST /usneseni/{id}/upravit", &p.ResolutionManage, h.SaveResolutionEdit, false},
		{"POST /usneseni/{id}/ukoly", &p.ResolutionManage, h.AddTask, false},
		{"GET /ukoly", signedIn, h.ShowMyTasks, false},
		{"GET /ukoly/{id}", &p.TaskView, h.ShowTask, false},
		{"POST /ukoly/{id}", &p.TaskEdit, h.SaveTaskState, false},

		// OParl-style read-only view of the public groups (docs/group.md).
		{"GET /oparl/v1", public, h.OParl, true},
		{"GET /oparl/v1/{kind}", public, h.OParl, true},
		{"GET /oparl/v1/{kind}/{id}", public, h.OParl, true},
		{"GET /oparl/v1/{kind}/{id}/{list}", public, h.OParl, true},

		{"GET /api/v1/groups", signedIn, h.APIListGroups, true},
		{"GET /api/v1/groups/{id}", &p.GroupView, h.APIGetGroup, true},
		{"GET /api/v1/meetings", signedIn, h.APIListMeetings, true},
		{"GET /api/v1/meetings/{id}", &p.MeetingView, h.APIGetMeeting, true},
		{"GET /api/v1/resolutions", signedIn, h.APIListResolutions, true},
		{"GET /api/v1/tasks", signedIn, h.APIListTasks, true},
	}
}
