package server

import (
	"context"
	"strconv"

	"kpss/internal/auth"
	"kpss/internal/catalog"
	"kpss/internal/guide"
	"kpss/internal/store"
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
			// The catalogue (a lower module) answers the related services.
			switch c := env.Modules["catalog"].(type) {
			case guide.ServiceFinder:
				svc.Finder = c
			case *catalog.Handler:
				svc.Finder = catalogFinder{c.C}
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

// catalogFinder answers a guide's related services from the catalogue's
// public search (active services only, the catalogue's own order).
type catalogFinder struct{ c *catalog.Catalog }

func (f catalogFinder) FindServices(ctx context.Context, query string, limit int) ([]guide.ServiceLink, error) {
	items, _, err := f.c.FindServices(ctx, catalog.Filter{Q: query, Paging: store.Paging{PerPage: limit}})
	if err != nil {
		return nil, err
	}
	out := make([]guide.ServiceLink, 0, len(items))
	for _, s := range items {
		l := guide.ServiceLink{Name: s.Name, URL: "/katalog/sluzby/" + strconv.FormatInt(s.ID, 10), Provider: s.OrganisationName}
		if len(s.Locations) > 0 {
			l.Place = s.Locations[0].Address
		}
		out = append(out, l)
	}
	return out, nil
}
