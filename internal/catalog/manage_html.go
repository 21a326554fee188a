package catalog

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

const formMax = 1 << 20

// Editors: the coordinator and admin edit everything (published at once); a
// provider representative proposes changes of their own organisation's services.
var Editors = auth.AnyOf("catalog-editors", auth.RoleAdmin, auth.RoleCoordinator, auth.RoleProvider)

// OwnService is the policy of a service's edit form: staff, or the
// representative of the organisation that provides service {id}.
func (h *Handler) OwnService() auth.Policy {
	p := Editors
	p.Name = "own-service"
	p.Object = func(r *http.Request, u *auth.User) (bool, error) {
		if u.IsStaff() {
			return true, nil
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || u.OrganisationID == nil {
			return false, nil
		}
		s, err := h.C.FindServiceByID(r.Context(), id)
		if apperr.CodeOf(err) == apperr.NotFound {
			return true, nil // the handler answers 404
		}
		if err != nil {
			return false, err
		}
		return s.OrganisationID == *u.OrganisationID, nil
	}
	return p
}

// ShowManage lists the services the user may edit, and pending changes.
func (h *Handler) ShowManage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	f := Filter{All: true, Q: r.URL.Query().Get("q"), Paging: web.PagingFrom(r)}
	var orgID int64
	if !u.IsStaff() {
		if u.OrganisationID == nil {
			return apperr.New(apperr.Forbidden, "catalog.err.no_org")
		}
		orgID = *u.OrganisationID
		f.OrganisationID = orgID
	}
	items, total, err := h.C.FindServices(ctx, f)
	if err != nil {
		return err
	}
	changes, err := h.C.FindChanges(ctx, "", orgID)
	if err != nil {
		return err
	}
	var pending, recent []Change
	for i := len(changes) - 1; i >= 0; i-- {
		if changes[i].State == ChangePending {
			pending = append([]Change{changes[i]}, pending...)
		} else if len(recent) < 10 {
			recent = append(recent, changes[i])
		}
	}
	p := h.R.Page(r, "catalog.manage.title").Crumb("/katalog", h.R.Localizer(r).T("catalog.search.title"))
	p.Data = map[string]any{"Items": items, "Pager": web.NewPager(r, f.Paging, total), "Pending": pending, "Recent": recent, "Staff": u.IsStaff(), "Q": f.Q}
	h.R.Render(w, r, http.StatusOK, "catalog/manage", p)
	return nil
}

// serviceValues turns a service into form values.
func serviceValues(s *Service) url.Values {
	v := url.Values{"name": {s.Name}, "type_code": {s.TypeCode}, "organisation_id": {itoa(s.OrganisationID)}, "registry_id": {s.RegistryID},
		"description": {s.Description}, "how_to_apply": {s.HowToApply}, "capacity": {s.Capacity}, "fees_description": {s.FeesDescription},
		"email": {s.Email}, "phone": {s.Phone}, "web": {s.Web}, "status": {s.Status}, "forms": s.Forms(), "age_groups": s.AgeGroups}
	if s.FeesFree {
		v.Set("fees_free", "on")
	}
	for _, id := range s.TargetGroupIDs {
		v.Add("target_group_ids", itoa(id))
	}
	for _, id := range s.MunicipalityIDs {
		v.Add("municipality_ids", itoa(id))
	}
	for i, l := range s.Locations {
		pre := fmt.Sprintf("loc%d_", i)
		v.Set(pre+"name", l.Name)
		v.Set(pre+"address", l.Address)
		v.Set(pre+"postcode", l.Postcode)
		v.Set(pre+"opening_hours", l.OpeningHours)
		v.Set(pre+"accessibility", l.Accessibility)
		v.Set(pre+"accessibility_note", l.AccessibilityNote)
		if l.MunicipalityID != nil {
			v.Set(pre+"municipality_id", itoa(*l.MunicipalityID))
		}
		if l.Latitude != nil {
			v.Set(pre+"latitude", strconv.FormatFloat(*l.Latitude, 'f', -1, 64))
			v.Set(pre+"longitude", strconv.FormatFloat(*l.Longitude, 'f', -1, 64))
		}
		v.Set(pre+"ruian_code", l.RUIANCode)
		v.Set(pre+"state_province", l.StateProvince)
	}
	return v
}

const maxLocations = 10

