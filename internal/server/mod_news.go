package server

import (
	"context"
	"time"

	"kpss/internal/auth"
	"kpss/internal/news"
)

// The portal's news (/aktuality) with RSS and Atom feeds, and the plan of
// articles of the column "Zaostřeno na sociální služby" with e-mail
// reminders to the author organisations before the deadline.
func init() {
	Register(&Module{
		Name:  "news",
		Order: 62,
		Init: func(env *Env) (any, error) {
			svc := news.NewService(env.DB, env.Audit, env.Now, env.Partners, env.Mail, env.BaseURL)
			svc.Outbox = env.Outbox
			env.AddJob(Job{Name: "news-reminders", Every: time.Hour, Run: func(ctx context.Context) error {
				n, err := svc.RemindAuthors(ctx)
				if n > 0 {
					env.Log.Info("news: reminders sent", "count", n)
				}
				return err
			}})
			return news.NewHandler(svc, env.R)
		},
		Routes: func(mod any) []Route {
			h := mod.(*news.Handler)
			public, staff := &auth.Public, &auth.Staff
			planReaders := &newsPlanReaders
			return []Route{
				{"GET /aktuality", public, h.ShowNewsList, false},
				{"GET /aktuality/rss.xml", public, h.ShowRSS, false},
				{"GET /aktuality/atom.xml", public, h.ShowAtom, false},
				{"GET /aktuality/nova", staff, h.ShowNewsForm, false},
				{"POST /aktuality/nova", staff, h.SaveNews, false},
				{"GET /aktuality/plan", planReaders, h.ShowPlan, false},
				{"GET /aktuality/plan/novy", staff, h.ShowPlanForm, false},
				{"POST /aktuality/plan/novy", staff, h.SavePlanEntry, false},
				{"GET /aktuality/plan/{id}/upravit", staff, h.ShowPlanForm, false},
				{"POST /aktuality/plan/{id}/upravit", staff, h.SavePlanEntry, false},
				{"GET /aktuality/{slug}", public, h.ShowNews, false},
				{"GET /aktuality/{slug}/upravit", staff, h.ShowNewsForm, false},
				{"POST /aktuality/{slug}/upravit", staff, h.SaveNews, false},

				{"GET /api/v1/news", public, h.APIListNews, true},
				{"GET /api/v1/news/{id}", public, h.APIGetNews, true},
				{"GET /api/v1/article-plan", planReaders, h.APIListPlan, true},
			}
		},
		Nav:     []NavEntry{{Path: "/aktuality", Label: "news.nav", Order: 62}},
		OpenAPI: news.OpenAPI,
	})
}

// newsPlanReaders see the plan of articles: staff, and providers, who write
// the articles.
var newsPlanReaders = auth.AnyOf("news-plan-readers", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleProvider)
