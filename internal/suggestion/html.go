package suggestion

import (
	"embed"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/geo"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/web"
)

//go:embed templates/*.html i18n/*.json openapi.json
var files embed.FS

// Handler serves the module's pages, its API and Open311.
type Handler struct {
	Svc     *Service
	R       *web.Renderer
	API     *web.API
	Limiter *Limiter // submissions of the public form per IP
	// ClientIP returns the caller's address for the limiter.
	ClientIP func(r *http.Request) string
	Auth     *auth.Service // Open311 api_key
}

// NewHandler registers the module's templates and messages.
func NewHandler(svc *Service, r *web.Renderer, api *web.API, a *auth.Service, clientIP func(*http.Request) string) (*Handler, error) {
	if err := r.LoadCatalog(files, "i18n"); err != nil {
		return nil, err
	}
	if err := r.Register("suggestion", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r, API: api, Auth: a, ClientIP: clientIP, Limiter: NewLimiter(5, 10*time.Minute)}, nil
}

// ---------- names for display

// names are the labels a page needs, loaded in a fixed number of queries.
type names struct {
	Categories    map[int64]Category
	Municipality  partner.Names
	TargetGroup   partner.Names
	Department    partner.Names
	CategoryOrder []Category
	Departments   []partner.Department
}

func (h *Handler) names(r *http.Request) (*names, error) {
	ctx := r.Context()
	n := &names{Categories: map[int64]Category{}, Department: partner.Names{}}
	cats, err := h.Svc.Categories(ctx, true)
	if err != nil {
		return nil, err
	}
	n.CategoryOrder = cats
	for _, c := range cats {
		n.Categories[c.ID] = c
	}
	if n.Municipality, err = h.Svc.Partners.MunicipalityNames(ctx); err != nil {
		return nil, err
	}
	if n.TargetGroup, err = h.Svc.Partners.TargetGroupNames(ctx); err != nil {
		return nil, err
	}
	ds, _, err := h.Svc.Partners.FindDepartments(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	n.Departments = ds
	for _, d := range ds {
		n.Department[d.ID] = d.Name
	}
	return n, nil
}

// Category returns the name of a category id.
func (n *names) Category(id int64) string { return n.Categories[id].Name }

// Dept returns the name of a department id pointer ("" for none).
func (n *names) Dept(id *int64) string {
	if id == nil {
		return ""
	}
	return n.Department[*id]
}

// TG returns the name of a target group id pointer.
func (n *names) TG(id *int64) string {
	if id == nil {
		return ""
	}
	return n.TargetGroup[*id]
}

func (h *Handler) categoryOptions(p *web.Page, n *names, empty string) []web.Option {
	out := []web.Option{{Value: "", Label: p.L.T(empty)}}
	for _, c := range n.CategoryOrder {
		if !c.Archived {
			out = append(out, web.Option{Value: itoa(c.ID), Label: c.Name})
		}
	}
	return out
}

func (h *Handler) municipalityOptions(r *http.Request, p *web.Page, empty string) ([]web.Option, error) {
	ms, _, err := h.Svc.Partners.FindMunicipalities(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: p.L.T(empty)}}
	for _, m := range ms {
		out = append(out, web.Option{Value: itoa(m.ID), Label: m.Name})
	}
	return out, nil
}

func (h *Handler) targetGroupOptions(r *http.Request, p *web.Page, empty string) ([]web.Option, error) {
	gs, _, err := h.Svc.Partners.FindTargetGroups(r.Context(), partner.Filter{Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: p.L.T(empty)}}
	for _, g := range gs {
		out = append(out, web.Option{Value: itoa(g.ID), Label: g.Name})
	}
	return out, nil
}

func departmentOptions(p *web.Page, n *names, empty string) []web.Option {
	out := []web.Option{{Value: "", Label: p.L.T(empty)}}
	for _, d := range n.Departments {
		if !d.Archived {
			out = append(out, web.Option{Value: itoa(d.ID), Label: d.Name})
		}
	}
	return out
}

func stateOptions(p *web.Page) []web.Option {
	out := []web.Option{{Value: "", Label: p.L.T("suggestion.filter.state_any")}, {Value: "open", Label: p.L.T("suggestion.filter.open")}}
	for _, s := range States {
		out = append(out, web.Option{Value: string(s), Label: p.L.T("suggestion.state." + string(s))})
	}
	return out
}