// serviceFrom reads the form; bad numbers are field errors.
func serviceFrom(f *web.Form) (Service, apperr.Fields) {
	bad := apperr.Fields{}
	s := Service{Name: f.Get("name"), TypeCode: f.Get("type_code"), RegistryID: f.Get("registry_id"), Description: f.Values.Get("description"),
		HowToApply: f.Values.Get("how_to_apply"), Capacity: f.Get("capacity"), FeesFree: f.Bool("fees_free"), FeesDescription: f.Values.Get("fees_description"),
		Email: f.Get("email"), Phone: f.Get("phone"), Web: f.Get("web"), Status: f.Get("status"), AgeGroups: f.Values["age_groups"],
		TargetGroupIDs: f.Int64s("target_group_ids"), MunicipalityIDs: f.Int64s("municipality_ids"),
		Residential: f.Has("forms", "residential"), Outpatient: f.Has("forms", "outpatient"), Field: f.Has("forms", "field")}
	s.OrganisationID, _ = strconv.ParseInt(f.Get("organisation_id"), 10, 64)
	for i := 0; i < maxLocations; i++ {
		pre := fmt.Sprintf("loc%d_", i)
		l := Location{Name: f.Get(pre + "name"), Address: f.Get(pre + "address"), Postcode: f.Get(pre + "postcode"), OpeningHours: f.Values.Get(pre + "opening_hours"),
			Accessibility: f.Get(pre + "accessibility"), AccessibilityNote: f.Get(pre + "accessibility_note"), MunicipalityID: f.Int64Ptr(pre + "municipality_id"),
			RUIANCode: f.Get(pre + "ruian_code"), StateProvince: f.Get(pre + "state_province")}
		if l.Name == "" && l.Address == "" && strings.TrimSpace(l.OpeningHours) == "" {
			continue
		}
		for _, c := range []struct {
			name string
			dst  **float64
		}{{"latitude", &l.Latitude}, {"longitude", &l.Longitude}} {
			if v := strings.ReplaceAll(f.Get(pre+c.name), ",", "."); v != "" {
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					bad.Add(pre+"latitude", "catalog.err.coords")
				} else {
					*c.dst = &x
				}
			}
		}
		s.Locations = append(s.Locations, l)
	}
	return s, bad
}

// fieldOrder lists the form's fields in page order, for the error summary.
func fieldOrder() []string {
	out := []string{"name", "organisation_id", "type_code", "registry_id", "forms", "target_group_ids", "age_groups", "municipality_ids", "description",
		"how_to_apply", "capacity", "fees_free", "fees_description", "phone", "email", "web", "status"}
	for i := 0; i < maxLocations; i++ {
		for _, n := range []string{"name", "address", "postcode", "municipality_id", "opening_hours", "accessibility", "accessibility_note", "latitude"} {
			out = append(out, fmt.Sprintf("loc%d_%s", i, n))
		}
	}
	return out
}

// ShowServiceForm shows the form of a new or existing service.
func (h *Handler) ShowServiceForm(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	v := url.Values{"status": {StatusActive}}
	if u.OrganisationID != nil {
		v.Set("organisation_id", itoa(*u.OrganisationID))
	}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		s, err := h.C.FindServiceByID(r.Context(), id)
		if err != nil {
			return err
		}
		v = serviceValues(s)
	}
	return h.renderServiceForm(w, r, web.NewForm(v), http.StatusOK)
}

// formLocation is one location block of the form.
type formLocation struct {
	Index  int
	Prefix string
}

func (h *Handler) renderServiceForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	title := "catalog.manage.new"
	if r.PathValue("id") != "" {
		title = "catalog.manage.edit"
	}
	l := h.R.Localizer(r)
	p := h.R.Page(r, title).Crumb("/katalog", l.T("catalog.search.title")).Crumb("/katalog/sprava", l.T("catalog.manage.title"))
	p.Form = f
	d, err := h.searchData(ctx, p)
	if err != nil {
		return err
	}
	ms, _, err := h.Partners.FindMunicipalities(ctx, partner.Filter{Paging: store.Paging{PerPage: manyMunicipalities}})
	if err != nil {
		return err
	}
	munis := []web.Option{}
	for _, m := range ms {
		munis = append(munis, web.Option{Value: itoa(m.ID), Label: m.Name})
	}
	var orgs []web.Option
	if u.IsStaff() {
		os, _, err := h.Partners.FindOrganisations(ctx, partner.Filter{Paging: store.Paging{PerPage: -1}})
		if err != nil {
			return err
		}
		orgs = []web.Option{{Value: "", Label: l.T("form.none")}}
		for _, o := range os {
			orgs = append(orgs, web.Option{Value: itoa(o.ID), Label: o.Name})
		}
	}
	n := 0
	for i := 0; i < maxLocations; i++ {
		if f.Get(fmt.Sprintf("loc%d_address", i)) != "" || f.Get(fmt.Sprintf("loc%d_name", i)) != "" {
			n = i + 1
		}
	}
	var locs []formLocation
	for i := 0; i <= n && i < maxLocations; i++ {
		locs = append(locs, formLocation{Index: i + 1, Prefix: fmt.Sprintf("loc%d_", i)})
	}
	opt := func(prefix string, keys []string) []web.Option {
		var out []web.Option
		for _, k := range keys {
			out = append(out, web.Option{Value: k, Label: l.T(prefix + k)})
		}
		return out
	}
	p.Data = map[string]any{"Types": d.Types, "Groups": d.Groups[1:], "Municipalities": munis, "LocMunicipalities": append([]web.Option{{Value: "", Label: l.T("form.none")}}, munis...),
		"Orgs": orgs, "Staff": u.IsStaff(), "Locations": locs, "ID": r.PathValue("id"),
		"Forms": opt("catalog.form.", []string{"residential", "outpatient", "field"}), "Ages": opt("catalog.age.", AgeGroups),
		"Access": opt("catalog.access.", Accessibilities), "Statuses": opt("catalog.status.", []string{StatusActive, StatusInactive})}
	h.R.Render(w, r, status, "catalog/service_form", p)
	return nil
}

