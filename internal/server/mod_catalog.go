package server

import (
	"kpss/internal/auth"
	"kpss/internal/catalog"
)

// The public service catalogue: search, detail pages, provider editing with
// the coordinator's approval, the yearly confirmation, the MPSV registry
// import, the HSDS 3.0 API and the printable PDF.
func init() {
	Register(&Module{
		Name:  "catalog",
		Order: 50,
		Init: func(env *Env) (any, error) {
			c := catalog.New(env.DB, env.Audit, env.Partners, env.Now)
			c.Outbox = env.Outbox
			return catalog.NewHandler(c, env.R, env.API, env.Mail, env.BaseURL)
		},
		Routes: func(mod any) []Route {
			h := mod.(*catalog.Handler)
			public, staff, editors := &auth.Public, &auth.Staff, &catalog.Editors
			own := h.OwnService()
			return []Route{
				{"GET /katalog", public, h.Cached(h.ShowSearch), false},
				{"GET /katalog/sluzby/{id}", public, h.Cached(h.ShowService), false},
				{"GET /katalog/poskytovatele", public, h.Cached(h.ShowProviders), false},
				{"GET /katalog/poskytovatele/{id}", public, h.Cached(h.ShowProvider), false},
				{"GET /katalog/tisk.pdf", public, h.Cached(h.ShowPDF), false},
				{"GET /katalog/potvrdit/{token}", public, h.ShowConfirm, false},
				{"POST /katalog/potvrdit/{token}", public, h.Confirm, false},

				{"GET /hsds/{$}", public, h.HSDSRoot, true},
				{"GET /hsds/services", public, h.HSDSServices, true},
				{"GET /hsds/services/{id}", public, h.HSDSService, true},
				{"GET /hsds/organizations", public, h.HSDSOrganizations, true},
				{"GET /hsds/organizations/{id}", public, h.HSDSOrganization, true},
				{"GET /hsds/service_at_locations", public, h.HSDSServiceAtLocations, true},
				{"GET /hsds/taxonomies", public, h.HSDSTaxonomies, true},
				{"GET /hsds/taxonomy_terms", public, h.HSDSTaxonomyTerms, true},
				{"GET /hsds/openapi.json", public, h.HSDSOpenAPI, true},
				{"GET /hsds/service_at_locations/{id}", public, h.HSDSServiceAtLocation, true},
				{"GET /hsds/taxonomies/{id}", public, h.HSDSTaxonomy, true},
				{"GET /hsds/taxonomy_terms/{id}", public, h.HSDSTaxonomyTerm, true},
				{"GET /hsds/", public, h.HSDSNotFound, true},

				{"GET /katalog/sprava", editors, h.ShowManage, false},
				{"GET /katalog/sprava/nova", editors, h.ShowServiceForm, false},
				{"POST /katalog/sprava/nova", editors, h.SaveService, false},
				{"GET /katalog/sprava/sluzby/{id}", &own, h.ShowServiceForm, false},
				{"POST /katalog/sprava/sluzby/{id}", &own, h.SaveService, false},
				{"GET /katalog/sprava/zmeny/{id}", staff, h.ShowChange, false},
				{"POST /katalog/sprava/zmeny/{id}", staff, h.DecideChange, false},
				{"POST /katalog/sprava/potvrzeni", staff, h.RequestConfirmations, false},
				{"GET /katalog/sprava/import", staff, h.ShowImport, false},
				{"POST /katalog/sprava/import", staff, h.Import, false},
			}
		},
		Nav: []NavEntry{{"/katalog", "nav.catalog", 40}},
	})
}
