package grant

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/catalog"
	"kpss/internal/store"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

//go:embed templates/*.html i18n/*.json openapi.json
var files embed.FS

// Handler serves the grant pages and API.
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
	if err := r.Register("grant", files, "templates"); err != nil {
		return nil, err
	}
	return &Handler{Svc: svc, R: r, API: api}, nil
}

// OpenAPI is the module's fragment of the API document.
func OpenAPI() []byte {
	b, _ := files.ReadFile("openapi.json")
	return b
}

const formMax = 1 << 20

func (h *Handler) page(r *http.Request, title string, args ...any) *web.Page {
	p := h.R.Page(r, title, args...)
	if title != "grant.title" {
		p.Crumb("/dotace", p.L.T("grant.title"))
	}
	p.NoIndex = auth.UserFrom(r.Context()) != nil
	return p
}

func pathID(r *http.Request) (int64, error) { return web.PathID(r) }

// CallView is a call with what its pages show.
type CallView struct {
	*Call
	Phase    string
	Types    []string // labels of the eligible types
	Measures []string
}

func (h *Handler) typeLabels(r *http.Request) (map[string]string, []catalog.ServiceType, error) {
	out := map[string]string{}
	if h.Svc.Catalog == nil {
		return out, nil, nil
	}
	ts, err := h.Svc.Catalog.Types(r.Context())
	if err != nil {
		return nil, nil, err
	}
	for _, t := range ts {
		out[t.Code] = t.Label()
	}
	return out, ts, nil
}

func (h *Handler) callView(r *http.Request, c *Call) (CallView, error) {
	v := CallView{Call: c, Phase: c.Phase(h.Svc.Today())}
	labels, _, err := h.typeLabels(r)
	if err != nil {
		return v, err
	}
	for _, code := range c.EligibleTypes {
		if l, ok := labels[code]; ok {
			v.Types = append(v.Types, l)
		} else {
			v.Types = append(v.Types, code)
		}
	}
	if h.Svc.Measures != nil && len(c.MeasureIDs) > 0 {
		ms, err := h.Svc.Measures.MeasuresByID(r.Context(), c.MeasureIDs)
		if err != nil {
			return v, err
		}
		for _, id := range c.MeasureIDs {
			if m, ok := ms[id]; ok {
				v.Measures = append(v.Measures, strings.TrimSpace(m.Code+" "+m.Title))
			}
		}
	}
	return v, nil
}

// ShowCalls lists the calls (staff see drafts too).
func (h *Handler) ShowCalls(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	cs, err := h.Svc.FindCalls(r.Context(), u.IsStaff())
	if err != nil {
		return err
	}
	views := make([]CallView, len(cs))
	for i := range cs {
		views[i] = CallView{Call: &cs[i], Phase: cs[i].Phase(h.Svc.Today())}
	}
	p := h.page(r, "grant.title")
	p.NoIndex = false
	p.Data = map[string]any{"Calls": views, "Staff": u.IsStaff(), "Provider": u.Is(auth.RoleProvider) && u.OrganisationID != nil,
		"Evaluator": u.Is(auth.RoleEvaluator)}
	h.R.Render(w, r, http.StatusOK, "grant/calls", p)
	return nil
}

// ShowCall shows a call: dates, money, criteria with their score levels,
// and the results once decided.
func (h *Handler) ShowCall(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	c, err := h.Svc.FindCall(r.Context(), id, u.IsStaff())
	if err != nil {
		return err
	}
	v, err := h.callView(r, c)
	if err != nil {
		return err
	}
	p := h.page(r, "grant.call.title", "Title", c.Title)
	p.NoIndex = v.Phase == PhaseDraft
	data := map[string]any{"C": v, "Staff": u.IsStaff()}
	if u.Is(auth.RoleProvider) && u.OrganisationID != nil {
		data["Provider"] = true
		if a, err := h.Svc.ApplicationOf(r.Context(), c.ID, *u.OrganisationID); err == nil {
			data["Mine"] = a
		} else if apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
	}
	if v.Phase == PhaseDecided {
		res, err := h.Svc.Results(r.Context(), c)
		if err != nil {
			return err
		}
		data["Results"] = res
	}
	if u.IsStaff() {
		as, err := h.Svc.FindApplications(r.Context(), c.ID)
		if err != nil {
			return err
		}
		counts := map[string]int{}
		for _, a := range as {
			counts[a.State]++
		}
		data["Counts"], data["AppTotal"] = counts, len(as)
	}
	p.Data = data
	h.R.Render(w, r, http.StatusOK, "grant/call", p)
	return nil
}