// SaveService publishes the form (staff) or records it as a proposed change
// waiting for the coordinator (provider representative).
func (h *Handler) SaveService(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	s, bad := serviceFrom(f)
	var id *int64
	if r.PathValue("id") != "" {
		n, err := web.PathID(r)
		if err != nil {
			return err
		}
		id = &n
	}
	if !u.IsStaff() {
		if u.OrganisationID == nil {
			return apperr.New(apperr.Forbidden, "catalog.err.no_org")
		}
		s.OrganisationID = *u.OrganisationID
	}
	if len(bad) > 0 {
		err = bad.Err()
	} else if !u.IsStaff() {
		_, err = h.C.ProposeChange(ctx, id, s)
	} else if id == nil {
		var saved *Service
		if saved, err = h.C.CreateService(ctx, s); err == nil {
			id = &saved.ID
		}
	} else {
		_, err = h.C.UpdateService(ctx, *id, s)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, fieldOrder()...) {
			return h.renderServiceForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	if !u.IsStaff() {
		web.Redirect(w, r, "/katalog/sprava", "catalog.flash.proposed")
		return nil
	}
	web.Redirect(w, r, "/katalog/sluzby/"+itoa(*id), "flash.saved")
	return nil
}

// ShowChange shows a proposed change field by field next to what is public now.
func (h *Handler) ShowChange(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ch, err := h.C.FindChangeByID(r.Context(), id)
	if err != nil {
		return err
	}
	return h.renderChange(w, r, ch, web.NewForm(nil), http.StatusOK)
}

// DiffRow is one changed field.
type DiffRow struct {
	Label, Before, After string
}

func (h *Handler) renderChange(w http.ResponseWriter, r *http.Request, ch *Change, f *web.Form, status int) error {
	ctx := r.Context()
	l := h.R.Localizer(r)
	var before *Service
	if ch.ServiceID != nil && (ch.State == ChangePending || ch.State == ChangeRejected) {
		var err error
		if before, err = h.C.FindServiceByID(ctx, *ch.ServiceID); err != nil {
			return err
		}
	}
	rows, err := h.diff(ctx, l, before, &ch.Proposed)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "catalog.change.title", "Name", ch.Proposed.Name).Crumb("/katalog/sprava", l.T("catalog.manage.title"))
	p.Form = f
	p.Data = map[string]any{"C": ch, "Rows": rows, "New": ch.ServiceID == nil}
	h.R.Render(w, r, status, "catalog/change", p)
	return nil
}

