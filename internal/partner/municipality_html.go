package partner

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/geo"
	"kpss/internal/web"
)

var municipalityFields = []string{"name", "kind", "zuj", "population", "partner", "location", "note"}

// ShowMunicipalityList lists and searches municipalities.
func (h *Handler) ShowMunicipalityList(w http.ResponseWriter, r *http.Request) error {
	f := filterFrom(r)
	items, total, err := h.Svc.FindMunicipalities(r.Context(), f)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "partner.municipality.list").Crumb("/partneri", p0(h, r, "partner.overview.title"))
	var points []web.Feature
	for _, m := range items {
		if m.Lat != nil && m.Lng != nil {
			points = append(points, web.Feature{Lat: *m.Lat, Lng: *m.Lng, Title: m.Name, URL: "/partneri/obce/" + strconv.FormatInt(m.ID, 10)})
		}
	}
	p.Data = listData[Municipality]{Items: items, Pager: web.NewPager(r, f.Paging, total), Filter: f, CanEdit: auth.UserFrom(r.Context()).IsStaff(),
		Extra: map[string]any{"Points": points, "Map": web.FeatureCollection(points)}}
	h.R.Render(w, r, http.StatusOK, "partner/municipality_list", p)
	return nil
}

// ShowMunicipality shows one municipality with the organisations serving it.
func (h *Handler) ShowMunicipality(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := h.Svc.FindMunicipalityByID(r.Context(), id)
	if err != nil {
		return err
	}
	orgs, _, err := h.Svc.FindOrganisations(r.Context(), Filter{MunicipalityID: id, Paging: webAll})
	if err != nil {
		return err
	}
	p := h.R.Page(r, "partner.municipality.detail", "Name", m.Name).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/obce", p0(h, r, "partner.municipality.list"))
	p.Data = map[string]any{"M": m, "Orgs": orgs, "CanEdit": auth.UserFrom(r.Context()).IsStaff()}
	h.R.Render(w, r, http.StatusOK, "partner/municipality", p)
	return nil
}

// ShowMunicipalityForm shows the form for a new (no {id}) or existing municipality.
func (h *Handler) ShowMunicipalityForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{"kind": {KindMunicipality}}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		m, err := h.Svc.FindMunicipalityByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"name": {m.Name}, "kind": {m.Kind}, "zuj": {m.ZUJ}, "population": {optInt(m.Population)}, "note": {m.Note}, "location": {m.Point()}}
		if m.Partner {
			vals.Set("partner", "on")
		}
	}
	return h.renderMunicipalityForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderMunicipalityForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "partner.municipality.new"
	if r.PathValue("id") != "" {
		title = "partner.municipality.edit"
	}
	p := h.R.Page(r, title).Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/obce", p0(h, r, "partner.municipality.list"))
	p.Form = f
	p.Data = map[string]any{"Kinds": []web.Option{
		{Value: KindTown, Label: p.L.T("partner.municipality.kind.town")},
		{Value: KindMunicipality, Label: p.L.T("partner.municipality.kind.municipality")},
	}, "ID": r.PathValue("id")}
	h.R.Render(w, r, status, "partner/municipality_form", p)
	return nil
}

// SaveMunicipality creates or updates a municipality from the form.
func (h *Handler) SaveMunicipality(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	m := Municipality{Name: f.Get("name"), Kind: f.Get("kind"), ZUJ: f.Get("zuj"), Partner: f.Bool("partner"), Note: f.Values.Get("note")}
	m.Population = parseCount(f, "population", fields)
	if loc := f.Get("location"); loc != "" {
		if lat, lng, perr := geo.ParsePoint(loc); perr != nil {
			fields.Add("location", "err.point")
		} else {
			m.Lat, m.Lng = &lat, &lng
		}
	}
	return saveForm(h, w, r, f, m, fields, formSave[Municipality]{base: "/partneri/obce/", fields: municipalityFields,
		create: h.Svc.CreateMunicipality, update: h.Svc.UpdateMunicipality, rerender: h.renderMunicipalityForm})
}

// ArchiveMunicipality archives ("archivovat") or restores ("obnovit") a municipality.
func (h *Handler) ArchiveMunicipality(w http.ResponseWriter, r *http.Request) error {
	return archive(w, r, "/partneri/obce/", func(ctx context.Context, id int64, a bool) error {
		_, err := h.Svc.SetMunicipalityArchived(ctx, id, a)
		return err
	})
}

func archivedFlash(archive bool) string {
	if archive {
		return "flash.archived"
	}
	return "flash.restored"
}
