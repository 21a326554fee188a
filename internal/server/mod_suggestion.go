package server

import (
	"time"

	"kpss/internal/account"
	"kpss/internal/auth"
	"kpss/internal/suggestion"
)

// The suggestions module (podněty): the public form and tracking page, the
// coordinator's and departments' desk, statistics, Open311 and the API.
func init() {
	Register(&Module{
		Name:  "suggestion",
		Order: 20,
		Init: func(env *Env) (any, error) {
			svc := suggestion.NewService(env.DB, env.Audit, env.Now, env.Partners, env.Mail, env.BaseURL, env.Log)
			svc.Outbox = env.Outbox
			h, err := suggestion.NewHandler(svc, env.R, env.API, env.Auth, account.ClientIP)
			if err != nil {
				return nil, err
			}
			// The public form's limit per address holds across replicas.
			h.Limiter.Shared = env.Limits
			env.AddJob(Job{Name: "suggestion-digest", Every: time.Hour, Run: svc.SendDigests})
			return h, nil
		},
		Routes:  suggestionRoutes,
		Nav:     []NavEntry{{Path: "/podnety", Label: "suggestion.nav", Order: 20}, {Path: "/podnety/verejne", Label: "suggestion.public.nav", Order: 21}},
		OpenAPI: suggestion.OpenAPI,
	})
}

// suggestionDesk: the coordinator, the admin and department officers; which
// suggestions an officer sees (their department's only) the service decides.
var suggestionDesk = auth.AnyOf("suggestion-desk", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleOfficer)

func suggestionRoutes(mod any) []Route {
	h := mod.(*suggestion.Handler)
	public, staff, desk := &auth.Public, &auth.Staff, &suggestionDesk
	return []Route{
		// Public: the citizen's form and tracking page, statistics.
		{"GET /podnet", public, h.ShowSubmitForm, false},
		{"POST /podnet", public, h.Submit, false},
		{"GET /podnet/sledovat", public, h.FindByCodeForm, false},
		{"GET /podnet/{code}", public, h.ShowTracking, false},
		{"GET /podnety/verejne", public, h.ShowPublicList, false},
		{"GET /podnety/verejne.geojson", public, h.PublicGeoJSON, false},
		{"GET /podnety/statistiky", public, h.ShowStats, false},
		{"GET /podnety/statistiky.csv", public, h.ExportStatsCSV, false},
		{"GET /podnety/statistiky.xlsx", public, h.ExportStatsXLSX, false},

		// The desk: coordinator and departments.
		{"GET /podnety", desk, h.ShowList, false},
		{"GET /podnety/po-terminu", desk, h.ShowOverdue, false},
		{"GET /podnety/novy", staff, h.ShowCreateForm, false},
		{"POST /podnety/novy", staff, h.Create, false},
		{"GET /podnety/{id}", desk, h.ShowDetail, false},
		{"GET /podnety/{id}/foto", desk, h.ShowPhoto, false},
		{"POST /podnety/{id}/stav", desk, h.ChangeState, false},
		{"POST /podnety/{id}/poznamka", desk, h.AddNote, false},
		{"POST /podnety/{id}/predat", staff, h.Route, false},
		{"POST /podnety/{id}/rychle", staff, h.ToggleQuickWin, false},
		{"POST /podnety/{id}/obec", staff, h.SetMunicipality, false},
		{"GET /kategorie-podnetu", staff, h.ShowCategories, false},
		{"GET /kategorie-podnetu/nova", staff, h.ShowCategoryForm, false},
		{"POST /kategorie-podnetu/nova", staff, h.SaveCategory, false},
		{"GET /kategorie-podnetu/{id}", staff, h.ShowCategoryForm, false},
		{"POST /kategorie-podnetu/{id}", staff, h.SaveCategory, false},

		// Open311 GeoReport v2: public; POST requests checks its api_key.
		{"GET /open311/v2/{file}", public, h.Open311Get, false},
		{"POST /open311/v2/{file}", public, h.Open311Post, false},
		{"GET /open311/v2/services/{file}", public, h.Open311Service, false},
		{"GET /open311/v2/requests/{file}", public, h.Open311Request, false},
		{"GET /open311/v2/tokens/{file}", public, h.Open311Token, false},

		// JSON API.
		{"GET /api/v1/suggestions", desk, h.APIList, true},
		{"POST /api/v1/suggestions", staff, h.APICreate, true},
		{"GET /api/v1/suggestions/{id}", desk, h.APIGet, true},
		{"POST /api/v1/suggestions/{id}/transitions", desk, h.APITransition, true},
		{"GET /api/v1/suggestion-categories", &auth.SignedIn, h.APICategories, true},
	}
}
