package grant

import (
	"context"
	"net/http"
	"strconv"

	"kpss/internal/auth"
)

// Policies of the module's routes.
type Policies struct {
	Public, Staff, Provider, AppView, AppEdit, Attachment, Evaluator, Assignment auth.Policy
}

// NewPolicies builds the policies. The object checks: a provider reaches
// only its own organisation's applications, an evaluator only their own
// assignments, an attachment only those who may see its application.
func NewPolicies(svc *Service) Policies {
	own := func(ctx context.Context, u *auth.User, appID int64) bool {
		if u.OrganisationID == nil {
			return false
		}
		var org int64
		if err := svc.DB.QueryRow(ctx, `SELECT organisation_id FROM grant_applications WHERE id = ?`, appID).Scan(&org); err != nil {
			return false
		}
		return org == *u.OrganisationID
	}
	id := func(r *http.Request) int64 {
		n, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		return n
	}
	return Policies{
		Public:   auth.Public,
		Staff:    auth.Staff,
		Provider: auth.AnyOf("grant-provider", auth.RoleProvider),
		AppView: auth.Policy{Name: "grant-application-view", Roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator, auth.RoleProvider},
			Object: func(r *http.Request, u *auth.User) (bool, error) {
				return u.IsStaff() || own(r.Context(), u, id(r)), nil
			}},
		AppEdit: auth.Policy{Name: "grant-application-edit", Roles: []auth.Role{auth.RoleProvider},
			Object: func(r *http.Request, u *auth.User) (bool, error) { return own(r.Context(), u, id(r)), nil }},
		Attachment: auth.Policy{Name: "grant-attachment", Roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator, auth.RoleProvider, auth.RoleEvaluator},
			Object: func(r *http.Request, u *auth.User) (bool, error) {
				var appID int64
				if err := svc.DB.QueryRow(r.Context(), `SELECT application_id FROM grant_attachments WHERE id = ?`, id(r)).Scan(&appID); err != nil {
					return false, nil
				}
				if u.IsStaff() || own(r.Context(), u, appID) {
					return true, nil
				}
				// An evaluator once they declared no conflict of interest.
				var n int
				err := svc.DB.QueryRow(r.Context(), `SELECT COUNT(*) FROM grant_assignments WHERE application_id = ? AND evaluator_id = ? AND state IN ('declared', 'submitted')`,
					appID, u.ID).Scan(&n)
				return err == nil && n > 0 && u.Is(auth.RoleEvaluator), nil
			}},
		Evaluator: auth.AnyOf("grant-evaluator", auth.RoleEvaluator),
		Assignment: auth.Policy{Name: "grant-assignment", Roles: []auth.Role{auth.RoleEvaluator},
			Object: func(r *http.Request, u *auth.User) (bool, error) {
				var ev int64
				if err := svc.DB.QueryRow(r.Context(), `SELECT evaluator_id FROM grant_assignments WHERE id = ?`, id(r)).Scan(&ev); err != nil {
					return false, nil
				}
				return ev == u.ID, nil
			}},
	}
}