func sourceOptions(p *web.Page) []web.Option {
	var out []web.Option
	for _, s := range Sources {
		out = append(out, web.Option{Value: string(s), Label: p.L.T("suggestion.source." + string(s))})
	}
	return out
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func int64Of(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

// ---------- the public form

const (
	formMax  = 1 << 20
	photoMax = MaxPhoto + 1<<20 // the photo and the rest of the form
)

// honeypot is the field people never see; a bot fills it.
const honeypot = "web_stranka"

var submitFields = []string{"text", "category_id", "municipality_id", "target_group_id", "address", "photo", "contact_name", "contact_email", "contact_phone", "consent"}

// ShowSubmitForm is the citizen's one-screen form at /podnet.
func (h *Handler) ShowSubmitForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderSubmitForm(w, r, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderSubmitForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	p := h.R.Page(r, "suggestion.submit.title")
	p.Form = f
	n, err := h.names(r)
	if err != nil {
		return err
	}
	munis, err := h.municipalityOptions(r, p, "form.none")
	if err != nil {
		return err
	}
	groups, err := h.targetGroupOptions(r, p, "suggestion.submit.no_group")
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Categories": h.categoryOptions(p, n, "form.none"), "Municipalities": munis, "Groups": groups, "Honeypot": honeypot}
	h.R.Render(w, r, status, "suggestion/submit", p)
	return nil
}

// Submit stores the public form. Five stored submissions per ten minutes
// per address; a filled honeypot stores nothing and looks like success.
func (h *Handler) Submit(w http.ResponseWriter, r *http.Request) error {
	ip := h.ClientIP(r)
	if ok, wait := h.Limiter.Check(ip); !ok {
		return &apperr.Error{Code: apperr.TooMany, Msg: apperr.Msg{Key: "suggestion.err.too_many"}, Retry: wait}
	}
	f, err := web.ParseForm(w, r, photoMax)
	if err != nil {
		return err
	}
	if f.Get(honeypot) != "" {
		h.Limiter.Add(ip)
		return h.renderThanks(w, r, NewCode(), false)
	}
	in := Input{Text: f.Values.Get("text"), CategoryID: int64Of(f.Get("category_id")), MunicipalityID: int64Of(f.Get("municipality_id")),
		TargetGroupID: f.Int64Ptr("target_group_id"), Address: f.Get("address"), LocationPrivate: f.Bool("location_private"),
		ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"), ContactPhone: f.Get("contact_phone"), Consent: f.Bool("consent"),
		Lang: web.LangFrom(r.Context())}
	in.Lat, in.Lng = floatPtr(f.Get("lat")), floatPtr(f.Get("lng"))
	photo, perr := readPhoto(r)
	if perr != nil {
		f.SetError(h.R.Localizer(r), perr, submitFields...)
		return h.renderSubmitForm(w, r, f, http.StatusUnprocessableEntity)
	}
	in.Photo = photo
	x, err := h.Svc.Submit(r.Context(), in)
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, submitFields...) {
			return h.renderSubmitForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	h.Limiter.Add(ip)
	return h.renderThanks(w, r, x.Code, x.ContactEmail != "")
}

func floatPtr(s string) *float64 {
	if s == "" {
		return nil
	}
	v, err := geo.ParseCoord(s)
	if err != nil {
		return nil
	}
	return &v
}

// readPhoto reads the optional upload "photo".
func readPhoto(r *http.Request) ([]byte, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	file, hdr, err := r.FormFile("photo")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if hdr.Size == 0 {
		return nil, nil
	}
	if hdr.Size > MaxPhoto {
		fs := apperr.Fields{}
		fs.Add("photo", "suggestion.err.photo_size")
		return nil, fs.Err()
	}
	return io.ReadAll(io.LimitReader(file, MaxPhoto+1))
}

func (h *Handler) renderThanks(w http.ResponseWriter, r *http.Request, code string, mailed bool) error {
	p := h.R.Page(r, "suggestion.thanks.title")
	p.NoIndex = true
	p.Data = map[string]any{"Code": code, "Mailed": mailed}
	h.R.Render(w, r, http.StatusOK, "suggestion/thanks", p)
	return nil
}

// FindByCodeForm answers the "I have a code" form on /podnet.
func (h *Handler) FindByCodeForm(w http.ResponseWriter, r *http.Request) error {
	code := NormalizeCode(r.URL.Query().Get("kod"))
	if code == "" {
		http.Redirect(w, r, "/podnet", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/podnet/"+url.PathEscape(code), http.StatusSeeOther)
	return nil
}

// ShowTracking is the public page of one suggestion: its state and public
// history, never personal data.
func (h *Handler) ShowTracking(w http.ResponseWriter, r *http.Request) error {
	x, err := h.Svc.FindByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return apperr.New(apperr.NotFound, "suggestion.err.code_unknown")
		}
		return err
	}
	evs, err := h.Svc.PublicEvents(r.Context(), x.ID)
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	var dupCode string
	if x.DuplicateOf != nil {
		if d, err := findSuggestion(r.Context(), h.Svc.DB, "s.id = ?", *x.DuplicateOf); err == nil {
			dupCode = d.Code
		}
	}
	measure, err := h.Svc.MeasureOf(r.Context(), x)
	if err != nil {
		return err
	}
	trace, err := h.Svc.PublicTrace(r.Context(), x.ID)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "suggestion.track.title", "Code", x.Code).Crumb("/podnet", h.R.Localizer(r).T("suggestion.submit.title"))
	p.NoIndex = true
	p.Data = map[string]any{"S": Public(x), "Events": evs, "N": n, "DupCode": dupCode, "Measure": measure, "Trace": trace}
	h.R.Render(w, r, http.StatusOK, "suggestion/track", p)
	return nil
}

// PublicView is what anyone may see of a suggestion.
type PublicView struct {
	Code           string
	Text           string
	CategoryID     int64
	MunicipalityID int64
	Address        string // "" when the citizen asked for privacy
	State          State
	PublicNote     string
	RedirectTo     string
	PlanRef        string
	QuickWin       bool
	ReceivedAt     time.Time
	ClosedAt       *time.Time
	UpdatedAt      time.Time
	Lat, Lng       *float64 // coarsened (about 150 m) when private
}

// Public returns the public view of x.
func Public(x *Suggestion) PublicView {
	v := PublicView{Code: x.Code, Text: x.Text, CategoryID: x.CategoryID, MunicipalityID: x.MunicipalityID, Address: x.Address, State: x.State,
		PublicNote: x.PublicNote, RedirectTo: x.RedirectTo, PlanRef: x.PlanRef, QuickWin: x.QuickWin, ReceivedAt: x.ReceivedAt, ClosedAt: x.ClosedAt,
		UpdatedAt: x.UpdatedAt, Lat: x.Lat, Lng: x.Lng}
	if x.LocationPrivate {
		v.Address = ""
		if x.Lat != nil && x.Lng != nil {
			la, lo := geo.Coarsen(*x.Lat, *x.Lng)
			v.Lat, v.Lng = &la, &lo
		}
	}
	return v
}

// ---------- the desk: inbox, detail, actions

func filterFrom(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{Q: q.Get("q"), CategoryID: int64Of(q.Get("category_id")), MunicipalityID: int64Of(q.Get("municipality_id")),
		TargetGroupID: int64Of(q.Get("target_group_id")), Overdue: q.Get("overdue") == "1", QuickWin: q.Get("quick_win") == "1",
		Source: Source(q.Get("source")), Paging: web.PagingFrom(r)}
	switch d := q.Get("department_id"); d {
	case "none":
		f.Unrouted = true
	default:
		f.DepartmentID = int64Of(d)
	}
	switch st := q.Get("state"); {
	case st == "open":
		f.States = OpenStates
	case State(st).Valid():
		f.States = []State{State(st)}
	}
	if !f.Source.Valid() {
		f.Source = ""
	}
	return f
}

// ShowList is the inbox: the coordinator's all, an officer's their department's.
func (h *Handler) ShowList(w http.ResponseWriter, r *http.Request) error {
	f := filterFrom(r)
	f.CountCap = ListCountCap
	items, total, err := h.Svc.Find(r.Context(), f)
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "suggestion.list.title")
	p.Wide = true
	p.Form = web.NewForm(r.URL.Query())
	munis, err := h.municipalityOptions(r, p, "form.any")
	if err != nil {
		return err
	}
	munis = append(munis[:1], append([]web.Option{{Value: "-1", Label: p.L.T("suggestion.unlocated")}}, munis[1:]...)...)
	u := auth.UserFrom(r.Context())
	depts := departmentOptions(p, n, "form.any")
	depts = append(depts[:1], append([]web.Option{{Value: "none", Label: p.L.T("suggestion.filter.unrouted")}}, depts[1:]...)...)
	pv := p.PagerView(web.NewPager(r, f.Paging, total))
	if total > ListCountCap {
		pv.Summary = p.L.T("suggestion.public.summary_more", "From", pv.From(), "To", pv.To(), "Cap", ListCountCap)
	}
	p.Data = map[string]any{"Items": items, "Pager": pv, "N": n, "Today": h.Svc.Today(),
		"States": stateOptions(p), "Categories": h.categoryOptions(p, n, "form.any"), "Municipalities": munis, "Departments": depts,
		"Staff": u.IsStaff()}
	h.R.Render(w, r, http.StatusOK, "suggestion/list", p)
	return nil
}