var callFields = []string{"title", "year", "description", "budget", "max_request", "scale_max", "eligible_types", "measure_ids",
	"published_on", "apply_from", "apply_until", "evaluate_until", "decide_on", "settle_until", "formal_checks", "criteria",
	"disagree_pct", "disagree_recommend", "disagree_points", "third_rule", "min_score", "alloc_method", "cap_pct"}

// blankCriteria is how many empty criterion rows the form offers for adding.
const blankCriteria = 2

func dateValue(d store.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func amountValue(n CZK) string {
	if n == 0 {
		return ""
	}
	return itoa(int64(n))
}

func callValues(c *Call) url.Values {
	v := url.Values{"title": {c.Title}, "year": {strconv.Itoa(c.Year)}, "description": {c.Description},
		"budget": {amountValue(c.Budget)}, "max_request": {amountValue(c.MaxRequest)}, "scale_max": {strconv.Itoa(c.ScaleMax)},
		"eligible_types": c.EligibleTypes, "published_on": {dateValue(c.PublishedOn)}, "apply_from": {dateValue(c.ApplyFrom)},
		"apply_until": {dateValue(c.ApplyUntil)}, "evaluate_until": {dateValue(c.EvaluateUntil)}, "decide_on": {dateValue(c.DecideOn)},
		"settle_until": {dateValue(c.SettleUntil)}, "formal_checks": {strings.Join(c.FormalChecks, "\n")},
		"disagree_pct": {strconv.Itoa(c.DisagreePct)}, "disagree_points": {strconv.Itoa(c.DisagreePoints)}, "third_rule": {c.ThirdRule},
		"min_score": {FormatPoints(c.MinScore)}, "alloc_method": {c.AllocMethod}, "cap_pct": {strconv.Itoa(c.CapPct)}}
	for _, id := range c.MeasureIDs {
		v.Add("measure_ids", itoa(id))
	}
	if c.DisagreeRecommend {
		v.Set("disagree_recommend", "on")
	}
	for i, cr := range c.Criteria {
		if cr.ID != 0 {
			v.Set(CriterionField(i, "id"), itoa(cr.ID))
		}
		v.Set(CriterionField(i, "name"), cr.Name)
		v.Set(CriterionField(i, "description"), cr.Description)
		v.Set(CriterionField(i, "weight"), strconv.Itoa(cr.Weight))
		v.Set(CriterionField(i, "levels"), strings.Join(cr.Levels, "\n"))
	}
	v.Set("criteria_n", strconv.Itoa(len(c.Criteria)))
	return v
}

// defaultCall is what a new call's form starts with.
func (h *Handler) defaultCall() *Call {
	y := h.Svc.Today().Year() + 1
	return &Call{Year: y, Title: "Dotace na sociální služby " + strconv.Itoa(y), ScaleMax: 5, ThirdRule: ThirdReplaceFurther,
		AllocMethod: AllocGreedy, CapPct: 100, DisagreePct: 20, DisagreeRecommend: true, DisagreePoints: 3,
		FormalChecks: []string{"Žádost podána v termínu", "Podepsána statutárním zástupcem", "Služba je registrována podle zákona 108/2006 Sb.",
			"Přiloženo rozhodnutí o registraci", "Rozpočet je úplný a sečtený"},
		Criteria: []Criterion{
			{Name: "Potřebnost služby v území", Weight: 30, Levels: []string{"Potřebnost nedoložena", "Slabě doložena", "Částečně doložena", "Doložena", "Dobře doložena daty z území", "Výborně doložena, návaznost na komunitní plán"}},
			{Name: "Kvalita a dostupnost služby", Weight: 25, Levels: []string{"Nedostatečná", "Slabá", "Průměrná", "Dobrá", "Velmi dobrá", "Vynikající"}},
			{Name: "Přiměřenost rozpočtu", Weight: 25, Levels: []string{"Rozpočet nepřiměřený", "Výrazně nadsazený", "Částečně nadsazený", "Přiměřený s výhradami", "Přiměřený", "Přesně zdůvodněný a hospodárný"}},
			{Name: "Vícezdrojové financování", Weight: 20, Levels: []string{"Jen dotace města", "Jiné zdroje do 10 %", "Jiné zdroje do 25 %", "Jiné zdroje do 40 %", "Jiné zdroje do 60 %", "Jiné zdroje nad 60 %"}},
		}}
}

// ShowCallForm shows the form of a new call or of call {id}.
func (h *Handler) ShowCallForm(w http.ResponseWriter, r *http.Request) error {
	c := h.defaultCall()
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if c, err = h.Svc.FindCall(r.Context(), id, true); err != nil {
			return err
		}
	}
	return h.renderCallForm(w, r, web.NewForm(callValues(c)), http.StatusOK)
}

