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

var personFields = []string{"name", "position", "organisation_id", "email", "phone", "consent", "consent_note"}

// ShowPersonList lists and searches people (staff only: they are personal data).
func (h *Handler) ShowPersonList(w http.ResponseWriter, r *http.Request) error {
	f := filterFrom(r)
	ctx := r.Context()
	items, total, err := h.Svc.FindPeople(ctx, f)
	if err != nil {
		return err
	}
	var orgIDs []int64
	for _, p := range items {
		if p.OrganisationID != nil {
			orgIDs = append(orgIDs, *p.OrganisationID)
		}
	}
	orgs, err := h.Svc.OrganisationNames(ctx, dedupe(orgIDs)...)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "partner.person.list").Crumb("/partneri", p0(h, r, "partner.overview.title"))
	choices, err := h.OrganisationOptions(r)
	if err != nil {
		return err
	}
	choices = withChosen(h, r, choices, f.OrganisationID)
	p.Data = listData[Person]{Items: items, Pager: web.NewPager(r, f.Paging, total), Filter: f, CanEdit: auth.UserFrom(ctx).IsStaff(),
		Extra: map[string]any{"Organisations": orgs, "OrgChoices": append([]web.Option{{Value: "", Label: p.L.T("form.any")}}, choices...),
			"OrgID": optID(f.OrganisationID)}}
	h.R.Render(w, r, http.StatusOK, "partner/person_list", p)
	return nil
}

// ShowPerson shows one person with their consent.
func (h *Handler) ShowPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	per, err := h.Svc.FindPersonByID(ctx, id)
	if err != nil {
		return err
	}
	var org *Organisation
	if per.OrganisationID != nil {
		if org, err = h.Svc.FindOrganisationByID(ctx, *per.OrganisationID); err != nil {
			return err
		}
	}
	p := h.R.Page(r, "partner.person.detail", "Name", per.Name).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/osoby", p0(h, r, "partner.person.list"))
	p.NoIndex = true
	p.Data = map[string]any{"P": per, "Org": org, "CanEdit": auth.UserFrom(ctx).IsStaff()}
	h.R.Render(w, r, http.StatusOK, "partner/person", p)
	return nil
}

// ShowPersonForm shows the form for a new person (?organisation_id= chooses
// the organisation in advance) or an existing one.
func (h *Handler) ShowPersonForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{}
	if org, err := strconv.ParseInt(r.URL.Query().Get("organisation_id"), 10, 64); err == nil && org > 0 {
		vals.Set("organisation_id", itoa(org))
	}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		per, err := h.Svc.FindPersonByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"name": {per.Name}, "position": {per.Position}, "organisation_id": {optInt(per.OrganisationID)}, "email": {per.Email},
			"phone": {per.Phone}, "consent_note": {per.ConsentNote}}
		if per.Consent {
			vals.Set("consent", "on")
		}
	}
	return h.renderPersonForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderPersonForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "partner.person.new"
	if r.PathValue("id") != "" {
		title = "partner.person.edit"
	}
	p := h.R.Page(r, title).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/osoby", p0(h, r, "partner.person.list"))
	p.Form = f
	p.NoIndex = true
	orgs, err := h.OrganisationOptions(r)
	if err != nil {
		return err
	}
	chosen, _ := strconv.ParseInt(f.Get("organisation_id"), 10, 64)
	orgs = withChosen(h, r, orgs, chosen)
	p.Data = map[string]any{"Organisations": append(emptyOption(p, "form.none"), orgs...), "ID": r.PathValue("id")}
	h.R.Render(w, r, status, "partner/person_form", p)
	return nil
}

// withChosen keeps an archived organisation that is already chosen among the
// choices, so that saving the form does not silently drop it.
func withChosen(h *Handler, r *http.Request, opts []web.Option, id int64) []web.Option {
	if id <= 0 {
		return opts
	}
	for _, o := range opts {
		if o.Value == itoa(id) {
			return opts
		}
	}
	o, err := h.Svc.FindOrganisationByID(r.Context(), id)
	if err != nil {
		return opts
	}
	return append(opts, web.Option{Value: itoa(id), Label: o.Name})
}

func optID(id int64) string {
	if id <= 0 {
		return ""
	}
	return itoa(id)
}

// SavePerson creates or updates a person from the form.
func (h *Handler) SavePerson(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	per := Person{Name: f.Get("name"), Position: f.Get("position"), OrganisationID: f.Int64Ptr("organisation_id"), Email: f.Get("email"),
		Phone: f.Get("phone"), Consent: f.Bool("consent"), ConsentNote: f.Values.Get("consent_note")}
	return saveForm(h, w, r, f, per, nil, formSave[Person]{base: "/partneri/osoby/", fields: personFields,
		create: h.Svc.CreatePerson, update: h.Svc.UpdatePerson, rerender: h.renderPersonForm})
}

// ArchivePerson archives ("archivovat") or restores ("obnovit") a person.
func (h *Handler) ArchivePerson(w http.ResponseWriter, r *http.Request) error {
	return archive(w, r, "/partneri/osoby/", func(ctx context.Context, id int64, a bool) error {
		_, err := h.Svc.SetPersonArchived(ctx, id, a)
		return err
	})
}

// archiveAction reads the {action} of an archive route: "archivovat" or
// "obnovit"; anything else is not a page.
func archiveAction(r *http.Request) (bool, error) {
	switch r.PathValue("action") {
	case "archivovat":
		return true, nil
	case "obnovit":
		return false, nil
	}
	return false, apperr.New(apperr.NotFound, "err.page_not_found")
}
