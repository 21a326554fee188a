package server

import (
	"context"
	"os"
	"strconv"
	"time"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/group"
	"kpss/internal/plan"
	"kpss/internal/suggestion"
)

// planModule is what the plan module's Init returns.
type planModule struct {
	h   *plan.Handler
	pol plan.Policies
}

func init() {
	Register(&Module{
		Name:  "plan",
		Order: 40,
		Init: func(env *Env) (any, error) {
			svc := plan.NewService(env.DB, env.Audit, env.Now, env.Partners)
			svc.Auth, svc.Mail, svc.BaseURL, svc.Log = env.Auth, env.Mail, env.BaseURL, env.Log
			svc.Outbox = env.Outbox
			// Seams to the modules below: the plan's measures for the refer
			// action and the agenda items; suggestions referred to measures,
			// meetings held and resolutions for the evaluation.
			links := plan.MeasureLinks{Svc: svc}
			if sh, ok := env.Modules["suggestion"].(*suggestion.Handler); ok {
				sh.Svc.SetPlanMeasures(links)
				svc.Referrals = sh.Svc
			}
			if g, ok := env.Modules["group"].(*group.Module); ok {
				g.Svc.Measures = links
				svc.Actuals, svc.Resolutions = g.Svc, g.Svc
			}
			h, err := plan.NewHandler(svc, env.R, env.API, env.PartnerH)
			if err != nil {
				return nil, err
			}
			// Months the text of users' inputs keeps names and contacts (default 36).
			if n, err := strconv.Atoi(os.Getenv("KPSS_VOICE_RETENTION_MONTHS")); err == nil && n > 0 {
				svc.VoiceRetention = n
			}
			env.AddJob(Job{Name: "plan-reminders", Every: time.Hour, Run: func(ctx context.Context) error {
				_, err := svc.SendReminders(ctx)
				return err
			}})
			env.AddJob(Job{Name: "plan-voice-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
				_, err := svc.AnonymiseVoice(audit.WithActor(ctx, audit.Actor{Name: "retention"}), svc.VoiceRetentionMonths(), false)
				return err
			}})
			return &planModule{h: h, pol: plan.NewPolicies(svc)}, nil
		},
		Routes: func(mod any) []Route {
			m := mod.(*planModule)
			h, p := m.h, m.pol
			pol := func(x auth.Policy) *auth.Policy { return &x }
			view, staff, mon, over := pol(p.View), pol(p.Staff), pol(p.Monitoring), pol(p.Overview)
			repView, repEdit := pol(p.ReportView), pol(p.ReportEdit)
			propose, approve := pol(p.Propose), pol(p.Approve)
			return []Route{
				{"GET /plan", view, h.ShowPlan, false},
				{"GET /plan/obdobi", view, h.ShowPeriods, false},
				{"GET /plan/obdobi/nove", staff, h.ShowPeriodForm, false},
				{"POST /plan/obdobi/nove", staff, h.SavePeriod, false},
				{"GET /plan/obdobi/{id}", view, h.ShowPeriod, false},
				{"GET /plan/obdobi/{id}/upravit", staff, h.ShowPeriodForm, false},
				{"POST /plan/obdobi/{id}/upravit", staff, h.SavePeriod, false},
				{"GET /plan/obdobi/{id}/priorita", staff, h.ShowPriorityForm, false},
				{"POST /plan/obdobi/{id}/priorita", staff, h.SavePriority, false},
				{"GET /plan/priority/{id}/upravit", staff, h.ShowPriorityForm, false},
				{"POST /plan/priority/{id}/upravit", staff, h.SavePriority, false},
				{"GET /plan/obdobi/{id}/opatreni", staff, h.ShowMeasureForm, false},
				{"POST /plan/obdobi/{id}/opatreni", staff, h.SaveMeasure, false},
				{"GET /plan/obdobi/{id}/aktualizace", view, h.ShowVersions, false},
				{"POST /plan/obdobi/{id}/aktualizace", staff, h.RecordVersion, false},
				{"GET /plan/verze/{id}", view, h.ShowVersion, false},
				{"GET /plan/opatreni/{id}", view, h.ShowMeasure, false},
				{"GET /plan/opatreni/{id}/upravit", staff, h.ShowMeasureForm, false},
				{"POST /plan/opatreni/{id}/upravit", staff, h.SaveMeasure, false},
				{"POST /plan/opatreni/{id}/{action}", staff, h.DropMeasure, false},
				{"GET /plan/opatreni/{id}/ukazatel", staff, h.ShowIndicatorForm, false},
				{"POST /plan/opatreni/{id}/ukazatel", staff, h.SaveIndicator, false},
				{"GET /plan/ukazatele/import", staff, h.ShowImport, false},
				{"POST /plan/ukazatele/import", staff, h.ImportIndicatorValues, false},
				{"GET /plan/ukazatele/{id}/upravit", staff, h.ShowIndicatorForm, false},
				{"POST /plan/ukazatele/{id}/upravit", staff, h.SaveIndicator, false},
				{"GET /plan/hodnoceni", view, h.ShowEvaluations, false},
				{"GET /plan/opatreni/{id}/hodnoceni", view, h.ShowEvaluationForm, false},
				{"POST /plan/opatreni/{id}/hodnoceni", propose, h.ProposeEvaluation, false},
				{"POST /plan/hodnoceni/{id}/schvalit", approve, h.ApproveEvaluation, false},
				{"GET /plan/dokumenty", view, h.ShowDocuments, false},
				{"POST /plan/dokumenty", staff, h.GenerateDocument, false},
				{"GET /plan/dokumenty/{id}", view, h.ShowDocument, false},
				{"GET /plan/dokumenty/{id}/pdf", view, h.DownloadDocumentPDF, false},
				{"GET /plan/projekt", view, h.ShowProject, false},
				{"POST /plan/projekt", staff, h.SaveProject, false},

				{"GET /monitoring", mon, h.ShowMonitoring, false},
				{"GET /monitoring/kola/nove", staff, h.ShowRoundForm, false},
				{"POST /monitoring/kola/nove", staff, h.OpenRound, false},
				{"GET /monitoring/kola/{id}", mon, h.ShowRound, false},
				{"POST /monitoring/kola/{id}/{action}", staff, h.SetRoundState, false},
				{"GET /monitoring/vykazy/{id}", repView, h.ShowReport, false},
				{"POST /monitoring/vykazy/{id}", repEdit, h.SaveReport, false},
				{"POST /monitoring/vykazy/{id}/vratit", staff, h.ReturnReport, false},
				{"GET /monitoring/varovani", over, h.ShowWarnings, false},
				{"POST /monitoring/varovani", staff, h.SaveRules, false},
				{"GET /monitoring/kola/{id}/export.xlsx", over, h.ExportRound, false},
				{"GET /monitoring/prehled", over, h.ShowDashboard, false},
				{"GET /monitoring/hlasy", view, h.ShowVoice, false},
				{"POST /monitoring/hlasy", staff, h.SaveVoice, false},
				{"GET /monitoring/hlasy/{id}/upravit", staff, h.ShowVoiceForm, false},
				{"POST /monitoring/hlasy/{id}/upravit", staff, h.SaveVoice, false},
				{"POST /monitoring/hlasy/{id}/{action}", staff, h.ArchiveVoice, false},
				{"GET /monitoring/obce", view, h.ShowMunicipalityIndicators, false},
				{"POST /monitoring/obce", staff, h.SaveMunicipalityIndicator, false},
				{"GET /monitoring/sluzby", mon, h.ShowServices, false},
				{"GET /monitoring/sluzby/nova", staff, h.ShowServiceForm, false},
				{"POST /monitoring/sluzby/nova", staff, h.SaveService, false},
				{"GET /monitoring/sluzby/{id}/upravit", staff, h.ShowServiceForm, false},
				{"POST /monitoring/sluzby/{id}/upravit", staff, h.SaveService, false},

				{"GET /api/v1/plans", view, h.APIListPlans, true},
				{"GET /api/v1/plans/{id}", view, h.APIGetPlan, true},
				{"GET /api/v1/measures", view, h.APIListMeasures, true},
				{"GET /api/v1/measures/{id}", view, h.APIGetMeasure, true},
				{"GET /api/v1/indicators", view, h.APIListIndicators, true},
				{"GET /api/v1/monitoring-rounds", mon, h.APIListRounds, true},
				{"GET /api/v1/monitoring-rounds/{id}", mon, h.APIGetRound, true},
				{"GET /api/v1/reports", mon, h.APIListReports, true},
				{"GET /api/v1/reports/{id}", repView, h.APIGetReport, true},
				{"PUT /api/v1/reports/{id}", repEdit, h.APIUpdateReport, true},
				{"POST /api/v1/reports/{id}/submit", repEdit, h.APISubmitReport, true},
				{"POST /api/v1/reports/{id}/confirm", repEdit, h.APIConfirmReport, true},
				{"PUT /api/v1/indicators/{id}/values/{year}", staff, h.APIPutIndicatorValue, true},
				{"GET /api/v1/voice-inputs", staff, h.APIListVoiceInputs, true},
				{"POST /api/v1/voice-inputs", staff, h.APICreateVoiceInput, true},
				{"GET /api/v1/voice-inputs/{id}", staff, h.APIGetVoiceInput, true},
				{"GET /api/v1/evaluations", view, h.APIListEvaluations, true},
			}
		},
		Nav: []NavEntry{
			{"/plan", "plan.nav.plan", 40},
			{"/monitoring", "plan.nav.monitoring", 41},
		},
		OpenAPI: plan.OpenAPI,
	})
}
