package server

import (
	"context"
	"time"

	"kpss/internal/account"
	"kpss/internal/auth"
	"kpss/internal/feedback"
	"kpss/internal/survey"
)

// Surveys (/dotazniky): the builder, the public answering at /dotaznik/{key},
// results with charts and tables. The module's value is also the
// feedback.Provider of the modules above it (workshops, speed networking):
// they get it with env.Modules["survey"].(feedback.Provider).
func init() {
	Register(&Module{
		Name:  "survey",
		Order: 45,
		Init: func(env *Env) (any, error) {
			svc := survey.NewService(env.DB, env.Audit, env.Now)
			svc.Outbox, svc.BaseURL = env.Outbox, env.BaseURL
			// Invitations' addresses are erased a year after their survey closed.
			env.AddJob(Job{Name: "survey-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
				n, err := svc.AnonymiseInvitations(ctx, survey.InvitationRetention, false)
				if n > 0 {
					env.Log.Info("survey: invitations anonymised", "count", n)
				}
				return err
			}})
			h, err := survey.NewHandler(svc, env.R, env.API, account.ClientIP)
			if err != nil {
				return nil, err
			}
			if env.Limits != nil {
				h.Limits = env.Limits
			}
			return h, nil
		},
		Routes: func(mod any) []Route {
			h := mod.(*survey.Handler)
			public, staff := &auth.Public, &auth.Staff
			return []Route{
				{"GET /dotazniky", staff, h.ShowSurveyList, false},
				{"GET /dotazniky/novy", staff, h.ShowSurveyForm, false},
				{"POST /dotazniky/novy", staff, h.SaveSurvey, false},
				{"GET /dotazniky/{id}", staff, h.ShowSurvey, false},
				{"GET /dotazniky/{id}/upravit", staff, h.ShowSurveyForm, false},
				{"POST /dotazniky/{id}/upravit", staff, h.SaveSurvey, false},
				{"POST /dotazniky/{id}/stav", staff, h.SaveState, false},
				{"POST /dotazniky/{id}/kopie", staff, h.SaveCopy, false},
				{"GET /dotazniky/{id}/otazky/nova", staff, h.ShowQuestionForm, false},
				{"POST /dotazniky/{id}/otazky/nova", staff, h.SaveQuestionForm, false},
				{"GET /dotazniky/{id}/otazky/{qid}", staff, h.ShowQuestionForm, false},
				{"POST /dotazniky/{id}/otazky/{qid}", staff, h.SaveQuestionForm, false},
				{"POST /dotazniky/{id}/otazky/{qid}/posun", staff, h.SaveQuestionMove, false},
				{"POST /dotazniky/{id}/otazky/{qid}/smazat", staff, h.SaveQuestionDelete, false},
				{"GET /dotazniky/{id}/vysledky", staff, h.ShowResults, false},
				{"GET /dotazniky/{id}/vysledky.csv", staff, h.ExportCSV, false},
				{"GET /dotazniky/{id}/vysledky.xlsx", staff, h.ExportXLSX, false},
				{"GET /dotazniky/{id}/pozvanky", staff, h.ShowInvitations, false},
				{"POST /dotazniky/{id}/pozvanky", staff, h.SaveInvitations, false},
				{"POST /dotazniky/{id}/pozvanky/pripominka", staff, h.SaveReminders, false},
				{"GET /dotazniky/{id}/papirovy", staff, h.ShowPaperForm, false},
				{"POST /dotazniky/{id}/papirovy", staff, h.SavePaperForm, false},

				{"GET /dotaznik/{key}", public, h.ShowRespond, false},
				{"POST /dotaznik/{key}", public, h.SaveRespond, false},
				{"GET /dotaznik/{key}/dekujeme", public, h.ShowThanks, false},
				{"GET /dotaznik/{key}/pozvanka/{token}", public, h.ShowTokenRespond, false},
				{"POST /dotaznik/{key}/pozvanka/{token}", public, h.SaveTokenRespond, false},
			}
		},
		Nav:     []NavEntry{{Path: "/dotazniky", Label: "survey.nav", Order: 45}},
		OpenAPI: survey.OpenAPI,
	})
}

var _ feedback.Provider = (*survey.Handler)(nil)