// CriterionRow is one row of the criteria table of the call form.
type CriterionRow struct {
	I                                      int
	ID, Name, Description, Weight, Levels  web.FieldView
	NameErr, WeightErr, LevelsErr, Removed string
}

func (h *Handler) renderCallForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "grant.call.new"
	if r.PathValue("id") != "" {
		title = "grant.call.edit"
	}
	p := h.page(r, title)
	p.Form, p.Wide = f, true
	_, types, err := h.typeLabels(r)
	if err != nil {
		return err
	}
	var typeOpts []web.Option
	for _, t := range types {
		if t.Registered {
			typeOpts = append(typeOpts, web.Option{Value: t.Code, Label: t.Label()})
		}
	}
	var measureOpts []web.Option
	if h.Svc.Measures != nil {
		ms, err := h.Svc.Measures.CurrentMeasures(r.Context())
		if err != nil {
			return err
		}
		for _, m := range ms {
			measureOpts = append(measureOpts, web.Option{Value: itoa(m.ID), Label: strings.TrimSpace(m.Code + " " + m.Title)})
		}
	}
	n, _ := strconv.Atoi(f.Get("criteria_n"))
	rows := make([]int, 0, n+blankCriteria)
	for i := 0; i < n+blankCriteria; i++ {
		rows = append(rows, i)
	}
	p.Data = map[string]any{"ID": r.PathValue("id"), "Types": typeOpts, "Measures": measureOpts, "Rows": rows,
		"Scales":       []web.Option{{Value: "5", Label: p.L.T("grant.scale.5")}, {Value: "10", Label: p.L.T("grant.scale.10")}},
		"ThirdRules":   options(p.L, "grant.third.", ThirdRules),
		"AllocMethods": options(p.L, "grant.alloc.", AllocMethods)}
	h.R.Render(w, r, status, "grant/call_form", p)
	return nil
}

func options(l *i18n.Localizer, prefix string, values []string) []web.Option {
	out := make([]web.Option, len(values))
	for i, v := range values {
		out[i] = web.Option{Value: v, Label: l.T(prefix + v)}
	}
	return out
}

// parseDate reads a date typed as 2026-11-22 or 22. 11. 2026.
func parseDate(f *web.Form, name string, fields apperr.Fields) store.Date {
	v := f.Get(name)
	if v == "" {
		return store.Date{}
	}
	if d, err := store.ParseDate(v); err == nil {
		return d
	}
	if t, err := time.Parse("2. 1. 2006", strings.Join(strings.Fields(strings.ReplaceAll(v, ".", ". ")), " ")); err == nil {
		return store.NewDate(t.Year(), t.Month(), t.Day())
	}
	fields.Add(name, "grant.err.date")
	return store.Date{}
}

func parseAmount(f *web.Form, name string, fields apperr.Fields) CZK {
	n, ok := ParseCZK(f.Get(name))
	if !ok {
		fields.Add(name, "grant.err.amount")
	}
	return n
}

