package server

import (
	"kpss/internal/auth"
	"kpss/internal/guide"
)

// The life-situation guides (/zivotni-situace): public pages written by the
// coordinator, with the related services pulled live from the catalogue when
// the catalogue module is there.
func init() {
	Register(&Module{
		Name:  "guide",
		Order: 60,
		Init: func(env *Env) (any, error) {
			svc := guide.NewService(env.DB, env.Audit, env.Now)
			// The catalogue (a lower module) fulfils the seam if it is built in.
			if f, ok := env.Modules["catalog"].(guide.ServiceFinder); ok {
				svc.Finder = f
			}
			return guide.NewHandler(svc, env.R)
		},
		Routes: func(mod any) []Route {
			h := mod.(*guide.Handler)
			public, staff := &auth.Public, &auth.Staff
			return []Route{
				{"GET /zivotni-situace", public, h.ShowGuideList, false},
				{"GET /zivotni-situace/novy", staff, h.ShowGuideForm, false},
				{"POST /zivotni-situace/novy", staff, h.SaveGuide, false},
				{"GET /zivotni-situace/{slug}", public, h.ShowGuide, false},
				{"GET /zivotni-situace/{slug}/upravit", staff, h.ShowGuideForm, false},
				{"POST /zivotni-situace/{slug}/upravit", staff, h.SaveGuide, false},

				{"GET /api/v1/guides", public, h.APIListGuides, true},
				{"GET /api/v1/guides/{slug}", public, h.APIGetGuide, true},
			}
		},
		Nav:     []NavEntry{{Path: "/zivotni-situace", Label: "guide.nav", Order: 60}},
		OpenAPI: guide.OpenAPI,
	})
}
