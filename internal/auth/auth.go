// Package auth holds accounts, roles, sign-in sessions, API tokens and the
// policies that say who may call a route.
package auth

import (
	"context"
	"time"
)

// Role is what an account may do. The anonymous public has no account.
type Role string

const (
	RoleAdmin       Role = "admin"
	RoleCoordinator Role = "coordinator"
	RoleSteering    Role = "steering"  // member of the steering group
	RoleMember      Role = "member"    // member of a working group
	RoleProvider    Role = "provider"  // representative of a provider organisation
	RoleOfficer     Role = "officer"   // officer of a town-office department
	RoleEvaluator   Role = "evaluator" // grant evaluator
)

// Roles lists every role, in the order the UI offers them.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleSteering, RoleMember, RoleProvider, RoleOfficer, RoleEvaluator}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// User is an account.
type User struct {
	ID             int64      `json:"id"`
	Login          string     `json:"login"`
	FullName       string     `json:"full_name"`
	Email          string     `json:"email"`
	Role           Role       `json:"role"`
	OrganisationID *int64     `json:"organisation_id"`
	DepartmentID   *int64     `json:"department_id"`
	PersonID       *int64     `json:"person_id"`
	Active         bool       `json:"active"`
	Lang           string     `json:"lang"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	LastLoginAt    *time.Time `json:"last_login_at"`
	passwordHash   string
}

// PersonalFields are the User fields the audit log masks.
var PersonalFields = []string{"full_name", "email"}

// DisplayName is the name to show for the account.
func (u *User) DisplayName() string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Login
}

// Is reports whether the user has one of roles.
func (u *User) Is(roles ...Role) bool {
	if u == nil {
		return false
	}
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// IsStaff reports whether the user runs the KPSS (admin or coordinator).
func (u *User) IsStaff() bool { return u.Is(RoleAdmin, RoleCoordinator) }

type userKey struct{}

// WithUser returns ctx carrying the signed-in user.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the signed-in user of ctx, or nil for the public.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}
