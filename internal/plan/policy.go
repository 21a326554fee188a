package plan

import (
	"net/http"
	"strconv"

	"kpss/internal/auth"
)

// Policies of the module's routes.
type Policies struct {
	View, Staff, Monitoring, Overview, ReportView, ReportEdit, Propose, Approve auth.Policy
}

// NewPolicies builds the policies; the report ones check the report's
// organisation (object level): a provider representative reaches only the
// reports of their own organisation.
func NewPolicies(svc *Service) Policies {
	reportObject := func(r *http.Request, u *auth.User) (bool, error) {
		if u.IsStaff() || u.Is(auth.RoleSteering) {
			return true, nil
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || u.OrganisationID == nil {
			return false, nil
		}
		rep, err := svc.Report(r.Context(), id)
		if err != nil {
			return false, nil
		}
		return rep.OrganisationID == *u.OrganisationID, nil
	}
	return Policies{
		View:       auth.SignedIn,
		Staff:      auth.Staff,
		Monitoring: auth.AnyOf("plan-monitoring", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSteering, auth.RoleProvider),
		Overview:   auth.AnyOf("plan-overview", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSteering),
		ReportView: auth.Policy{Name: "plan-report-view", Roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSteering, auth.RoleProvider}, Object: reportObject},
		ReportEdit: auth.Policy{Name: "plan-report-edit", Roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator, auth.RoleProvider}, Object: reportObject},
		Propose:    auth.AnyOf("plan-evaluation-propose", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleMember),
		Approve:    auth.AnyOf("plan-evaluation-approve", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSteering),
	}
}
