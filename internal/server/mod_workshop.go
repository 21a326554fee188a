package server

import (
	"context"
	"kpss/internal/ical"
	"os"
	"time"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/calendar"
	"kpss/internal/feedback"
	"kpss/internal/group"
	"kpss/internal/plan"
	"kpss/internal/workshop"
)

// workshopModule is what the workshop module's Init returns; it is also the
// calendar's event source (PublicEvents).
type workshopModule struct {
	*workshop.Service
	h *workshop.Handler
}

// Workshops (key activity 3): training for providers' and commissioners'
// staff with users and carers invited – blocks, quotas, registrations with
// a waiting list, attendance per block, feedback, certificates.
func init() {
	Register(&Module{
		Name:  "workshop",
		Order: 70,
		Init: func(env *Env) (any, error) {
			svc := workshop.NewService(env.DB, env.Audit, env.Now)
			svc.Log, svc.BaseURL = env.Log, env.BaseURL
			svc.SiteID = ical.SiteID(os.Getenv("KPSS_SITE_ID"), env.BaseURL)
			// The groups' places, with their accessibility.
			if g, ok := env.Modules["group"].(*group.Module); ok {
				svc.Places, svc.Groups = g.Svc, g.Svc
			}
			// Feedback forms from the surveys module, when it is there.
			if p, ok := env.Modules["survey"].(feedback.Provider); ok {
				svc.Feedback = p
			}
			// Public registrations limited per address across replicas.
			if env.Limits != nil {
				svc.Allow = env.Limits.Allow
			}
			h, err := workshop.NewHandler(svc, env.R, env.API)
			if err != nil {
				return nil, err
			}
			// E-mails (confirmations, offers, reminders, certificates,
			// invitations) through the platform's outbox, in Czech.
			svc.Partners = env.Partners
			if env.Outbox != nil {
				m := &workshop.Mailer{Outbox: env.Outbox, L: env.R.Catalog.For("cs"), Svc: svc}
				svc.Notify, svc.Inviter = m, m
				svc.Status = func(ctx context.Context, ref string) (workshop.MailStatus, error) {
					st, err := env.Outbox.Status(ctx, ref)
					return workshop.MailStatus{Total: st.Total, Sent: st.Sent, Pending: st.Pending, Failed: st.Failed, LastError: st.LastError}, err
				}
			}
			mod := &workshopModule{Service: svc, h: h}
			// The plan's project indicators: held workshops and their
			// participants; other codes go to whoever answered before.
			if pm, ok := env.Modules["plan"].(*planModule); ok {
				pm.h.Svc.Actuals = projectActuals{first: svc, rest: pm.h.Svc.Actuals}
			}
			// The public calendar (set up before this module) shows the blocks.
			if c, ok := env.Modules["calendar"].(*calendar.Handler); ok {
				c.Svc.AddSource(mod)
			}
			env.AddJob(Job{Name: "workshop-offers", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
				_, err := svc.ExpireOffers(audit.WithActor(ctx, audit.Actor{Name: "workshop-offers"}))
				return err
			}})
			env.AddJob(Job{Name: "workshop-reminders", Every: time.Hour, Run: func(ctx context.Context) error {
				_, err := svc.SendReminders(ctx)
				return err
			}})
			// Needs erased a month after the workshop, the rest after two years.
			env.AddJob(Job{Name: "workshop-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
				_, err := svc.AnonymiseOld(ctx, false)
				return err
			}})
			return mod, nil
		},
		Routes: func(v any) []Route {
			h := v.(*workshopModule).h
			public, staff := &auth.Public, &auth.Staff
			return []Route{
				{"GET /workshopy", public, h.ShowList, false},
				{"GET /workshopy/novy", staff, h.ShowForm, false},
				{"POST /workshopy/novy", staff, h.SaveForm, false},
				{"GET /workshopy/kalendar.ics", public, h.Feed, false},
				{"GET /workshopy/hodiny", staff, h.ShowLedger, false},
				{"GET /workshopy/hodiny.xlsx", staff, h.LedgerXLSX, false},
				{"GET /workshopy/osvedceni", staff, h.ShowRegister, false},
				{"GET /workshopy/osvedceni.xlsx", staff, h.RegisterXLSX, false},
				{"GET /workshopy/{id}", public, h.ShowWorkshop, false},
				{"GET /workshopy/{id}/upravit", staff, h.ShowForm, false},
				{"POST /workshopy/{id}/upravit", staff, h.SaveForm, false},
				{"POST /workshopy/{id}/bloky", staff, h.AddBlock, false},
				{"POST /workshopy/bloky/{id}/smazat", staff, h.RemoveBlock, false},
				{"POST /workshopy/{id}/stav", staff, h.SetState, false},
				{"POST /workshopy/{id}/pozvanky", staff, h.SendInvitations, false},
				{"GET /workshopy/{id}/dochazka", staff, h.ShowAttendance, false},
				{"POST /workshopy/{id}/dochazka", staff, h.SaveAttendance, false},
				{"POST /workshopy/{id}/ucastnik", staff, h.AddWalkIn, false},
				{"GET /workshopy/{id}/prezencni-listina.pdf", staff, h.SignInSheet, false},
				{"GET /workshopy/{id}/kod", staff, h.ShowCode, false},
				{"GET /workshopy/{id}/osvedceni/{cert}", staff, h.CertificatePDF, false},
				{"GET /workshopy/{id}/prihlaska", public, h.ShowRegistrationForm, false},
				{"POST /workshopy/{id}/prihlaska", public, h.SaveRegistration, false},
				{"POST /workshopy/prihlasky/{id}/{action}", staff, h.StaffRegistrationAction, false},
				{"GET /ucast/{token}", public, h.ShowRegistration, false},
				{"POST /ucast/{token}", public, h.RegistrationAction, false},
				{"GET /ucast/{token}/osvedceni.pdf", public, h.OwnCertificatePDF, false},
				{"GET /osvedceni", public, h.ShowVerify, false},
				{"GET /osvedceni/{code}", public, h.ShowVerify, false},

				{"GET /api/v1/workshops", public, h.APIListWorkshops, true},
				{"GET /api/v1/workshops/{id}", public, h.APIGetWorkshop, true},
			}
		},
		Nav:     []NavEntry{{"/workshopy", "workshop.nav", 70}},
		OpenAPI: workshop.OpenAPI,
	})
}

// projectActuals asks the workshops first, then the module that answered
// the plan's project indicators before (the groups: meetings).
type projectActuals struct {
	first, rest plan.ProjectActuals
}

func (p projectActuals) ProjectActual(ctx context.Context, code string) (int, bool, error) {
	if n, ok, err := p.first.ProjectActual(ctx, code); ok || err != nil {
		return n, ok, err
	}
	if p.rest == nil {
		return 0, false, nil
	}
	return p.rest.ProjectActual(ctx, code)
}
