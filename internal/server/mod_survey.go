package server

import (
	"context"
	"time"

	"kpss/internal/account"
	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/feedback"
	"kpss/internal/plan"
	"kpss/internal/store"
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
				if err != nil {
					return err
				}
				// Unfinished answers are kept 60 days after their last save.
				_, err = svc.PurgeDrafts(ctx, 60*24*time.Hour)
				return err
			}})
			h, err := survey.NewHandler(svc, env.R, env.API, account.ClientIP)
			if err != nil {
				return nil, err
			}
			if env.Limits != nil {
				h.Limits = env.Limits
			}
			// The plan (a lower module) takes results as indicator values and voice inputs.
			if pm, ok := env.Modules["plan"].(*planModule); ok {
				h.Plan = surveyPlan{pm.h.Svc}
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
				{"GET /dotazniky/{id}/plan", staff, h.ShowPlanLink, false},
				{"POST /dotazniky/{id}/plan/ukazatel", staff, h.SavePlanIndicator, false},
				{"POST /dotazniky/{id}/plan/hlas", staff, h.SavePlanVoice, false},
				{"GET /dotazniky/{id}/papirovy", staff, h.ShowPaperForm, false},
				{"POST /dotazniky/{id}/papirovy", staff, h.SavePaperForm, false},

				{"GET /api/v1/surveys", staff, h.APIListSurveys, true},
				{"GET /api/v1/surveys/{id}", staff, h.APIGetSurvey, true},
				{"GET /api/v1/surveys/{id}/results", staff, h.APIGetResults, true},

				{"GET /dotaznik/{key}", public, h.ShowRespond, false},
				{"POST /dotaznik/{key}", public, h.SaveRespond, false},
				{"GET /dotaznik/{key}/dekujeme", public, h.ShowThanks, false},
				{"POST /dotaznik/{key}/krok", public, h.SaveStep, false},
				{"GET /dotaznik/{key}/pokracovat/{resume}", public, h.ShowDraft, false},
				{"GET /dotaznik/{key}/ulozeno/{resume}", public, h.ShowSaved, false},
				{"GET /dotaznik/{key}/pozvanka/{token}", public, h.ShowTokenRespond, false},
				{"POST /dotaznik/{key}/pozvanka/{token}", public, h.SaveTokenRespond, false},
			}
		},
		Nav:     []NavEntry{{Path: "/dotazniky", Label: "survey.nav", Order: 45}},
		OpenAPI: survey.OpenAPI,
	})
}

var _ feedback.Provider = (*survey.Handler)(nil)

// surveyPlan is the community plan as the surveys see it: the manual
// indicators and measures of the current period, values and voice inputs
// written through the plan's service (which audits them).
type surveyPlan struct{ svc *plan.Service }

func (p surveyPlan) measures(ctx context.Context) ([]plan.Measure, int64, error) {
	per, err := p.svc.CurrentPeriod(ctx)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	ms, err := p.svc.FindMeasures(ctx, per.ID)
	return ms, per.ID, err
}

func (p surveyPlan) Measures(ctx context.Context) ([]survey.PlanMeasure, error) {
	ms, _, err := p.measures(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]survey.PlanMeasure, 0, len(ms))
	for _, m := range ms {
		out = append(out, survey.PlanMeasure{ID: m.ID, Label: m.Code + " " + m.Title})
	}
	return out, nil
}

func (p surveyPlan) ManualIndicators(ctx context.Context) ([]survey.PlanIndicator, error) {
	ms, period, err := p.measures(ctx)
	if err != nil || period == 0 {
		return nil, err
	}
	label := map[int64]string{}
	for _, m := range ms {
		label[m.ID] = m.Code + " " + m.Title
	}
	inds, err := p.svc.FindIndicators(ctx, period)
	if err != nil {
		return nil, err
	}
	var out []survey.PlanIndicator
	for _, i := range inds {
		if i.Method == plan.MethodManual {
			out = append(out, survey.PlanIndicator{ID: i.ID, Name: i.Name, Unit: i.Unit, Measure: label[i.MeasureID]})
		}
	}
	return out, nil
}

func (p surveyPlan) SetIndicatorValue(ctx context.Context, id int64, year int, value float64, note string) error {
	return p.svc.SetIndicatorValues(ctx, []plan.IndicatorValue{{IndicatorID: id, Year: year, Value: value, Note: note}}, "survey")
}

func (p surveyPlan) AddVoiceInput(ctx context.Context, day store.Date, text string, measureIDs []int64) error {
	_, err := p.svc.CreateVoiceInput(ctx, plan.VoiceInput{Day: day, Source: "survey", Text: text, MeasureIDs: measureIDs})
	return err
}
