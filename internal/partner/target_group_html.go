package partner

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/web"
)

var targetGroupFields = []string{"name", "code", "description", "sort_order"}

// ShowTargetGroupList lists the target groups in their set order.
func (h *Handler) ShowTargetGroupList(w http.ResponseWriter, r *http.Request) error {
	f := filterFrom(r)
	items, total, err := h.Svc.FindTargetGroups(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "partner.target_group.list").Crumb("/partneri", p0(h, r, "partner.overview.title"))
	p.Data = listData[TargetGroup]{Items: items, Pager: web.NewPager(r, f.Paging, total), Filter: f, CanEdit: auth.UserFrom(r.Context()).IsStaff()}
	h.R.Render(w, r, http.StatusOK, "partner/target_group_list", p)
	return nil
}

// ShowTargetGroup shows one target group with the organisations serving it.
func (h *Handler) ShowTargetGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	g, err := h.Svc.FindTargetGroupByID(r.Context(), id)
	if err != nil {
		return err
	}
	orgs, _, err := h.Svc.FindOrganisations(r.Context(), Filter{TargetGroupID: id, Paging: webAll})
	if err != nil {
		return err
	}
	p := h.R.Page(r, "partner.target_group.detail", "Name", g.Name).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/cilove-skupiny", p0(h, r, "partner.target_group.list"))
	p.Data = map[string]any{"G": g, "Orgs": orgs, "CanEdit": auth.UserFrom(r.Context()).IsStaff()}
	h.R.Render(w, r, http.StatusOK, "partner/target_group", p)
	return nil
}

// ShowTargetGroupForm shows the form for a new target group (placed last in
// the order) or an existing one.
func (h *Handler) ShowTargetGroupForm(w http.ResponseWriter, r *http.Request) error {
	var vals url.Values
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		g, err := h.Svc.FindTargetGroupByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"name": {g.Name}, "code": {g.Code}, "description": {g.Description}, "sort_order": {strconv.Itoa(g.SortOrder)}}
	} else {
		gs, _, err := h.Svc.FindTargetGroups(r.Context(), Filter{All: true, Paging: webAll})
		if err != nil {
			return err
		}
		next := 1
		for _, g := range gs {
			next = max(next, g.SortOrder+1)
		}
		vals = url.Values{"sort_order": {strconv.Itoa(next)}}
	}
	return h.renderTargetGroupForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderTargetGroupForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "partner.target_group.new"
	if r.PathValue("id") != "" {
		title = "partner.target_group.edit"
	}
	p := h.R.Page(r, title).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/cilove-skupiny", p0(h, r, "partner.target_group.list"))
	p.Form = f
	p.Data = map[string]any{"ID": r.PathValue("id")}
	h.R.Render(w, r, status, "partner/target_group_form", p)
	return nil
}

// SaveTargetGroup creates or updates a target group from the form.
func (h *Handler) SaveTargetGroup(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	g := TargetGroup{Name: f.Get("name"), Code: f.Get("code"), Description: f.Values.Get("description")}
	if n := parseCount(f, "sort_order", fields); n != nil {
		if *n < -1_000_000 || *n > 1_000_000 {
			fields.Add("sort_order", "err.number")
		} else {
			g.SortOrder = int(*n)
		}
	}
	return saveForm(h, w, r, f, g, fields, formSave[TargetGroup]{base: "/partneri/cilove-skupiny/", fields: targetGroupFields,
		create: h.Svc.CreateTargetGroup, update: h.Svc.UpdateTargetGroup, rerender: h.renderTargetGroupForm})
}

// ArchiveTargetGroup archives ("archivovat") or restores ("obnovit") a target group.
func (h *Handler) ArchiveTargetGroup(w http.ResponseWriter, r *http.Request) error {
	return archive(w, r, "/partneri/cilove-skupiny/", func(ctx context.Context, id int64, a bool) error {
		_, err := h.Svc.SetTargetGroupArchived(ctx, id, a)
		return err
	})
}
