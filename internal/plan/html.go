package plan

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/czech"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

//go:embed templates/*.html i18n/*.json openapi.json
var files embed.FS

// Handler serves the plan's and the monitoring's pages and API.
type Handler struct {
	Svc *Service
	R   *web.Renderer
	API *web.API
	PH  *partner.Handler
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer, api *web.API, ph *partner.Handler) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("plan", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r, API: api, PH: ph}, nil
}

const formMax = 2 << 20

// Fmt formats numbers for the templates (which have no float helper).
type Fmt struct{ Lang string }

// N formats a number: whole numbers without decimals, others with one.
func (f Fmt) N(v float64) string {
	if v == float64(int64(v)) {
		return czech.FormatInt(f.Lang, int64(v))
	}
	return czech.FormatFloat(f.Lang, v, 1)
}

// P formats an optional number ("–" when missing).
func (f Fmt) P(v *float64) string {
	if v == nil {
		return "–"
	}
	return f.N(*v)
}

// I formats an integer.
func (f Fmt) I(v int64) string { return czech.FormatInt(f.Lang, v) }

// Pct formats a percent change with its sign ("+50 %").
func (f Fmt) Pct(v float64) string {
	if v > 1e12 {
		return "+∞ %"
	}
	s := f.N(v)
	if v > 0 {
		s = "+" + s
	}
	return s + "\u00a0%"
}

func (h *Handler) page(r *http.Request, title string, args ...any) *web.Page {
	return h.R.Page(r, title, args...)
}

func (h *Handler) t(r *http.Request, key string, args ...any) string {
	return h.R.Localizer(r).T(key, args...)
}

func data(r *http.Request, kv ...any) map[string]any {
	m := map[string]any{"F": Fmt{Lang: web.LangFrom(r.Context())}, "U": auth.UserFrom(r.Context())}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func isStaff(r *http.Request) bool { return auth.UserFrom(r.Context()).IsStaff() }

// ---------- number parsing (Czech spaces and decimal commas)

// formInt and formFloat read what people type ("12 345", "12,5", "−3")
// through czech.ParseInt/ParseNumber: never NaN or Inf, which
// strconv.ParseFloat takes ("NaN" would pass every range check and break
// the JSON of the dashboard).
func formInt(f *web.Form, name string, fields apperr.Fields) int64 {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := czech.ParseInt(v)
	if err != nil {
		fields.Add(name, "plan.err.whole_number")
	}
	return n
}

func formFloat(f *web.Form, name string, fields apperr.Fields) float64 {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := czech.ParseNumber(v)
	if err != nil {
		fields.Add(name, "err.decimal")
	}
	return n
}

func formOptFloat(f *web.Form, name string, fields apperr.Fields) *float64 {
	if f.Get(name) == "" {
		return nil
	}
	v := formFloat(f, name, fields)
	return &v
}

func fstr(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

func optStr(v *float64) string {
	if v == nil {
		return ""
	}
	return fstr(*v)
}

func ids(v []int64) []string {
	out := make([]string, len(v))
	for i, id := range v {
		out[i] = itoa(id)
	}
	return out
}

// mergeFields adds the validation problems of err to fields.
func mergeFields(fields apperr.Fields, err error) error {
	if err == nil {
		return fields.Err()
	}
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	for k, v := range e.Fields {
		if _, dup := fields[k]; !dup {
			fields[k] = v
		}
	}
	return fields.Err()
}

// ---------- options

func (h *Handler) targetGroups(r *http.Request) ([]partner.TargetGroup, error) {
	gs, _, err := h.Svc.Partners.FindTargetGroups(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	return gs, err
}

func (h *Handler) targetGroupOptions(r *http.Request, emptyKey string) ([]web.Option, error) {
	gs, err := h.targetGroups(r)
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: h.t(r, emptyKey)}}
	for _, g := range gs {
		out = append(out, web.Option{Value: itoa(g.ID), Label: g.Name})
	}
	return out, nil
}

// municipalityOptions offers the region's municipalities in use, and the
// archived one a service already has (current, so that saving keeps it).
func (h *Handler) municipalityOptions(r *http.Request, current string) ([]web.Option, error) {
	ms, _, err := h.Svc.Partners.FindMunicipalities(r.Context(), partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: h.t(r, "plan.service.municipality_none")}}
	for _, m := range ms {
		if id := itoa(m.ID); !m.Archived || id == current {
			out = append(out, web.Option{Value: id, Label: m.Name})
		}
	}
	return out, nil
}

func (h *Handler) serviceOptions(r *http.Request, orgNames partner.Names) ([]web.Option, error) {
	svcs, err := h.Svc.Services(r.Context(), 0, false)
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, len(svcs))
	for i, s := range svcs {
		out[i] = web.Option{Value: itoa(s.ID), Label: s.Name + " – " + orgNames[s.OrganisationID]}
	}
	return out, nil
}

func (h *Handler) orgNames(r *http.Request) (partner.Names, error) {
	os, _, err := h.Svc.Partners.FindOrganisations(r.Context(), partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	n := partner.Names{}
	for _, o := range os {
		n[o.ID] = o.Name
	}
	return n, nil
}

func kindOptions(l *i18n.Localizer, prefix string, values []string) []web.Option {
	out := make([]web.Option, len(values))
	for i, v := range values {
		out[i] = web.Option{Value: v, Label: l.T(prefix + v)}
	}
	return out
}

func formValues(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

// formID reads an optional id (0 when none).
func formID(f *web.Form, name string) int64 {
	if p := f.Int64Ptr(name); p != nil {
		return *p
	}
	return 0
}

// OpenAPI returns the module's part of the API description (paths and
// components.schemas), merged by the server into /api/v1/openapi.json.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return b
}

func partnerAll() partner.Filter { return partner.Filter{Paging: store.Paging{PerPage: -1}} }