// ShowDetail shows one suggestion with its history and the forms to act on it.
func (h *Handler) ShowDetail(w http.ResponseWriter, r *http.Request) error {
	return h.renderDetail(w, r, nil, http.StatusOK)
}

func (h *Handler) renderDetail(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	x, err := h.Svc.FindByID(ctx, id)
	if err != nil {
		return err
	}
	evs, err := h.Svc.Events(ctx, id)
	if err != nil {
		return err
	}
	trace, err := h.Svc.Trace(ctx, id)
	if err != nil {
		return err
	}
	n, err := h.names(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	p := h.R.Page(r, "suggestion.detail.title", "Code", x.Code).Crumb("/podnety", h.R.Localizer(r).T("suggestion.list.title"))
	if f == nil {
		vals := url.Values{"due_date": {h.Svc.Today().AddDate(0, 0, 30).Format(time.DateOnly)}}
		if x.MunicipalityID > 0 {
			vals.Set("municipality_id", itoa(x.MunicipalityID))
		}
		if x.DepartmentID != nil {
			vals.Set("department_id", itoa(*x.DepartmentID))
			if !x.DueDate.IsZero() {
				vals.Set("due_date", x.DueDate.String())
			}
		} else if c, ok := n.Categories[x.CategoryID]; ok && c.DepartmentID != nil {
			vals.Set("department_id", itoa(*c.DepartmentID))
		}
		f = web.NewForm(vals)
	}
	p.Form = f
	var actions []web.Option
	for _, a := range Actions {
		if _, ok := Allowed(x.State, a); ok && (u.IsStaff() || !StaffOnly(a)) {
			actions = append(actions, web.Option{Value: string(a), Label: p.L.T("suggestion.action." + string(a))})
		}
	}
	var dup *Suggestion
	if x.DuplicateOf != nil {
		dup, _ = findSuggestion(ctx, h.Svc.DB, "s.id = ?", *x.DuplicateOf)
	}
	measure, err := h.Svc.MeasureOf(ctx, x)
	if err != nil {
		return err
	}
	var measures []web.Option
	if u.IsStaff() {
		ms, err := h.Svc.CurrentMeasures(ctx)
		if err != nil {
			return err
		}
		if len(ms) > 0 {
			measures = append(measures, web.Option{Value: "", Label: p.L.T("form.none")})
			for _, m := range ms {
				measures = append(measures, web.Option{Value: itoa(m.ID), Label: m.Label()})
			}
		}
	}
	var munis []web.Option
	if u.IsStaff() {
		if munis, err = h.municipalityOptions(r, p, "form.none"); err != nil {
			return err
		}
	}
	p.Data = map[string]any{"S": x, "Events": evs, "Trace": trace, "N": n, "Staff": u.IsStaff(), "Actions": actions, "Municipalities": munis,
		"Departments": departmentOptions(p, n, "form.none"), "Overdue": x.Overdue(h.Svc.Today()), "Dup": dup,
		"Measure": measure, "Measures": measures}
	h.R.Render(w, r, status, "suggestion/detail", p)
	return nil
}

// ShowPhoto serves the photo to those who may see the suggestion.
func (h *Handler) ShowPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ct, data, err := h.Svc.Photo(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", "inline")
	w.Write(data)
	return nil
}

var changeFields = []string{"action", "public_note", "internal_note", "redirect_to", "plan_ref", "plan_measure_id", "duplicate_of"}

// ChangeState applies the state form of the detail page.
func (h *Handler) ChangeState(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	c := Change{Action: Action(f.Get("action")), PublicNote: f.Values.Get("public_note"), InternalNote: f.Values.Get("internal_note"),
		RedirectTo: f.Get("redirect_to"), PlanRef: f.Get("plan_ref"), PlanMeasure: int64Of(f.Get("plan_measure_id")), DuplicateOf: f.Get("duplicate_of")}
	if _, err := h.Svc.Transition(r.Context(), id, c); err != nil {
		if apperr.CodeOf(err) != apperr.NotFound && f.SetError(h.R.Localizer(r), err, changeFields...) {
			return h.renderDetail(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/podnety/"+itoa(id), "suggestion.flash.state")
	return nil
}

// AddNote adds a public answer or an internal note.
func (h *Handler) AddNote(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if _, err := h.Svc.AddNote(r.Context(), id, f.Values.Get("note_public"), f.Values.Get("note_internal")); err != nil {
		if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
			// The service names its own fields; the form's are prefixed.
			g := apperr.Fields{}
			for k, m := range e.Fields {
				g[strings.Replace(k, "_note", "", 1)] = m
			}
			renamed := apperr.Fields{}
			for k, m := range g {
				renamed["note_"+k] = m
			}
			f.SetError(h.R.Localizer(r), renamed.Err(), "note_public", "note_internal")
			return h.renderDetail(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/podnety/"+itoa(id), "suggestion.flash.note")
	return nil
}

// Route sends the suggestion to a department with a due date.
func (h *Handler) Route(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	due, derr := store.ParseDate(f.Get("due_date"))
	if derr != nil && f.Get("due_date") != "" {
		fs := apperr.Fields{}
		fs.Add("due_date", "suggestion.err.date")
		f.SetError(h.R.Localizer(r), fs.Err())
		return h.renderDetail(w, r, f, http.StatusUnprocessableEntity)
	}
	if _, err := h.Svc.Route(r.Context(), id, int64Of(f.Get("department_id")), due, f.Values.Get("route_note")); err != nil {
		if apperr.CodeOf(err) != apperr.NotFound && f.SetError(h.R.Localizer(r), err, "department_id", "due_date", "route_note") {
			return h.renderDetail(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/podnety/"+itoa(id), "suggestion.flash.routed")
	return nil
}

// SetMunicipality assigns the municipality (the inbox's "obec nezjištěna").
func (h *Handler) SetMunicipality(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if _, err := h.Svc.SetMunicipality(r.Context(), id, int64Of(f.Get("municipality_id"))); err != nil {
		if apperr.CodeOf(err) != apperr.NotFound && f.SetError(h.R.Localizer(r), err, "municipality_id") {
			return h.renderDetail(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/podnety/"+itoa(id), "suggestion.flash.municipality")
	return nil
}

// ToggleQuickWin flags or unflags a quick win.
func (h *Handler) ToggleQuickWin(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if _, err := h.Svc.SetQuickWin(r.Context(), id, f.Get("on") == "1"); err != nil {
		return err
	}
	web.Redirect(w, r, "/podnety/"+itoa(id), "flash.saved")
	return nil
}

// ---------- the coordinator's entry form

var createFields = []string{"text", "source", "received_at", "category_id", "municipality_id", "target_group_id", "address", "location", "contact_name", "contact_email", "contact_phone", "consent"}

// ShowCreateForm is the coordinator's form for a suggestion from a meeting, a call, an e-mail.
func (h *Handler) ShowCreateForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderCreateForm(w, r, web.NewForm(url.Values{"source": {string(SourceWorkingGroup)}, "received_at": {h.Svc.Today().String()}}), http.StatusOK)
}

func (h *Handler) renderCreateForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	p := h.R.Page(r, "suggestion.create.title").Crumb("/podnety", h.R.Localizer(r).T("suggestion.list.title"))
	p.Form = f
	n, err := h.names(r)
	if err != nil {
		return err
	}
	munis, err := h.municipalityOptions(r, p, "form.none")
	if err != nil {
		return err
	}
	groups, err := h.targetGroupOptions(r, p, "suggestion.submit.no_group")
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Categories": h.categoryOptions(p, n, "form.none"), "Municipalities": munis, "Groups": groups, "Sources": sourceOptions(p)}
	h.R.Render(w, r, status, "suggestion/create", p)
	return nil
}

// Create stores the coordinator's entry.
func (h *Handler) Create(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	in := Input{Text: f.Values.Get("text"), CategoryID: int64Of(f.Get("category_id")), MunicipalityID: int64Of(f.Get("municipality_id")),
		TargetGroupID: f.Int64Ptr("target_group_id"), Address: f.Get("address"), LocationPrivate: f.Bool("location_private"), Source: Source(f.Get("source")),
		ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"), ContactPhone: f.Get("contact_phone"), Consent: f.Bool("consent")}
	if v := f.Get("location"); v != "" {
		la, lo, err := geo.ParsePoint(v)
		if err != nil {
			fs := apperr.Fields{}
			fs.Add("location", "suggestion.err.coordinates")
			f.SetError(h.R.Localizer(r), fs.Err(), createFields...)
			return h.renderCreateForm(w, r, f, http.StatusUnprocessableEntity)
		}
		in.Lat, in.Lng = &la, &lo
	}
	if v := f.Get("received_at"); v != "" {
		d, err := store.ParseDate(v)
		if err != nil {
			fs := apperr.Fields{}
			fs.Add("received_at", "suggestion.err.date")
			f.SetError(h.R.Localizer(r), fs.Err())
			return h.renderCreateForm(w, r, f, http.StatusUnprocessableEntity)
		}
		if !d.Equal(h.Svc.Today().Time) {
			in.ReceivedAt = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, prague)
		}
	}
	x, err := h.Svc.Create(r.Context(), in)
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, createFields...) {
			return h.renderCreateForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/podnety/"+itoa(x.ID), "flash.created")
	return nil
}

// ---------- categories

// ShowCategories lists the categories.
func (h *Handler) ShowCategories(w http.ResponseWriter, r *http.Request) error {
	n, err := h.names(r)
	if err != nil {
		return err
	}
	p := h.R.Page(r, "suggestion.category.list").Crumb("/podnety", h.R.Localizer(r).T("suggestion.list.title"))
	p.Data = map[string]any{"Items": n.CategoryOrder, "N": n}
	h.R.Render(w, r, http.StatusOK, "suggestion/categories", p)
	return nil
}

var categoryFields = []string{"name", "code", "description", "department_id", "sort_order", "accessibility", "archived"}

// ShowCategoryForm shows a new or existing category.
func (h *Handler) ShowCategoryForm(w http.ResponseWriter, r *http.Request) error {
	vals := url.Values{}
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		c, err := h.Svc.CategoryByID(r.Context(), id)
		if err != nil {
			return err
		}
		vals = url.Values{"name": {c.Name}, "code": {c.Code}, "description": {c.Description}, "sort_order": {strconv.Itoa(c.SortOrder)}}
		if c.DepartmentID != nil {
			vals.Set("department_id", itoa(*c.DepartmentID))
		}
		if c.Accessibility {
			vals.Set("accessibility", "on")
		}
		if c.Archived {
			vals.Set("archived", "on")
		}
	}
	return h.renderCategoryForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderCategoryForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "suggestion.category.new"
	if r.PathValue("id") != "" {
		title = "suggestion.category.edit"
	}
	l := h.R.Localizer(r)
	p := h.R.Page(r, title).Crumb("/podnety", l.T("suggestion.list.title")).Crumb("/kategorie-podnetu", l.T("suggestion.category.list"))
	p.Form = f
	n, err := h.names(r)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Departments": departmentOptions(p, n, "form.none")}
	h.R.Render(w, r, status, "suggestion/category_form", p)
	return nil
}

// SaveCategory stores the category form.
func (h *Handler) SaveCategory(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	var id int64
	if r.PathValue("id") != "" {
		if id, err = web.PathID(r); err != nil {
			return err
		}
	}
	order, _ := strconv.Atoi(f.Get("sort_order"))
	c := Category{Name: f.Get("name"), Code: f.Get("code"), Description: f.Values.Get("description"), DepartmentID: f.Int64Ptr("department_id"),
		SortOrder: order, Accessibility: f.Bool("accessibility"), Archived: f.Bool("archived")}
	if _, err := h.Svc.SaveCategory(r.Context(), id, c); err != nil {
		if f.SetError(h.R.Localizer(r), err, categoryFields...) {
			return h.renderCategoryForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/kategorie-podnetu", "flash.saved")
	return nil
}
