package partner

import (
	"context"
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/czech"
	"kpss/internal/store"
	"kpss/internal/web"
)

//go:embed templates/*.html i18n/*.json
var files embed.FS

// Handler serves the registry's pages and API.
type Handler struct {
	Svc *Service
	R   *web.Renderer
	API *web.API
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer, api *web.API) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("partner", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r, API: api}, nil
}

const formMax = 1 << 20

// filterFrom reads the list filter of a page or API request.
func filterFrom(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{Q: q.Get("q"), Kind: q.Get("kind"), Paging: web.PagingFrom(r)}
	switch q.Get("state") {
	case "archived":
		f.Archived = true
	case "all":
		f.All = true
	}
	f.Partner = q.Get("partner") == "1" || q.Get("partner") == "true"
	f.MunicipalityID, _ = strconv.ParseInt(q.Get("municipality_id"), 10, 64)
	f.TargetGroupID, _ = strconv.ParseInt(q.Get("target_group_id"), 10, 64)
	f.OrganisationID, _ = strconv.ParseInt(q.Get("organisation_id"), 10, 64)
	return f
}

type listData[T any] struct {
	Items   []T
	Pager   web.Pager
	Filter  Filter
	CanEdit bool
	Extra   map[string]any
}

// ShowOverview is the registry's start page with counts.
func (h *Handler) ShowOverview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	counts := map[string]int{}
	for name, count := range map[string]func() (int, error){
		"municipalities": func() (int, error) {
			_, n, err := h.Svc.FindMunicipalities(ctx, Filter{Paging: store.Paging{PerPage: 1}})
			return n, err
		},
		"organisations": func() (int, error) {
			_, n, err := h.Svc.FindOrganisations(ctx, Filter{Paging: store.Paging{PerPage: 1}})
			return n, err
		},
		"departments": func() (int, error) {
			_, n, err := h.Svc.FindDepartments(ctx, Filter{Paging: store.Paging{PerPage: 1}})
			return n, err
		},
		"target_groups": func() (int, error) {
			_, n, err := h.Svc.FindTargetGroups(ctx, Filter{Paging: store.Paging{PerPage: 1}})
			return n, err
		},
		"people": func() (int, error) {
			_, n, err := h.Svc.FindPeople(ctx, Filter{Paging: store.Paging{PerPage: 1}})
			return n, err
		},
	} {
		n, err := count()
		if err != nil {
			return err
		}
		counts[name] = n
	}
	region, err := h.Svc.Region(ctx)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	p := h.R.Page(r, "partner.overview.title")
	u := auth.UserFrom(ctx)
	p.Data = map[string]any{"Counts": counts, "Region": region, "Staff": u.IsStaff()}
	h.R.Render(w, r, http.StatusOK, "partner/overview", p)
	return nil
}

// ---------- region

// ShowRegion shows the region's details.
func (h *Handler) ShowRegion(w http.ResponseWriter, r *http.Request) error {
	reg, err := h.Svc.Region(r.Context())
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	p := h.R.Page(r, "partner.region.title").Crumb("/partneri", p0(h, r, "partner.overview.title"))
	p.Data = map[string]any{"Region": reg, "CanEdit": auth.UserFrom(r.Context()).IsStaff()}
	h.R.Render(w, r, http.StatusOK, "partner/region", p)
	return nil
}

func p0(h *Handler, r *http.Request, key string) string { return h.R.Localizer(r).T(key) }

// ShowRegionForm shows the region's edit form.
func (h *Handler) ShowRegionForm(w http.ResponseWriter, r *http.Request) error {
	reg, err := h.Svc.Region(r.Context())
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	return h.renderRegionForm(w, r, web.NewForm(url.Values{"name": {reg.Name}, "description": {reg.Description}, "web": {reg.Web}, "email": {reg.Email}}), http.StatusOK)
}

func (h *Handler) renderRegionForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	p := h.R.Page(r, "partner.region.edit").Crumb("/partneri", p0(h, r, "partner.overview.title")).Crumb("/partneri/region", p0(h, r, "partner.region.title"))
	p.Form = f
	h.R.Render(w, r, status, "partner/region_form", p)
	return nil
}

// SaveRegion stores the region's form.
func (h *Handler) SaveRegion(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	_, err = h.Svc.SaveRegion(r.Context(), Region{Name: f.Get("name"), Description: f.Values.Get("description"), Web: f.Get("web"), Email: f.Get("email")})
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "name", "description", "web", "email") {
			return h.renderRegionForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/partneri/region", "flash.saved")
	return nil
}

// ---------- shared helpers

// options returns choices for a select: an empty first choice when optional.
func emptyOption(p *web.Page, key string) []web.Option {
	return []web.Option{{Value: "", Label: p.L.T(key)}}
}

