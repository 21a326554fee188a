package partner

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"kpss/internal/auth"
	"kpss/internal/web"
)

var departmentFields = []string{"name", "email", "head_person_id"}

// ShowDepartmentList lists and searches the town-office departments.
func (h *Handler) ShowDepartmentList(w http.ResponseWriter, r *http.Request) error {
	f := filterFrom(r)
	ctx := r.Context()
	items, total, err := h.Svc.FindDepartments(ctx, f)
	if err != nil {
		return err
	}
	heads, err := h.headNames(r, items...)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "partner.department.list").Crumb("/partneri", p0(h, r, "partner.overview.title"))
	p.Data = listData[Department]{Items: items, Pager: web.NewPager(r, f.Paging, total), Filter: f, CanEdit: auth.UserFrom(ctx).IsStaff(),
		Extra: map[string]any{"Heads": heads}}
	h.R.Render(w, r, http.StatusOK, "partner/department_list", p)
	return nil
}

// headNames returns the names of the heads of ds (archived people included).
func (h *Handler) headNames(r *http.Request, ds ...Department) (Names, error) {
	out := Names{}
	for _, d := range ds {
		if d.HeadPersonID == nil {
			continue
		}
		if _, ok := out[*d.HeadPersonID]; ok {
			continue
		}
		per, err := h.Svc.FindPersonByID(r.Context(), *d.HeadPersonID)
		if err != nil {
			return nil, err
		}
		out[per.ID] = per.Name
	}
	return out, nil
}

// ShowDepartment shows one department with its head.
func (h *Handler) ShowDepartment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d, err := h.Svc.FindDepartmentByID(ctx, id)
	if err != nil {
		return err
	}
	heads, err := h.headNames(r, *d)
	if err != nil {
		return err
	}
	head := ""
	if d.HeadPersonID != nil {
		head = heads[*d.HeadPersonID]
	}
	staff := auth.UserFrom(ctx).IsStaff()
	p := h.R.Page(r, "partner.department.detail", "Name", d.Name).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/odbory", p0(h, r, "partner.department.list"))
	p.Data = map[string]any{"D": d, "Head": head, "CanEdit": staff, "Staff": staff}
	h.R.Render(w, r, http.StatusOK, "partner/department", p)
	return nil
}

// ShowDepartmentForm shows the form for a new or existing department.
func (h *Handler) ShowDepartmentForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		d, err := h.Svc.FindDepartmentByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"name": {d.Name}, "email": {d.Email}, "head_person_id": {optInt(d.HeadPersonID)}}
	}
	return h.renderDepartmentForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderDepartmentForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "partner.department.new"
	if r.PathValue("id") != "" {
		title = "partner.department.edit"
	}
	p := h.R.Page(r, title).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/odbory", p0(h, r, "partner.department.list"))
	p.Form = f
	people, err := h.personOptions(r)
	if err != nil {
		return err
	}
	// An archived head stays a choice, so that saving does not drop them.
	if head, err := strconv.ParseInt(f.Get("head_person_id"), 10, 64); err == nil && head > 0 {
		found := false
		for _, o := range people {
			found = found || o.Value == itoa(head)
		}
		if per, ferr := h.Svc.FindPersonByID(r.Context(), head); !found && ferr == nil {
			people = append(people, web.Option{Value: itoa(head), Label: per.Name})
		}
	}
	p.Data = map[string]any{"People": append(emptyOption(p, "form.none"), people...), "ID": r.PathValue("id")}
	h.R.Render(w, r, status, "partner/department_form", p)
	return nil
}

// SaveDepartment creates or updates a department from the form.
func (h *Handler) SaveDepartment(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	d := Department{Name: f.Get("name"), Email: f.Get("email"), HeadPersonID: f.Int64Ptr("head_person_id")}
	return saveForm(h, w, r, f, d, nil, formSave[Department]{base: "/partneri/odbory/", fields: departmentFields,
		create: h.Svc.CreateDepartment, update: h.Svc.UpdateDepartment, rerender: h.renderDepartmentForm})
}

// ArchiveDepartment archives ("archivovat") or restores ("obnovit") a department.
func (h *Handler) ArchiveDepartment(w http.ResponseWriter, r *http.Request) error {
	return archive(w, r, "/partneri/odbory/", func(ctx context.Context, id int64, a bool) error {
		_, err := h.Svc.SetDepartmentArchived(ctx, id, a)
		return err
	})
}