func parseInt(f *web.Form, name string, fields apperr.Fields) int {
	v := f.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fields.Add(name, "grant.err.number")
	}
	return n
}

func parseFloat(f *web.Form, name string, fields apperr.Fields) float64 {
	v := strings.Replace(f.Get(name), ",", ".", 1)
	if v == "" {
		return 0
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		fields.Add(name, "grant.err.number")
	}
	return x
}

// mergeErr joins parse errors with the service's validation errors (parse
// errors win for their field).
func mergeErr(parse apperr.Fields, err error) error {
	if len(parse) == 0 {
		return err
	}
	if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
		for k, v := range e.Fields {
			if _, ok := parse[k]; !ok {
				parse[k] = v
			}
		}
	}
	return parse.Err()
}

// SaveCall creates or updates a call from the form.
func (h *Handler) SaveCall(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	c := Call{Title: f.Get("title"), Description: f.Values.Get("description"), EligibleTypes: f.Values["eligible_types"],
		MeasureIDs: f.Int64s("measure_ids"), FormalChecks: strings.Split(f.Values.Get("formal_checks"), "\n"),
		DisagreeRecommend: f.Bool("disagree_recommend"), ThirdRule: f.Get("third_rule"), AllocMethod: f.Get("alloc_method")}
	c.Year = parseInt(f, "year", fields)
	c.Budget, c.MaxRequest = parseAmount(f, "budget", fields), parseAmount(f, "max_request", fields)
	c.ScaleMax = parseInt(f, "scale_max", fields)
	c.PublishedOn, c.ApplyFrom, c.ApplyUntil = parseDate(f, "published_on", fields), parseDate(f, "apply_from", fields), parseDate(f, "apply_until", fields)
	c.EvaluateUntil, c.DecideOn, c.SettleUntil = parseDate(f, "evaluate_until", fields), parseDate(f, "decide_on", fields), parseDate(f, "settle_until", fields)
	c.DisagreePct, c.DisagreePoints, c.CapPct = parseInt(f, "disagree_pct", fields), parseInt(f, "disagree_points", fields), parseInt(f, "cap_pct", fields)
	c.MinScore = parseFloat(f, "min_score", fields)
	n, _ := strconv.Atoi(f.Get("criteria_n"))
	// Rows keep their form index so that errors point to the right row;
	// a removed or empty row is left out.
	kept := 0
	for i := 0; i < n+blankCriteria && i < 50; i++ {
		name, weight := f.Get(CriterionField(i, "name")), f.Get(CriterionField(i, "weight"))
		if f.Bool(CriterionField(i, "remove")) || (name == "" && weight == "" && strings.TrimSpace(f.Values.Get(CriterionField(i, "levels"))) == "") {
			continue
		}
		cr := Criterion{Name: name, Description: f.Get(CriterionField(i, "description")),
			Levels: strings.Split(strings.ReplaceAll(f.Values.Get(CriterionField(i, "levels")), "\r", ""), "\n")}
		if id := f.Int64Ptr(CriterionField(i, "id")); id != nil {
			cr.ID = *id
		}
		cr.Weight = parseInt(f, CriterionField(i, "weight"), fields)
		if kept != i {
			// Renumber the form so that the re-rendered rows match the errors.
			for _, part := range []string{"id", "name", "description", "weight", "levels"} {
				f.Values.Set(CriterionField(kept, part), f.Values.Get(CriterionField(i, part)))
			}
		}
		c.Criteria = append(c.Criteria, cr)
		kept++
	}
	for i := kept; i < n+blankCriteria; i++ {
		for _, part := range []string{"id", "name", "description", "weight", "levels", "remove"} {
			f.Values.Del(CriterionField(i, part))
		}
	}
	f.Values.Set("criteria_n", strconv.Itoa(kept))
	var id int64
	if r.PathValue("id") != "" {
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	var saved *Call
	if len(fields) > 0 {
		err = mergeErr(fields, c.Validate())
	} else {
		saved, err = h.Svc.SaveCall(r.Context(), id, c)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, callFields...) {
			return h.renderCallForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/dotace/vyzvy/"+itoa(saved.ID), "flash.saved")
	return nil
}

// CopyCall copies call {id} to the next year and opens the copy's form.
func (h *Handler) CopyCall(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := h.Svc.CopyCall(r.Context(), id)
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/dotace/vyzvy/"+itoa(c.ID)+"/upravit", "grant.flash.copied")
	return nil
}

// AppRow is an application in a list.
type AppRow struct {
	*Application
	Call      *Call
	Requested CZK
	Deadline  store.Date
	Editable  bool
}

// ShowApplications lists the applications of call {id} for the coordinator.
func (h *Handler) ShowApplications(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := h.Svc.FindCall(r.Context(), id, true)
	if err != nil {
		return err
	}
	as, err := h.Svc.FindApplications(r.Context(), id)
	if err != nil {
		return err
	}
	rows := make([]AppRow, len(as))
	var total CZK
	for i := range as {
		rows[i] = AppRow{Application: &as[i], Call: c, Requested: as[i].Requested()}
		if as[i].State != StateDraft {
			total += rows[i].Requested
		}
	}
	p := h.page(r, "grant.apps.title", "Title", c.Title)
	p.Crumb("/dotace/vyzvy/"+itoa(c.ID), c.Title)
	p.Wide = true
	p.Data = map[string]any{"C": c, "Rows": rows, "Total": total}
	h.R.Render(w, r, http.StatusOK, "grant/applications", p)
	return nil
}

// ShowMine lists the provider's applications and the calls open to it.
func (h *Handler) ShowMine(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	if u.OrganisationID == nil {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	as, err := h.Svc.OrganisationApplications(r.Context(), *u.OrganisationID)
	if err != nil {
		return err
	}
	cs, err := h.Svc.FindCalls(r.Context(), false)
	if err != nil {
		return err
	}
	calls := map[int64]*Call{}
	for i := range cs {
		calls[cs[i].ID] = &cs[i]
	}
	applied := map[int64]bool{}
	var rows []AppRow
	for i := range as {
		applied[as[i].CallID] = true
		c := calls[as[i].CallID]
		if c == nil {
			continue
		}
		rows = append(rows, AppRow{Application: &as[i], Call: c, Requested: as[i].Requested(), Deadline: Deadline(c, &as[i]),
			Editable: h.Svc.Editable(c, &as[i]) == nil})
	}
	var open []CallView
	for i := range cs {
		if ph := cs[i].Phase(h.Svc.Today()); (ph == PhaseOpen || ph == PhasePublished) && !applied[cs[i].ID] {
			open = append(open, CallView{Call: &cs[i], Phase: ph})
		}
	}
	p := h.page(r, "grant.mine.title")
	p.Data = map[string]any{"Rows": rows, "Open": open}
	h.R.Render(w, r, http.StatusOK, "grant/mine", p)
	return nil
}

// StartApplication opens (or continues) the provider's application to call {id}.
func (h *Handler) StartApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	if u.OrganisationID == nil {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	a, err := h.Svc.StartApplication(r.Context(), id, *u.OrganisationID)
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID)+"/upravit", "")
	return nil
}

// BudgetCell is one input of a budget table.
type BudgetCell struct {
	Name, ID, Value, Error, Label string
}

// BudgetRow is one line of a budget table.
type BudgetRow struct {
	Kind  string
	Cells []BudgetCell
}

// ServiceBlock is one service's part of the application form.
type ServiceBlock struct {
	ServiceID                   int64
	Name, TypeLabel, RegistryID string
	Eligible                    bool
	Requested, Note             web.FieldView
	Rows                        []BudgetRow
	Errors                      []BudgetCell // errors of the table's cells, listed under it
}

func lineCols() []string { return []string{"total", "other", "requested"} }

func appValues(a *Application) url.Values {
	v := url.Values{"contact_name": {a.ContactName}, "contact_email": {a.ContactEmail}, "contact_phone": {a.ContactPhone}}
	amount := func(n CZK) string {
		if n == 0 {
			return ""
		}
		return itoa(int64(n))
	}
	for _, s := range a.Services {
		v.Set(ServiceField(s.ServiceID, "requested"), amount(s.Requested))
		v.Set(ServiceField(s.ServiceID, "note"), s.Note)
		for _, l := range s.Lines {
			v.Set(LineField(s.ServiceID, l.Kind, "total"), amount(l.TotalCost))
			v.Set(LineField(s.ServiceID, l.Kind, "other"), amount(l.OtherSources))
			v.Set(LineField(s.ServiceID, l.Kind, "requested"), amount(l.Requested))
		}
	}
	for id, body := range a.Narratives {
		v.Set(NarrativeField(id), body)
	}
	return v
}

func (h *Handler) ownApp(r *http.Request) (*Application, *Call, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, nil, err
	}
	a, err := h.Svc.FindApplication(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	c, err := h.Svc.FindCall(r.Context(), a.CallID, true)
	if err != nil {
		return nil, nil, err
	}
	return a, c, nil
}

// ShowApplicationForm shows the provider's form of application {id}.
func (h *Handler) ShowApplicationForm(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	if err := h.Svc.Editable(c, a); err != nil {
		return err
	}
	return h.renderApplicationForm(w, r, a, c, web.NewForm(appValues(a)), http.StatusOK)
}

func (h *Handler) renderApplicationForm(w http.ResponseWriter, r *http.Request, a *Application, c *Call, f *web.Form, status int) error {
	p := h.page(r, "grant.app.edit", "Title", c.Title)
	p.Crumb("/dotace/vyzvy/"+itoa(c.ID), c.Title)
	p.Form, p.Wide = f, true
	svcs, eligible, err := h.Svc.ProviderServices(r.Context(), c, a.OrganisationID)
	if err != nil {
		return err
	}
	for _, sv := range a.Services {
		if !slices.ContainsFunc(svcs, func(x AppService) bool { return x.ServiceID == sv.ServiceID }) {
			svcs = append(svcs, sv)
		}
	}
	labels, _, err := h.typeLabels(r)
	if err != nil {
		return err
	}
	var blocks []ServiceBlock
	for _, sv := range svcs {
		b := ServiceBlock{ServiceID: sv.ServiceID, Name: sv.ServiceName, TypeLabel: labels[sv.TypeCode], RegistryID: sv.RegistryID, Eligible: eligible[sv.ServiceID],
			Requested: p.Field(ServiceField(sv.ServiceID, "requested"), "grant.app.requested", "inputmode=numeric", "hint=grant.app.requested_hint"),
			Note:      p.Field(ServiceField(sv.ServiceID, "note"), "grant.app.note", "type=textarea", "rows=2")}
		for _, k := range LineKinds {
			row := BudgetRow{Kind: p.L.T("grant.line." + k)}
			for _, col := range lineCols() {
				name := LineField(sv.ServiceID, k, col)
				cell := BudgetCell{Name: name, ID: "f-" + strings.ReplaceAll(name, "_", "-"), Value: f.Get(name), Error: f.Error(name),
					Label: p.L.T("grant.line."+k) + " – " + p.L.T("grant.col."+col) + " (" + sv.ServiceName + ")"}
				row.Cells = append(row.Cells, cell)
				if cell.Error != "" {
					b.Errors = append(b.Errors, cell)
				}
			}
			b.Rows = append(b.Rows, row)
		}
		blocks = append(blocks, b)
	}
	var crits []web.FieldView
	for _, cr := range c.Criteria {
		fv := p.Field(NarrativeField(cr.ID), "grant.app.narrative", "type=textarea", "rows=4", "required")
		fv.Label = cr.Name
		fv.Hint = cr.Description
		crits = append(crits, fv)
	}
	p.Data = map[string]any{"A": a, "C": c, "Blocks": blocks, "Criteria": crits, "Deadline": Deadline(c, a),
		"Open": !h.Svc.Today().Before(c.ApplyFrom.Time), "Requested": a.Requested(), "MaxAttachment": "5\u00a0MB"}
	h.R.Render(w, r, status, "grant/application_form", p)
	return nil
}

func appFieldOrder(a *Application, c *Call, svcs []AppService) []string {
	out := []string{"contact_name", "contact_email", "contact_phone", "requested"}
	for _, sv := range svcs {
		out = append(out, ServiceField(sv.ServiceID, "requested"))
		for _, k := range LineKinds {
			for _, col := range lineCols() {
				out = append(out, LineField(sv.ServiceID, k, col))
			}
		}
		out = append(out, ServiceField(sv.ServiceID, "note"))
	}
	for _, cr := range c.Criteria {
		out = append(out, NarrativeField(cr.ID))
	}
	return out
}

// SaveApplication saves the provider's form; the button "submit" submits.
func (h *Handler) SaveApplication(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	submit := f.Get("action") == "submit"
	svcs, _, err := h.Svc.ProviderServices(r.Context(), c, a.OrganisationID)
	if err != nil {
		return err
	}
	for _, sv := range a.Services {
		if !slices.ContainsFunc(svcs, func(x AppService) bool { return x.ServiceID == sv.ServiceID }) {
			svcs = append(svcs, sv)
		}
	}
	fields := apperr.Fields{}
	in := Application{ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email"), ContactPhone: f.Get("contact_phone"), Narratives: map[int64]string{}}
	for _, sv := range svcs {
		s := AppService{ServiceID: sv.ServiceID, ServiceName: sv.ServiceName, Note: f.Get(ServiceField(sv.ServiceID, "note"))}
		s.Requested = parseAmount(f, ServiceField(sv.ServiceID, "requested"), fields)
		for _, k := range LineKinds {
			s.Lines = append(s.Lines, BudgetLine{Kind: k,
				TotalCost:    parseAmount(f, LineField(sv.ServiceID, k, "total"), fields),
				OtherSources: parseAmount(f, LineField(sv.ServiceID, k, "other"), fields),
				Requested:    parseAmount(f, LineField(sv.ServiceID, k, "requested"), fields)})
		}
		in.Services = append(in.Services, s)
	}
	for _, cr := range c.Criteria {
		in.Narratives[cr.ID] = strings.TrimSpace(strings.ReplaceAll(f.Values.Get(NarrativeField(cr.ID)), "\r", ""))
	}
	if len(fields) > 0 {
		_, eligible, _ := h.Svc.ProviderServices(r.Context(), c, a.OrganisationID)
		tmp := *a
		tmp.Services, tmp.Narratives, tmp.ContactName, tmp.ContactEmail, tmp.ContactPhone = in.Services, in.Narratives, in.ContactName, in.ContactEmail, in.ContactPhone
		err = mergeErr(fields, tmp.Validate(c, eligible, submit))
	} else {
		_, err = h.Svc.SaveApplication(r.Context(), a.ID, in, submit)
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, appFieldOrder(a, c, svcs)...) {
			return h.renderApplicationForm(w, r, a, c, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	if submit {
		web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID), "grant.flash.submitted")
		return nil
	}
	web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID)+"/upravit", "flash.saved")
	return nil
}