func (h *Handler) municipalityOptions(r *http.Request) ([]web.Option, error) {
	ms, _, err := h.Svc.FindMunicipalities(r.Context(), Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, len(ms))
	for i, m := range ms {
		out[i] = web.Option{Value: strconv.FormatInt(m.ID, 10), Label: m.Name}
	}
	return out, nil
}

func (h *Handler) targetGroupOptions(r *http.Request) ([]web.Option, error) {
	gs, _, err := h.Svc.FindTargetGroups(r.Context(), Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, len(gs))
	for i, g := range gs {
		out[i] = web.Option{Value: strconv.FormatInt(g.ID, 10), Label: g.Name}
	}
	return out, nil
}

// OrganisationOptions returns every active organisation as a choice, in Czech order.
func (h *Handler) OrganisationOptions(r *http.Request) ([]web.Option, error) {
	os, _, err := h.Svc.FindOrganisations(r.Context(), Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, len(os))
	for i, o := range os {
		out[i] = web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name}
	}
	return out, nil
}

// DepartmentOptions returns every active department as a choice.
func (h *Handler) DepartmentOptions(r *http.Request) ([]web.Option, error) {
	ds, _, err := h.Svc.FindDepartments(r.Context(), Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, len(ds))
	for i, d := range ds {
		out[i] = web.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Name}
	}
	return out, nil
}

func (h *Handler) personOptions(r *http.Request) ([]web.Option, error) {
	ps, _, err := h.Svc.FindPeople(r.Context(), Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, len(ps))
	for i, p := range ps {
		out[i] = web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name}
	}
	czech.SortBy(out, func(o web.Option) string { return o.Label })
	return out, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func ids(v []int64) []string {
	out := make([]string, len(v))
	for i, id := range v {
		out[i] = itoa(id)
	}
	return out
}

func optInt(p *int64) string {
	if p == nil {
		return ""
	}
	return itoa(*p)
}

// parsePopulation reads an optional whole number, allowing Czech spaces ("18 431").
func parseCount(f *web.Form, name string, fields apperr.Fields) *int64 {
	v := f.Get(name)
	if v == "" {
		return nil
	}
	clean := make([]rune, 0, len(v))
	for _, r := range v {
		if r != ' ' && r != '\u00a0' && r != '.' {
			clean = append(clean, r)
		}
	}
	n, err := strconv.ParseInt(string(clean), 10, 64)
	if err != nil {
		fields.Add(name, "err.number")
		return nil
	}
	return &n
}

// webAll asks for every row, unpaged (the region has tens, not thousands).
var webAll = store.Paging{PerPage: -1}

// archive handles POST …/{id}/archivovat and …/{id}/obnovit for any registry
// entity, then shows the entry again with a flash.
// formSave says how a registry form saves its record: where the record's
// page is, the form's fields, the service calls and the form to show again.
type formSave[T any] struct {
	base     string // the record's page without the id, "/partneri/obce/"
	fields   []string
	create   func(ctx context.Context, v T) (*T, error)
	update   func(ctx context.Context, id int64, v T) (*T, error)
	rerender func(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error
}

// saveForm ends every registry form the same way: a new record (no {id} in
// the path) is created, an existing one updated; problems found while
// reading the form (a population that is not a number) are shown together
// with the record's own validation errors; a refused save shows the form
// again with 422 and everything typed kept; a saved record's page follows.
func saveForm[T any, P interface {
	*T
	record
}](h *Handler, w http.ResponseWriter, r *http.Request, f *web.Form, v T, parsed apperr.Fields, s formSave[T]) error {
	var saved *T
	var err error
	switch {
	case len(parsed) > 0:
		// Show every problem at once, not only the number.
		if verr := P(&v).Validate(); verr != nil {
			ve, _ := apperr.As(verr)
			for k, m := range ve.Fields {
				parsed[k] = m
			}
		}
		err = parsed.Err()
	case r.PathValue("id") == "":
		saved, err = s.create(r.Context(), v)
	default:
		id, perr := web.PathID(r)
		if perr != nil {
			return perr
		}
		saved, err = s.update(r.Context(), id, v)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, s.fields...) {
			return s.rerender(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	id, _, _, _ := P(saved).meta()
	web.Redirect(w, r, s.base+strconv.FormatInt(*id, 10), "flash.saved")
	return nil
}

func archive(w http.ResponseWriter, r *http.Request, base string, set func(ctx context.Context, id int64, archive bool) error) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	a, err := archiveAction(r)
	if err != nil {
		return err
	}
	if err := set(r.Context(), id, a); err != nil {
		return err
	}
	web.Redirect(w, r, base+strconv.FormatInt(id, 10), archivedFlash(a))
	return nil
}
