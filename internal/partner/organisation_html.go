package partner

import (
	"context"
	"net/http"
	"net/url"

	"kpss/internal/auth"
	"kpss/internal/web"
)

var organisationFields = []string{"name", "ico", "kind", "address", "web", "email", "phone", "description", "partner", "municipality_ids", "target_group_ids"}

func (h *Handler) kindOptions(p *web.Page, withAll bool) []web.Option {
	var out []web.Option
	if withAll {
		out = append(out, web.Option{Value: "", Label: p.L.T("partner.organisation.all_kinds")})
	}
	for _, k := range OrganisationKinds {
		out = append(out, web.Option{Value: k, Label: p.L.T("partner.organisation.kind." + k)})
	}
	return out
}

// ShowOrganisationList lists and searches organisations.
func (h *Handler) ShowOrganisationList(w http.ResponseWriter, r *http.Request) error {
	f := filterFrom(r)
	items, total, err := h.Svc.FindOrganisations(r.Context(), f)
	if err != nil {
		return err
	}
	muni, err := h.Svc.MunicipalityNames(r.Context())
	if err != nil {
		return err
	}
	p := h.R.Page(r, "partner.organisation.list").Crumb("/partneri", p0(h, r, "partner.overview.title"))
	p.Data = listData[Organisation]{Items: items, Pager: web.NewPager(r, f.Paging, total), Filter: f, CanEdit: auth.UserFrom(r.Context()).IsStaff(),
		Extra: map[string]any{"Kinds": h.kindOptions(p, true), "Municipalities": muni}}
	h.R.Render(w, r, http.StatusOK, "partner/organisation_list", p)
	return nil
}

// ShowOrganisation shows one organisation; its contact people only to staff
// and to the organisation's own representatives.
func (h *Handler) ShowOrganisation(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	o, err := h.Svc.FindOrganisationByID(ctx, id)
	if err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	own := u.IsStaff() || (u.Is(auth.RoleProvider) && u.OrganisationID != nil && *u.OrganisationID == id)
	var people []Person
	if own {
		if people, _, err = h.Svc.FindPeople(ctx, Filter{OrganisationID: id, Paging: webAll}); err != nil {
			return err
		}
	}
	muni, err := h.Svc.MunicipalityNames(ctx)
	if err != nil {
		return err
	}
	groups, err := h.Svc.TargetGroupNames(ctx)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "partner.organisation.detail", "Name", o.Name).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/organizace", p0(h, r, "partner.organisation.list"))
	p.Data = map[string]any{"O": o, "People": people, "ShowPeople": own, "CanEdit": own, "Staff": u.IsStaff(), "Municipalities": muni, "Groups": groups}
	h.R.Render(w, r, http.StatusOK, "partner/organisation", p)
	return nil
}

// ShowOrganisationForm shows the form for a new or existing organisation.
func (h *Handler) ShowOrganisationForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{"kind": {"provider"}}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		o, err := h.Svc.FindOrganisationByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"name": {o.Name}, "ico": {o.ICO}, "kind": {o.Kind}, "address": {o.Address}, "web": {o.Web}, "email": {o.Email},
			"phone": {o.Phone}, "description": {o.Description}, "municipality_ids": ids(o.MunicipalityIDs), "target_group_ids": ids(o.TargetGroupIDs)}
		if o.Partner {
			vals.Set("partner", "on")
		}
	}
	return h.renderOrganisationForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderOrganisationForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "partner.organisation.new"
	if r.PathValue("id") != "" {
		title = "partner.organisation.edit"
	}
	p := h.R.Page(r, title).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/organizace", p0(h, r, "partner.organisation.list"))
	p.Form = f
	muni, err := h.municipalityOptions(r)
	if err != nil {
		return err
	}
	groups, err := h.targetGroupOptions(r)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Kinds": h.kindOptions(p, false), "Municipalities": muni, "Groups": groups, "ID": r.PathValue("id"),
		"Staff": auth.UserFrom(r.Context()).IsStaff()}
	h.R.Render(w, r, status, "partner/organisation_form", p)
	return nil
}

// SaveOrganisation creates or updates an organisation from the form. A
// provider representative may edit their own organisation but not its
// partner flag.
func (h *Handler) SaveOrganisation(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	o := Organisation{Name: f.Get("name"), ICO: f.Get("ico"), Kind: f.Get("kind"), Address: f.Get("address"), Web: f.Get("web"),
		Email: f.Get("email"), Phone: f.Get("phone"), Description: f.Values.Get("description"), Partner: f.Bool("partner"),
		MunicipalityIDs: f.Int64s("municipality_ids"), TargetGroupIDs: f.Int64s("target_group_ids")}
	// A provider representative keeps the partner flag the coordinator set.
	update := func(ctx context.Context, id int64, o Organisation) (*Organisation, error) {
		if !auth.UserFrom(ctx).IsStaff() {
			cur, err := h.Svc.FindOrganisationByID(ctx, id)
			if err != nil {
				return nil, err
			}
			o.Partner = cur.Partner
		}
		return h.Svc.UpdateOrganisation(ctx, id, o)
	}
	return saveForm(h, w, r, f, o, nil, formSave[Organisation]{base: "/partneri/organizace/", fields: organisationFields,
		create: h.Svc.CreateOrganisation, update: update, rerender: h.renderOrganisationForm})
}

// ArchiveOrganisation archives or restores an organisation.
func (h *Handler) ArchiveOrganisation(w http.ResponseWriter, r *http.Request) error {
	return archive(w, r, "/partneri/organizace/", func(ctx context.Context, id int64, a bool) error {
		_, err := h.Svc.SetOrganisationArchived(ctx, id, a)
		return err
	})
}