// describe renders each field of a service as text for the diff.
func (h *Handler) describe(ctx context.Context, l *i18n.Localizer, s *Service) ([][2]string, error) {
	if s == nil {
		return nil, nil
	}
	gn, err := h.Partners.TargetGroupNames(ctx)
	if err != nil {
		return nil, err
	}
	mn, err := h.names(ctx, "municipalities", []Service{*s})
	if err != nil {
		return nil, err
	}
	t, _ := h.C.Type(ctx, s.TypeCode)
	list := func(ids []int64, n map[int64]string) string {
		var out []string
		for _, id := range ids {
			out = append(out, n[id])
		}
		return strings.Join(out, ", ")
	}
	tr := func(prefix string, keys []string) string {
		var out []string
		for _, k := range keys {
			out = append(out, l.T(prefix+k))
		}
		return strings.Join(out, ", ")
	}
	fees := l.T("catalog.fees.paid")
	if s.FeesFree {
		fees = l.T("catalog.fees.free")
	}
	rows := [][2]string{
		{"catalog.field.name", s.Name}, {"catalog.field.type", t.Label()}, {"catalog.field.registry_id", s.RegistryID},
		{"catalog.field.forms", tr("catalog.form.", s.Forms())}, {"catalog.field.target_groups", list(s.TargetGroupIDs, gn)},
		{"catalog.field.age_groups", tr("catalog.age.", s.AgeGroups)}, {"catalog.field.municipalities", list(s.MunicipalityIDs, mn)},
		{"catalog.field.description", s.Description}, {"catalog.field.how_to_apply", s.HowToApply}, {"catalog.field.capacity", s.Capacity},
		{"catalog.field.fees", fees}, {"catalog.field.fees_description", s.FeesDescription}, {"catalog.field.phone", s.Phone},
		{"catalog.field.email", s.Email}, {"catalog.field.web", s.Web},
	}
	for i, loc := range s.Locations {
		var parts []string
		for _, p := range []string{loc.Name, loc.Address, loc.Postcode, loc.OpeningHours, l.T("catalog.access." + loc.Accessibility), loc.AccessibilityNote} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		rows = append(rows, [2]string{l.T("catalog.location.legend", "N", i+1), strings.Join(parts, "; ")})
	}
	for i := range rows {
		if strings.HasPrefix(rows[i][0], "catalog.field.") {
			rows[i][0] = l.T(rows[i][0])
		}
	}
	return rows, nil
}

func (h *Handler) diff(ctx context.Context, l *i18n.Localizer, before, after *Service) ([]DiffRow, error) {
	b, err := h.describe(ctx, l, before)
	if err != nil {
		return nil, err
	}
	a, err := h.describe(ctx, l, after)
	if err != nil {
		return nil, err
	}
	old := map[string]string{}
	for _, r := range b {
		old[r[0]] = r[1]
	}
	var out []DiffRow
	seen := map[string]bool{}
	for _, r := range a {
		seen[r[0]] = true
		if before == nil || old[r[0]] != r[1] {
			out = append(out, DiffRow{Label: r[0], Before: old[r[0]], After: r[1]})
		}
	}
	for _, r := range b {
		if !seen[r[0]] {
			out = append(out, DiffRow{Label: r[0], Before: r[1]})
		}
	}
	return out, nil
}

// DecideChange approves or rejects a change (action=approve|reject).
func (h *Handler) DecideChange(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	approve := f.Get("action") == "approve"
	ch, err := h.C.DecideChange(r.Context(), id, approve, f.Values.Get("comment"))
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "comment") {
			cur, ferr := h.C.FindChangeByID(r.Context(), id)
			if ferr != nil {
				return ferr
			}
			return h.renderChange(w, r, cur, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	if approve {
		web.Redirect(w, r, "/katalog/sluzby/"+itoa(*ch.ServiceID), "catalog.flash.approved")
		return nil
	}
	web.Redirect(w, r, "/katalog/sprava", "catalog.flash.rejected")
	return nil
}

// RequestConfirmations e-mails every provider a one-click confirmation link.
func (h *Handler) RequestConfirmations(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.C.RequestConfirmations(r.Context(), h.Mail, h.baseURL(r))
	if err != nil {
		return err
	}
	l := h.R.Localizer(r)
	p := h.R.Page(r, "catalog.confirm.sent_title").Crumb("/katalog/sprava", l.T("catalog.manage.title"))
	p.Data = rep
	h.R.Render(w, r, http.StatusOK, "catalog/confirm_sent", p)
	return nil
}

func (h *Handler) baseURL(r *http.Request) string {
	if h.BaseURL != "" {
		return h.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// ShowConfirm is the page of the e-mailed link: what will be confirmed, one button.
func (h *Handler) ShowConfirm(w http.ResponseWriter, r *http.Request) error {
	cf, err := h.C.FindConfirmation(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	p := h.R.Page(r, "catalog.confirm.title")
	p.NoIndex = true
	p.Data = map[string]any{"C": cf, "Token": r.PathValue("token")}
	h.R.Render(w, r, http.StatusOK, "catalog/confirm", p)
	return nil
}

// Confirm records the provider's confirmation (a POST, so that mail scanners
// opening the link confirm nothing).
func (h *Handler) Confirm(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.C.Confirm(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	web.Redirect(w, r, "/katalog/potvrdit/"+r.PathValue("token"), "catalog.flash.confirmed")
	return nil
}
