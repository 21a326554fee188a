package auth

import (
	"net/http"
	"strconv"
)

// Policy says who may call a route. Every route is registered with one; the
// server refuses to start with a route that has none.
type Policy struct {
	Name   string
	Public bool   // anyone, signed in or not
	Roles  []Role // else: a signed-in user with one of these roles (empty: any role)
	// Object, when set, is asked after the role check with the route's path
	// values, for object-level rules (a provider edits only its organisation).
	Object func(r *http.Request, u *User) (bool, error)
}

// AllowsRole reports whether the role check passes for u (nil = anonymous).
func (p Policy) AllowsRole(u *User) bool {
	if p.Public {
		return true
	}
	if u == nil || !u.Active {
		return false
	}
	if len(p.Roles) == 0 {
		return true
	}
	return u.Is(p.Roles...)
}

// Allows runs the role check and the object check.
func (p Policy) Allows(r *http.Request, u *User) (bool, error) {
	if !p.AllowsRole(u) {
		return false, nil
	}
	if p.Object == nil {
		return true, nil
	}
	return p.Object(r, u)
}

var (
	// Public: anyone.
	Public = Policy{Name: "public", Public: true}
	// SignedIn: any account.
	SignedIn = Policy{Name: "signed-in"}
	// Staff: the coordinator and the admin, who run the KPSS.
	Staff = Policy{Name: "staff", Roles: []Role{RoleAdmin, RoleCoordinator}}
	// Admin: the admin only (accounts).
	Admin = Policy{Name: "admin", Roles: []Role{RoleAdmin}}
	// OwnOrganisation: staff, or a provider representative for their own
	// organisation {id}.
	OwnOrganisation = Policy{
		Name:  "own-organisation",
		Roles: []Role{RoleAdmin, RoleCoordinator, RoleProvider},
		Object: func(r *http.Request, u *User) (bool, error) {
			if u.IsStaff() {
				return true, nil
			}
			id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
			return err == nil && u.OrganisationID != nil && *u.OrganisationID == id, nil
		},
	}
)

// AnyOf is a role policy for the given roles.
func AnyOf(name string, roles ...Role) Policy { return Policy{Name: name, Roles: roles} }