// UploadAttachment attaches a PDF to application {id}.
func (h *Handler) UploadAttachment(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxAttachment+1<<16)
	if err := r.ParseMultipartForm(MaxAttachment + 1<<16); err != nil {
		f := web.NewForm(appValues(a))
		f.AddError("file", h.R.Localizer(r).T("grant.err.file_too_large", "Max", "5\u00a0MB"))
		return h.renderApplicationForm(w, r, a, c, f, http.StatusUnprocessableEntity)
	}
	if id := r.FormValue("remove"); id != "" {
		attID, _ := strconv.ParseInt(id, 10, 64)
		if err := h.Svc.RemoveAttachment(r.Context(), a.ID, attID); err != nil {
			return err
		}
		web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID)+"/upravit#prilohy", "grant.flash.detached")
		return nil
	}
	var name string
	var data []byte
	if file, hdr, err := r.FormFile("file"); err == nil {
		name = hdr.Filename
		data, err = io.ReadAll(io.LimitReader(file, MaxAttachment+1))
		file.Close()
		if err != nil {
			return err
		}
	}
	if err := h.Svc.AddAttachment(r.Context(), a.ID, name, data); err != nil {
		f := web.NewForm(appValues(a))
		if f.SetError(h.R.Localizer(r), err) && apperr.CodeOf(err) == apperr.Invalid {
			return h.renderApplicationForm(w, r, a, c, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID)+"/upravit#prilohy", "grant.flash.attached")
	return nil
}

