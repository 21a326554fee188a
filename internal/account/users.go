package account

import (
	"net/http"
	"net/url"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/web"
)

var userFields = []string{"login", "full_name", "email", "role", "organisation_id", "department_id", "active", "password"}

// ShowUserList lists accounts (admin).
func (h *Handler) ShowUserList(w http.ResponseWriter, r *http.Request) error {
	f := auth.UserFilter{Role: auth.Role(r.URL.Query().Get("role")), Q: r.URL.Query().Get("q"), Paging: web.PagingFrom(r)}
	users, total, err := h.Auth.FindUsers(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "account.users.title")
	p.Data = map[string]any{"Users": users, "Pager": web.NewPager(r, f.Paging, total), "Filter": f, "Roles": h.roleOptions(p, true)}
	h.R.Render(w, r, http.StatusOK, "account/user_list", p)
	return nil
}

func (h *Handler) roleOptions(p *web.Page, withAll bool) []web.Option {
	var out []web.Option
	if withAll {
		out = append(out, web.Option{Value: "", Label: p.L.T("form.any")})
	}
	for _, role := range auth.Roles {
		out = append(out, web.Option{Value: string(role), Label: p.L.T("role." + string(role))})
	}
	return out
}

// ShowUserForm shows the form for a new or existing account.
func (h *Handler) ShowUserForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{"role": {string(auth.RoleMember)}, "active": {"on"}}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		u, err := h.Auth.FindUserByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"login": {u.Login}, "full_name": {u.FullName}, "email": {u.Email}, "role": {string(u.Role)},
			"organisation_id": {idstr(u.OrganisationID)}, "department_id": {idstr(u.DepartmentID)}}
		if u.Active {
			vals.Set("active", "on")
		}
	}
	return h.renderUserForm(w, r, web.NewForm(vals), http.StatusOK, "")
}

func idstr(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func (h *Handler) renderUserForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int, newPassword string) error {
	title := "account.users.new"
	if r.PathValue("id") != "" {
		title = "account.users.edit"
	}
	p := h.R.Page(r, title).Crumb("/sprava/uzivatele", h.R.Localizer(r).T("account.users.title"))
	p.Form = f
	orgs, err := h.Partners.OrganisationOptions(r)
	if err != nil {
		return err
	}
	depts, err := h.Partners.DepartmentOptions(r)
	if err != nil {
		return err
	}
	none := []web.Option{{Value: "", Label: p.L.T("form.none")}}
	p.Data = map[string]any{"Roles": h.roleOptions(p, false), "Orgs": append(none, orgs...), "Depts": append(none, depts...),
		"ID": r.PathValue("id"), "NewPassword": newPassword}
	h.R.Render(w, r, status, "account/user_form", p)
	return nil
}

// SaveUser creates or updates an account.
func (h *Handler) SaveUser(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, 64<<10)
	if err != nil {
		return err
	}
	in := auth.UserInput{Login: f.Get("login"), FullName: f.Get("full_name"), Email: f.Get("email"), Role: auth.Role(f.Get("role")),
		OrganisationID: f.Int64Ptr("organisation_id"), DepartmentID: f.Int64Ptr("department_id"), Active: f.Bool("active")}
	var u *auth.User
	if r.PathValue("id") == "" {
		pw := f.Values.Get("password")
		u, err = h.Auth.CreateUser(r.Context(), in, pw, false)
	} else {
		id, perr := web.PathID(r)
		if perr != nil {
			return perr
		}
		if me := auth.UserFrom(r.Context()); me.ID == id && (!in.Active || in.Role != me.Role) {
			// An admin who locks themselves out needs another admin to get back in.
			fe := apperr.Fields{}
			fe.Add("role", "err.self_lockout")
			err = fe.Err()
		} else {
			u, err = h.Auth.UpdateUser(r.Context(), id, in)
		}
	}
	if err != nil {
		f.Values.Del("password")
		if f.SetError(h.R.Localizer(r), err, userFields...) {
			return h.renderUserForm(w, r, f, http.StatusUnprocessableEntity, "")
		}
		return err
	}
	web.Redirect(w, r, "/sprava/uzivatele/"+strconv.FormatInt(u.ID, 10), "flash.saved")
	return nil
}

// ResetPassword gives the account a new random password, shown once to the admin.
func (h *Handler) ResetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	pw := auth.RandomPassword()
	if err := h.Auth.SetPassword(r.Context(), id, pw, ""); err != nil {
		return err
	}
	return h.ShowUserFormWithPassword(w, r, pw)
}

// ShowUserFormWithPassword re-renders the edit form showing a new password once.
func (h *Handler) ShowUserFormWithPassword(w http.ResponseWriter, r *http.Request, pw string) error {
	id, _ := web.PathID(r)
	u, err := h.Auth.FindUserByID(r.Context(), id)
	if err != nil {
		return err
	}
	vals := url.Values{"login": {u.Login}, "full_name": {u.FullName}, "email": {u.Email}, "role": {string(u.Role)},
		"organisation_id": {idstr(u.OrganisationID)}, "department_id": {idstr(u.DepartmentID)}}
	if u.Active {
		vals.Set("active", "on")
	}
	return h.renderUserForm(w, r, web.NewForm(vals), http.StatusOK, pw)
}
