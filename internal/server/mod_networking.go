package server

import (
	"context"
	"time"

	"kpss/internal/account"
	"kpss/internal/auth"
	"kpss/internal/feedback"
	"kpss/internal/networking"
)

// The yearly speed networking ("rotující seznamka", /seznamka): the event,
// participants from the partner registry or the public form, wishes by
// person, organisation or service type (also through a personal link),
// the schedule of rounds, timetables as a page, PDF, .ics and e-mail, table
// cards, the moderator's room view, re-planning after no-shows and
// walk-ins, contact sheets and the feedback form from the survey module.
func init() {
	Register(&Module{
		Name:  "networking",
		Order: 72,
		Init: func(env *Env) (any, error) {
			svc := networking.NewService(env.DB, env.Audit, env.Now, env.Partners)
			svc.Outbox, svc.BaseURL = env.Outbox, env.BaseURL
			// Feedback forms come from the survey module when it is there.
			if p, ok := env.Modules["survey"].(feedback.Provider); ok {
				svc.Feedback = p
			}
			env.AddJob(Job{Name: "networking-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
				r, err := svc.AnonymiseParticipants(ctx, networking.RetentionMonths, false)
				if r.Count > 0 {
					env.Log.Info("networking: participants anonymised", "count", r.Count)
				}
				return err
			}})
			h, err := networking.NewHandler(svc, env.R)
			if err != nil {
				return nil, err
			}
			h.Limits, h.ClientIP = env.Limits, account.ClientIP
			return h, nil
		},
		Routes: func(mod any) []Route {
			h := mod.(*networking.Handler)
			public, staff, signedIn := &auth.Public, &auth.Staff, &auth.SignedIn
			return []Route{
				{"GET /seznamka", staff, h.ShowEvents, false},
				{"GET /seznamka/nova", staff, h.ShowEventForm, false},
				{"POST /seznamka/nova", staff, h.SaveEvent, false},
				{"GET /seznamka/moje", signedIn, h.ShowMine, false},
				{"GET /seznamka/{id}", staff, h.ShowEvent, false},
				{"GET /seznamka/{id}/upravit", staff, h.ShowEventForm, false},
				{"POST /seznamka/{id}/upravit", staff, h.SaveEvent, false},
				{"POST /seznamka/{id}/naplanovat", staff, h.PlanEvent, false},
				{"POST /seznamka/{id}/poslat-odkazy", staff, h.SendWishLinks, false},
				{"POST /seznamka/{id}/poslat-rozvrhy", staff, h.SendTimetables, false},
				{"POST /seznamka/{id}/poslat-kontakty", staff, h.SendContacts, false},
				{"POST /seznamka/{id}/zpetna-vazba", staff, h.PrepareFeedback, false},
				{"GET /seznamka/{id}/rozvrh", staff, h.ShowSchedule, false},
				{"GET /seznamka/{id}/rozvrh.pdf", staff, h.ShowSchedulePDF, false},
				{"GET /seznamka/{id}/stoly", staff, h.ShowTableCards, false},
				{"GET /seznamka/{id}/mistnost", staff, h.ShowRoom, false},
				{"GET /seznamka/{id}/ucastnici/novy", staff, h.ShowParticipantForm, false},
				{"POST /seznamka/{id}/ucastnici/novy", staff, h.SaveParticipant, false},
				{"GET /seznamka/{id}/ucastnici/{pid}/upravit", staff, h.ShowParticipantForm, false},
				{"POST /seznamka/{id}/ucastnici/{pid}/upravit", staff, h.SaveParticipant, false},
				{"POST /seznamka/{id}/ucastnici/{pid}/stav", staff, h.SetParticipantStatus, false},
				{"POST /seznamka/{id}/ucastnici/{pid}/odebrat", staff, h.RemoveParticipant, false},
				{"GET /seznamka/{id}/ucastnici/{pid}/prani", staff, h.ShowWishes, false},
				{"POST /seznamka/{id}/ucastnici/{pid}/prani", staff, h.SaveWishes, false},
				{"GET /seznamka/{id}/ucastnici/{pid}/rozvrh", staff, h.ShowTimetable, false},
				{"GET /seznamka/{id}/ucastnici/{pid}/rozvrh.pdf", staff, h.ShowTimetablePDF, false},
				{"GET /seznamka/{id}/ucastnici/{pid}/rozvrh.ics", staff, h.ShowTimetableICS, false},
				{"GET /seznamka/{id}/ucastnici/{pid}/kontakty", staff, h.ShowContacts, false},
				// Public: the registration form of an event whose registration
				// is open, and the personal link (its token is the credential).
				{"GET /seznamka/{id}/registrace", public, h.ShowRegister, false},
				{"POST /seznamka/{id}/registrace", public, h.Register, false},
				{"GET /seznamka-osobni/{token}", public, h.ShowPersonal, false},
				{"GET /seznamka-osobni/{token}/prani", public, h.ShowPersonalWishes, false},
				{"POST /seznamka-osobni/{token}/prani", public, h.SavePersonalWishes, false},
				{"GET /seznamka-osobni/{token}/rozvrh.pdf", public, h.ShowPersonalPDF, false},
				{"GET /seznamka-osobni/{token}/rozvrh.ics", public, h.ShowPersonalICS, false},

				{"GET /api/v1/networking/events", staff, h.APIListEvents, true},
				{"GET /api/v1/networking/events/{id}/schedule", staff, h.APIGetSchedule, true},
			}
		},
		Nav:     []NavEntry{{Path: "/seznamka", Label: "networking.nav", Order: 72}, {Path: "/seznamka/moje", Label: "networking.mine.nav", Order: 73}},
		OpenAPI: networking.OpenAPI,
	})
}
