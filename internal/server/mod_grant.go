package server

import (
	"context"
	"time"

	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/catalog"
	"kpss/internal/grant"
	"kpss/internal/mail"
	"kpss/internal/outbox"
	"kpss/internal/plan"
	"kpss/internal/store"
)

// grantOutbox queues the grant module's e-mails in the platform's outbox.
type grantOutbox struct{ o *outbox.Outbox }

func (g grantOutbox) Enqueue(ctx context.Context, q store.Q, kind, ref string, m mail.Message) error {
	return g.o.Enqueue(ctx, q, outbox.Message{Module: "grant", Kind: kind, Ref: ref, Mail: m})
}

func (g grantOutbox) Status(ctx context.Context, ref string) (grant.MailStatus, error) {
	st, err := g.o.Status(ctx, ref)
	return grant.MailStatus{Total: st.Total, Sent: st.Sent, Pending: st.Pending, Failed: st.Failed, LastError: st.LastError}, err
}

// grantModule is what the grant module's Init returns.
type grantModule struct {
	h   *grant.Handler
	pol grant.Policies
}

// Grants decided by expert evaluation: calls with weighted criteria,
// applications per catalogue service, blind evaluators with conflict-of-
// interest rules, a third evaluator on disagreement, ranking, allocation,
// the council's export and decision, settlement.
func init() {
	Register(&Module{
		Name:  "grant",
		Order: 80,
		Init: func(env *Env) (any, error) {
			svc := grant.NewService(env.DB, env.Audit, env.Now, env.Partners, env.Auth)
			svc.Log, svc.BaseURL = env.Log, env.BaseURL
			// Seams to the modules below: the catalogue's services by § type,
			// the plan's measures.
			if ch, ok := env.Modules["catalog"].(*catalog.Handler); ok {
				svc.Catalog = ch.C
			}
			if pm, ok := env.Modules["plan"].(*planModule); ok {
				svc.Measures = plan.MeasureLinks{Svc: pm.h.Svc}
			}
			if env.Outbox != nil {
				svc.Outbox = grantOutbox{env.Outbox}
			}
			h, err := grant.NewHandler(svc, env.R, env.API)
			if err != nil {
				return nil, err
			}
			env.AddJob(Job{Name: "grant-reminders", Every: time.Hour, Run: func(ctx context.Context) error {
				_, err := svc.SendReminders(audit.WithActor(ctx, audit.Actor{Name: "grant-reminders"}))
				return err
			}})
			env.AddJob(Job{Name: "grant-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
				_, err := svc.AnonymiseContacts(audit.WithActor(ctx, audit.Actor{Name: "retention"}), grant.RetentionYears, false)
				return err
			}})
			return &grantModule{h: h, pol: grant.NewPolicies(svc)}, nil
		},
		Routes: func(mod any) []Route {
			m := mod.(*grantModule)
			h, p := m.h, m.pol
			pol := func(x auth.Policy) *auth.Policy { return &x }
			public, staff, provider := pol(p.Public), pol(p.Staff), pol(p.Provider)
			appView, appEdit, attachment := pol(p.AppView), pol(p.AppEdit), pol(p.Attachment)
			evaluator, assignment := pol(p.Evaluator), pol(p.Assignment)
			return []Route{
				{"GET /dotace", public, h.ShowCalls, false},
				{"GET /dotace/vyzvy/nova", staff, h.ShowCallForm, false},
				{"POST /dotace/vyzvy/nova", staff, h.SaveCall, false},
				{"GET /dotace/moje", provider, h.ShowMine, false},
				{"GET /dotace/vyzvy/{id}", public, h.ShowCall, false},
				{"GET /dotace/vyzvy/{id}/upravit", staff, h.ShowCallForm, false},
				{"POST /dotace/vyzvy/{id}/upravit", staff, h.SaveCall, false},
				{"POST /dotace/vyzvy/{id}/kopie", staff, h.CopyCall, false},
				{"GET /dotace/vyzvy/{id}/zadosti", staff, h.ShowApplications, false},
				{"POST /dotace/vyzvy/{id}/zadost", provider, h.StartApplication, false},
				{"GET /dotace/zadosti/{id}", appView, h.ShowApplication, false},
				{"GET /dotace/zadosti/{id}/upravit", appEdit, h.ShowApplicationForm, false},
				{"POST /dotace/zadosti/{id}/upravit", appEdit, h.SaveApplication, false},
				{"POST /dotace/zadosti/{id}/prilohy", appEdit, h.UploadAttachment, false},
				{"POST /dotace/zadosti/{id}/kontrola", staff, h.CheckApplication, false},
				{"POST /dotace/zadosti/{id}/otevrit", staff, h.ReopenApplication, false},
				{"GET /dotace/prilohy/{id}", attachment, h.DownloadAttachment, false},
				{"GET /dotace/vyzvy/{id}/hodnotitele", staff, h.ShowBoard, false},
				{"POST /dotace/vyzvy/{id}/hodnotitele", staff, h.SaveBoard, false},
				{"GET /dotace/hodnoceni", evaluator, h.ShowMyEvaluations, false},
				{"GET /dotace/hodnoceni/{id}", assignment, h.ShowAssignment, false},
				{"POST /dotace/hodnoceni/{id}", assignment, h.SaveAssignment, false},
				{"POST /dotace/hodnoceni/{id}/prohlaseni", assignment, h.DeclareAssignment, false},
				{"GET /dotace/vyzvy/{id}/poradi", staff, h.ShowPanel, false},
				{"GET /dotace/vyzvy/{id}/rozdeleni", staff, h.ShowAllocation, false},
				{"POST /dotace/vyzvy/{id}/rozdeleni", staff, h.SaveAllocation, false},
				{"POST /dotace/vyzvy/{id}/rozhodnuti", staff, h.DecideCall, false},
				{"GET /dotace/vyzvy/{id}/navrh.xlsx", staff, h.ExportProposal, false},
				{"GET /dotace/vyzvy/{id}/usneseni.pdf", staff, h.ExportResolution, false},
				{"GET /dotace/zadosti/{id}/vyuctovani", appView, h.ShowSettlement, false},
				{"POST /dotace/zadosti/{id}/vyuctovani", appEdit, h.SaveSettlement, false},
				{"POST /dotace/zadosti/{id}/vyuctovani/rozhodnuti", staff, h.DecideSettlement, false},

				{"GET /api/v1/grant-calls", public, h.APIListCalls, true},
				{"GET /api/v1/grant-calls/{id}", public, h.APIGetCall, true},
				{"GET /api/v1/grant-applications", pol(auth.AnyOf("grant-applications", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleProvider)), h.APIListApplications, true},
				{"GET /api/v1/grant-applications/{id}", appView, h.APIGetApplication, true},
				{"GET /api/v1/grant-assignments", evaluator, h.APIListAssignments, true},
				{"GET /api/v1/grant-assignments/{id}", assignment, h.APIGetAssignment, true},
			}
		},
		Nav:     []NavEntry{{"/dotace", "grant.nav", 80}},
		OpenAPI: grant.OpenAPI,
	})
}
