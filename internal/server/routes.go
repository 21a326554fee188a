package server

import (
	"kpss/internal/auth"
)

// Route is one entry of the route list: a Go 1.22 pattern, who may call it,
// and the handler. API routes answer JSON and authenticate with a Bearer token;
// the others are pages and use the session cookie.
type Route struct {
	Pattern string
	Policy  *auth.Policy
	Handler HandlerFunc
	API     bool
}

// routes is the foundation's list of routes, each with its policy; every
// module adds its own list in its mod_<name>.go file (see Module). A route
// without a policy stops the server at start-up; a test calls every route of
// every list with every role.
func (s *Server) routes() []Route {
	var (
		public     = &auth.Public
		signedIn   = &auth.SignedIn
		staff      = &auth.Staff
		admin      = &auth.Admin
		ownOrg     = &auth.OwnOrganisation
		acc        = s.account
		pt         = s.partner
		pageRoutes = []Route{
			// Public
			{"GET /{$}", public, s.showHome, false},
			{"GET /healthz", public, s.health, false},
			{"GET /readyz", public, s.ready, false},
			{"GET /metrics", public, s.showMetrics, false}, // loopback or KPSS_METRICS_TOKEN, checked inside
			{"GET /jazyk/{lang}", public, s.setLanguage, false},
			{"GET /pristupnost", public, s.showAccessibility, false},
			{"GET /favicon.ico", public, s.favicon, false},
			{"GET /prihlaseni", public, acc.ShowSignIn, false},
			{"POST /prihlaseni", public, acc.SignIn, false},
			{"POST /odhlaseni", public, acc.SignOut, false},

			// The signed-in user's own account
			{"GET /ucet/heslo", signedIn, acc.ShowPasswordForm, false},
			{"POST /ucet/heslo", signedIn, acc.ChangePassword, false},

			// Accounts (admin)
			{"GET /sprava/uzivatele", admin, acc.ShowUserList, false},
			{"GET /sprava/uzivatele/novy", admin, acc.ShowUserForm, false},
			{"POST /sprava/uzivatele/novy", admin, acc.SaveUser, false},
			{"GET /sprava/uzivatele/{id}", admin, acc.ShowUserForm, false},
			{"POST /sprava/uzivatele/{id}", admin, acc.SaveUser, false},
			{"POST /sprava/uzivatele/{id}/heslo", admin, acc.ResetPassword, false},

			// Operations: the outbox of e-mails and the scheduled jobs (coordinator, admin)
			{"GET /sprava/posta", staff, s.ops.ShowOutbox, false},
			{"POST /sprava/posta/znovu", staff, s.ops.RetryOutbox, false},
			{"POST /sprava/posta/{id}/znovu", staff, s.ops.RetryOutbox, false},

			// Audit log (coordinator, admin)
			{"GET /historie", staff, s.audit.ShowAuditList, false},

			// Partners registry
			{"GET /partneri", signedIn, pt.ShowOverview, false},
			{"GET /partneri/region", signedIn, pt.ShowRegion, false},
			{"GET /partneri/region/upravit", staff, pt.ShowRegionForm, false},
			{"POST /partneri/region/upravit", staff, pt.SaveRegion, false},

			{"GET /partneri/obce", signedIn, pt.ShowMunicipalityList, false},
			{"GET /partneri/obce/nova", staff, pt.ShowMunicipalityForm, false},
			{"POST /partneri/obce/nova", staff, pt.SaveMunicipality, false},
			{"GET /partneri/obce/{id}", signedIn, pt.ShowMunicipality, false},
			{"GET /partneri/obce/{id}/upravit", staff, pt.ShowMunicipalityForm, false},
			{"POST /partneri/obce/{id}/upravit", staff, pt.SaveMunicipality, false},
			{"POST /partneri/obce/{id}/{action}", staff, pt.ArchiveMunicipality, false},

			{"GET /partneri/organizace", signedIn, pt.ShowOrganisationList, false},
			{"GET /partneri/organizace/nova", staff, pt.ShowOrganisationForm, false},
			{"POST /partneri/organizace/nova", staff, pt.SaveOrganisation, false},
			{"GET /partneri/organizace/{id}", signedIn, pt.ShowOrganisation, false},
			{"GET /partneri/organizace/{id}/upravit", ownOrg, pt.ShowOrganisationForm, false},
			{"POST /partneri/organizace/{id}/upravit", ownOrg, pt.SaveOrganisation, false},
			{"POST /partneri/organizace/{id}/{action}", staff, pt.ArchiveOrganisation, false},

			{"GET /partneri/osoby", staff, pt.ShowPersonList, false},
			{"GET /partneri/osoby/nova", staff, pt.ShowPersonForm, false},
			{"POST /partneri/osoby/nova", staff, pt.SavePerson, false},
			{"GET /partneri/osoby/{id}", staff, pt.ShowPerson, false},
			{"GET /partneri/osoby/{id}/upravit", staff, pt.ShowPersonForm, false},
			{"POST /partneri/osoby/{id}/upravit", staff, pt.SavePerson, false},
			{"POST /partneri/osoby/{id}/{action}", staff, pt.ArchivePerson, false},

			{"GET /partneri/odbory", signedIn, pt.ShowDepartmentList, false},
			{"GET /partneri/odbory/novy", staff, pt.ShowDepartmentForm, false},
			{"POST /partneri/odbory/novy", staff, pt.SaveDepartment, false},
			{"GET /partneri/odbory/{id}", signedIn, pt.ShowDepartment, false},
			{"GET /partneri/odbory/{id}/upravit", staff, pt.ShowDepartmentForm, false},
			{"POST /partneri/odbory/{id}/upravit", staff, pt.SaveDepartment, false},
			{"POST /partneri/odbory/{id}/{action}", staff, pt.ArchiveDepartment, false},

			{"GET /partneri/cilove-skupiny", signedIn, pt.ShowTargetGroupList, false},
			{"GET /partneri/cilove-skupiny/nova", staff, pt.ShowTargetGroupForm, false},
			{"POST /partneri/cilove-skupiny/nova", staff, pt.SaveTargetGroup, false},
			{"GET /partneri/cilove-skupiny/{id}", signedIn, pt.ShowTargetGroup, false},
			{"GET /partneri/cilove-skupiny/{id}/upravit", staff, pt.ShowTargetGroupForm, false},
			{"POST /partneri/cilove-skupiny/{id}/upravit", staff, pt.SaveTargetGroup, false},
			{"POST /partneri/cilove-skupiny/{id}/{action}", staff, pt.ArchiveTargetGroup, false},
		}
		apiRoutes = []Route{
			{"GET /api/v1/openapi.json", public, s.showOpenAPI, true},
			{"GET /api/v1/me", signedIn, s.showMe, true},

			{"GET /api/v1/region", signedIn, pt.APIGetRegion, true},
			{"PUT /api/v1/region", staff, pt.APIUpdateRegion, true},
			{"GET /api/v1/municipalities", signedIn, pt.APIListMunicipalities, true},
			{"POST /api/v1/municipalities", staff, pt.APICreateMunicipality, true},
			{"GET /api/v1/municipalities/{id}", signedIn, pt.APIGetMunicipality, true},
			{"PUT /api/v1/municipalities/{id}", staff, pt.APIUpdateMunicipality, true},
			{"GET /api/v1/organizations", signedIn, pt.APIListOrganisations, true},
			{"POST /api/v1/organizations", staff, pt.APICreateOrganisation, true},
			{"GET /api/v1/organizations/{id}", signedIn, pt.APIGetOrganisation, true},
			{"PUT /api/v1/organizations/{id}", ownOrg, pt.APIUpdateOrganisation, true},
			{"GET /api/v1/people", staff, pt.APIListPeople, true},
			{"POST /api/v1/people", staff, pt.APICreatePerson, true},
			{"GET /api/v1/people/{id}", staff, pt.APIGetPerson, true},
			{"PUT /api/v1/people/{id}", staff, pt.APIUpdatePerson, true},
			{"GET /api/v1/departments", signedIn, pt.APIListDepartments, true},
			{"POST /api/v1/departments", staff, pt.APICreateDepartment, true},
			{"GET /api/v1/departments/{id}", signedIn, pt.APIGetDepartment, true},
			{"PUT /api/v1/departments/{id}", staff, pt.APIUpdateDepartment, true},
			{"GET /api/v1/target-groups", signedIn, pt.APIListTargetGroups, true},
			{"POST /api/v1/target-groups", staff, pt.APICreateTargetGroup, true},
			{"GET /api/v1/target-groups/{id}", signedIn, pt.APIGetTargetGroup, true},
			{"PUT /api/v1/target-groups/{id}", staff, pt.APIUpdateTargetGroup, true},
		}
	)
	return append(pageRoutes, apiRoutes...)
}

// coreNav is the foundation's part of the main menu: each entry is shown to
// those who may GET its path. Modules add theirs (Module.Nav); Order sorts.
var coreNav = []NavEntry{
	{"/partneri", "nav.partners", 80},
	{"/historie", "nav.audit", 90},
	{"/sprava/posta", "ops.nav", 92},
	{"/sprava/uzivatele", "nav.users", 95},
}