// DownloadAttachment sends an attachment (the policy checked who may).
func (h *Handler) DownloadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_, name, data, err := h.Svc.AttachmentFile(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\n", "", "\r", "").Replace(asciiName(name))+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(data)
	return nil
}

func asciiName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String()
}

// ShowApplication shows application {id} read-only: to its provider and
// the coordinator (with the formal check and reopening).
func (h *Handler) ShowApplication(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	return h.renderApplication(w, r, a, c, web.NewForm(url.Values{"checks": a.ChecksDone, "check_note": {a.CheckNote}}), http.StatusOK)
}

func (h *Handler) renderApplication(w http.ResponseWriter, r *http.Request, a *Application, c *Call, f *web.Form, status int) error {
	u := auth.UserFrom(r.Context())
	p := h.page(r, "grant.app.title", "Org", a.Organisation, "Title", c.Title)
	p.Crumb("/dotace/vyzvy/"+itoa(c.ID), c.Title)
	if u.IsStaff() {
		p.Crumb("/dotace/vyzvy/"+itoa(c.ID)+"/zadosti", p.L.T("grant.apps.nav"))
	}
	p.Form, p.Wide = f, true
	labels, _, err := h.typeLabels(r)
	if err != nil {
		return err
	}
	var checks []web.Option
	for _, ch := range c.FormalChecks {
		checks = append(checks, web.Option{Value: ch, Label: ch})
	}
	data := map[string]any{"A": a, "C": c, "Labels": labels, "Staff": u.IsStaff(), "Checks": checks, "Deadline": Deadline(c, a),
		"Editable": !u.IsStaff() && h.Svc.Editable(c, a) == nil, "Requested": a.Requested(),
		"Decisions": options(p.L, "grant.check.", []string{CheckPassed, CheckReturned, CheckExcluded}),
		"CanCheck":  u.IsStaff() && (a.State == StateSubmitted || a.State == StatePassed || a.State == StateExcluded),
		"CanReopen": u.IsStaff() && a.State != StateDraft && c.Phase(h.Svc.Today()) != PhaseDecided}
	if u.IsStaff() || c.Phase(h.Svc.Today()) == PhaseDecided {
		pn, err := h.Svc.Panel(r.Context(), c)
		if err != nil {
			return err
		}
		for _, row := range pn.Rows {
			if row.App.ID != a.ID {
				continue
			}
			row := row
			if u.IsStaff() {
				data["Row"] = &row
			}
			if c.Phase(h.Svc.Today()) == PhaseDecided {
				var amount CZK
				if a.Decided != nil {
					amount = *a.Decided
				}
				data["Letter"] = Letter(c, row, amount)
				data["Settle"] = amount > 0
			}
		}
	}
	p.Data = data
	h.R.Render(w, r, status, "grant/application", p)
	return nil
}

// CheckApplication records the formal check of application {id}.
func (h *Handler) CheckApplication(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	fix := parseDate(f, "fix_until", fields)
	if len(fields) == 0 {
		_, err = h.Svc.FormalCheck(r.Context(), a.ID, f.Get("decision"), f.Values["checks"], f.Values.Get("check_note"), fix)
	} else {
		err = fields.Err()
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, "decision", "checks", "check_note", "fix_until") {
			return h.renderApplication(w, r, a, c, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID), "grant.flash.checked")
	return nil
}

// ReopenApplication reopens application {id} for the provider.
func (h *Handler) ReopenApplication(w http.ResponseWriter, r *http.Request) error {
	a, c, err := h.ownApp(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	until := parseDate(f, "reopen_until", fields)
	if len(fields) == 0 {
		_, err = h.Svc.Reopen(r.Context(), a.ID, until, f.Values.Get("reopen_reason"))
	} else {
		err = fields.Err()
	}
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, "reopen_until", "reopen_reason") {
			return h.renderApplication(w, r, a, c, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/dotace/zadosti/"+itoa(a.ID), "grant.flash.reopened")
	return nil
}
