package plan

import (
	"net/http"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/web"
	"kpss/internal/web/i18n"
)

// TGSection is a target group's (or the cross-cutting) part of the plan.
type TGSection struct {
	ID         int64
	Name       string
	Priorities []Priority
}

func (h *Handler) sections(r *http.Request, o *Outline) ([]TGSection, error) {
	gs, err := h.targetGroups(r)
	if err != nil {
		return nil, err
	}
	var out []TGSection
	for _, g := range gs {
		sec := TGSection{ID: g.ID, Name: g.Name}
		for _, p := range o.Priorities {
			if p.TargetGroupID != nil && *p.TargetGroupID == g.ID {
				sec.Priorities = append(sec.Priorities, p)
			}
		}
		if len(sec.Priorities) > 0 {
			out = append(out, sec)
		}
	}
	cross := TGSection{Name: h.t(r, "plan.cross_cutting")}
	for _, p := range o.Priorities {
		if p.TargetGroupID == nil {
			cross.Priorities = append(cross.Priorities, p)
		}
	}
	if len(cross.Priorities) > 0 {
		out = append(out, cross)
	}
	return out, nil
}

// ShowPlan shows the current period's plan.
func (h *Handler) ShowPlan(w http.ResponseWriter, r *http.Request) error {
	per, err := h.Svc.CurrentPeriod(r.Context())
	if err != nil {
		if apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		p := h.page(r, "plan.title")
		p.Data = data(r, "Staff", isStaff(r))
		h.R.Render(w, r, http.StatusOK, "plan/plan_empty", p)
		return nil
	}
	return h.renderPeriod(w, r, per.ID)
}

// ShowPeriod shows one period's plan (older ones are read-only).
func (h *Handler) ShowPeriod(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return h.renderPeriod(w, r, id)
}

func (h *Handler) renderPeriod(w http.ResponseWriter, r *http.Request, id int64) error {
	o, err := h.Svc.Outline(r.Context(), id)
	if err != nil {
		return err
	}
	secs, err := h.sections(r, o)
	if err != nil {
		return err
	}
	orgs, err := h.orgNames(r)
	if err != nil {
		return err
	}
	periods, err := h.Svc.Periods(r.Context())
	if err != nil {
		return err
	}
	p := h.page(r, "plan.period.title", "Name", o.Period.Name)
	p.Wide = true
	p.Data = data(r, "O", o, "Sections", secs, "Orgs", orgs, "Periods", periods, "CanEdit", isStaff(r) && o.Period.Current)
	h.R.Render(w, r, http.StatusOK, "plan/plan", p)
	return nil
}

// ShowPeriods lists the plan periods.
func (h *Handler) ShowPeriods(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.Svc.Periods(r.Context())
	if err != nil {
		return err
	}
	p := h.page(r, "plan.periods.title").Crumb("/plan", h.t(r, "plan.title"))
	p.Data = data(r, "Periods", ps, "Staff", isStaff(r))
	h.R.Render(w, r, http.StatusOK, "plan/periods", p)
	return nil
}

// ShowPeriodForm shows the form of a new or existing period.
func (h *Handler) ShowPeriodForm(w http.ResponseWriter, r *http.Request) error {
	vals := formValues("current", "on")
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		per, err := h.Svc.Period(r.Context(), id)
		if err != nil {
			return err
		}
		vals = formValues("name", per.Name, "year_from", strconv.Itoa(per.YearFrom), "year_to", strconv.Itoa(per.YearTo), "note", per.Note)
		if per.Current {
			vals.Set("current", "on")
		}
	}
	return h.renderPeriodForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderPeriodForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	title := "plan.period.new"
	if r.PathValue("id") != "" {
		title = "plan.period.edit"
	}
	p := h.page(r, title).Crumb("/plan", h.t(r, "plan.title")).Crumb("/plan/obdobi", h.t(r, "plan.periods.title"))
	p.Form = f
	p.Data = data(r, "ID", r.PathValue("id"))
	h.R.Render(w, r, status, "plan/period_form", p)
	return nil
}

// SavePeriod stores the period form.
func (h *Handler) SavePeriod(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	per := Period{Name: f.Get("name"), YearFrom: int(formInt(f, "year_from", fields)), YearTo: int(formInt(f, "year_to", fields)), Current: f.Bool("current"), Note: f.Values.Get("note")}
	var id int64
	if r.PathValue("id") != "" {
		if id, err = web.PathID(r); err != nil {
			return err
		}
	}
	var saved *Period
	if err = mergeFields(fields, per.Validate()); err == nil {
		saved, err = h.Svc.SavePeriod(r.Context(), id, per)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "name", "year_from", "year_to", "current", "note") {
			return h.renderPeriodForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan/obdobi/"+itoa(saved.ID), "flash.saved")
	return nil
}

// ---------- priorities

// ShowPriorityForm shows the form of a new priority of period {id}, or of
// the existing priority {id} (on /plan/priority/{id}/upravit).
func (h *Handler) ShowPriorityForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var vals = formValues()
	periodID := id
	if isPriorityPath(r) {
		pr, err := h.Svc.Priority(r.Context(), id)
		if err != nil {
			return err
		}
		periodID = pr.PeriodID
		vals = formValues("code", pr.Code, "title", pr.Title, "description", pr.Description, "sort_order", strconv.Itoa(pr.SortOrder))
		if pr.TargetGroupID != nil {
			vals.Set("target_group_id", itoa(*pr.TargetGroupID))
		}
	}
	return h.renderPriorityForm(w, r, web.NewForm(vals), periodID, http.StatusOK)
}

func isPriorityPath(r *http.Request) bool {
	return len(r.URL.Path) > 14 && r.URL.Path[:14] == "/plan/priority"
}

func (h *Handler) renderPriorityForm(w http.ResponseWriter, r *http.Request, f *web.Form, periodID int64, status int) error {
	per, err := h.Svc.Period(r.Context(), periodID)
	if err != nil {
		return err
	}
	opts, err := h.targetGroupOptions(r, "plan.cross_cutting")
	if err != nil {
		return err
	}
	title := "plan.priority.new"
	if isPriorityPath(r) {
		title = "plan.priority.edit"
	}
	p := h.page(r, title).Crumb("/plan/obdobi/"+itoa(per.ID), h.t(r, "plan.period.title", "Name", per.Name))
	p.Form = f
	p.Data = data(r, "Period", per, "TGs", opts)
	h.R.Render(w, r, status, "plan/priority_form", p)
	return nil
}

// SavePriority stores the priority form.
func (h *Handler) SavePriority(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	pr := Priority{Code: f.Get("code"), Title: f.Get("title"), Description: f.Values.Get("description"), TargetGroupID: f.Int64Ptr("target_group_id"), SortOrder: int(formInt(f, "sort_order", fields))}
	periodID, prioID := id, int64(0)
	if isPriorityPath(r) {
		b, err := h.Svc.Priority(r.Context(), id)
		if err != nil {
			return err
		}
		periodID, prioID = b.PeriodID, id
	} else if _, err := h.Svc.Period(r.Context(), id); err != nil {
		return err
	}
	pr.PeriodID = periodID
	if err = mergeFields(fields, pr.Validate()); err == nil {
		_, err = h.Svc.SavePriority(r.Context(), prioID, pr)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "code", "title", "target_group_id", "description", "sort_order") {
			return h.renderPriorityForm(w, r, f, periodID, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan/obdobi/"+itoa(periodID), "flash.saved")
	return nil
}

// ---------- measures

// ShowMeasure shows a measure with its indicators (trend over the rounds),
// evaluations and the inputs of users linked to it.
func (h *Handler) ShowMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	m, err := h.Svc.Measure(ctx, id)
	if err != nil {
		return err
	}
	per, err := h.Svc.Period(ctx, m.PeriodID)
	if err != nil {
		return err
	}
	prio, err := h.Svc.Priority(ctx, m.PriorityID)
	if err != nil {
		return err
	}
	orgs, err := h.orgNames(r)
	if err != nil {
		return err
	}
	svcs, err := h.Svc.Services(ctx, 0, true)
	if err != nil {
		return err
	}
	svcNames := map[int64]string{}
	for _, s := range svcs {
		svcNames[s.ID] = s.Name + " (" + orgs[s.OrganisationID] + ")"
	}
	series, years, err := h.Svc.Series(ctx, []Measure{*m})
	if err != nil {
		return err
	}
	evals, err := h.Svc.Evaluations(ctx, EvalFilter{MeasureID: id})
	if err != nil {
		return err
	}
	voice, err := h.Svc.VoiceInputs(ctx, id)
	if err != nil {
		return err
	}
	referred, err := h.Svc.Referred(ctx, []int64{id})
	if err != nil {
		return err
	}
	l := h.R.Localizer(r)
	var charts []Chart
	for _, ind := range m.Indicators {
		charts = append(charts, IndicatorChart(l, ind, years, series[ind.ID]))
	}
	p := h.page(r, "plan.measure.title", "Code", m.Code, "Title", m.Title).Crumb("/plan/obdobi/"+itoa(per.ID), h.t(r, "plan.period.title", "Name", per.Name))
	p.Wide = true
	p.Data = data(r, "M", m, "Period", per, "Priority", prio, "Orgs", orgs, "Services", svcNames, "Charts", charts, "Evals", evals, "Voice", voice, "Referred", referred[id], "Referrals", h.Svc.Referrals != nil,
		"CanEdit", isStaff(r) && per.Current, "Years", per.Years())
	h.R.Render(w, r, http.StatusOK, "plan/measure", p)
	return nil
}

var measureFields = []string{"priority_id", "code", "title", "kind", "description", "activities", "responsible_ids", "partner_ids", "timeframe", "services", "service_ids"}

// ShowMeasureForm shows the form of a new measure of period {id} or of the
// existing measure {id} (on /plan/opatreni/{id}/upravit).
func (h *Handler) ShowMeasureForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	periodID, vals := id, formValues("kind", KindKeep, "priority_id", r.URL.Query().Get("priorita"))
	if isMeasurePath(r) {
		m, err := h.Svc.Measure(r.Context(), id)
		if err != nil {
			return err
		}
		periodID = m.PeriodID
		vals = formValues("priority_id", itoa(m.PriorityID), "code", m.Code, "title", m.Title, "kind", m.Kind, "description", m.Description,
			"activities", m.Activities, "timeframe", m.Timeframe, "services", joinLines(m.Services))
		vals["responsible_ids"], vals["partner_ids"], vals["service_ids"] = ids(m.ResponsibleIDs), ids(m.PartnerIDs), ids(m.ServiceIDs)
		for _, c := range m.Costs {
			y := strconv.Itoa(c.Year)
			vals.Set("cost_"+y, strconv.FormatInt(c.Amount, 10))
			vals.Set("source_"+y, c.Source)
		}
	}
	return h.renderMeasureForm(w, r, web.NewForm(vals), periodID, http.StatusOK)
}

func joinLines(v []string) string {
	s := ""
	for i, x := range v {
		if i > 0 {
			s += "\n"
		}
		s += x
	}
	return s
}

// CostRow labels the cost fields of one year.
type CostRow struct {
	Year                   int
	CostLabel, SourceLabel string
}

func costRows(l *i18n.Localizer, per Period) []CostRow {
	var out []CostRow
	for _, y := range per.Years() {
		out = append(out, CostRow{Year: y, CostLabel: l.T("plan.measure.cost_year", "Year", strconv.Itoa(y)), SourceLabel: l.T("plan.measure.source_year", "Year", strconv.Itoa(y))})
	}
	return out
}

func isMeasurePath(r *http.Request) bool {
	return len(r.URL.Path) > 14 && r.URL.Path[:14] == "/plan/opatreni"
}

func (h *Handler) renderMeasureForm(w http.ResponseWriter, r *http.Request, f *web.Form, periodID int64, status int) error {
	ctx := r.Context()
	o, err := h.Svc.Outline(ctx, periodID)
	if err != nil {
		return err
	}
	prios := []web.Option{{Value: "", Label: h.t(r, "form.none")}}
	for _, p := range o.Priorities {
		prios = append(prios, web.Option{Value: itoa(p.ID), Label: p.Code + " " + p.Title})
	}
	orgOpts, err := h.PH.OrganisationOptions(r)
	if err != nil {
		return err
	}
	orgs, err := h.orgNames(r)
	if err != nil {
		return err
	}
	svcOpts, err := h.serviceOptions(r, orgs)
	if err != nil {
		return err
	}
	title := "plan.measure.new"
	if isMeasurePath(r) {
		title = "plan.measure.edit"
	}
	p := h.page(r, title).Crumb("/plan/obdobi/"+itoa(periodID), h.t(r, "plan.period.title", "Name", o.Period.Name))
	p.Form = f
	p.Data = data(r, "Period", o.Period, "Priorities", prios, "Kinds", kindOptions(h.R.Localizer(r), "plan.kind.", MeasureKinds), "Orgs", orgOpts, "SvcOpts", svcOpts,
		"CostRows", costRows(h.R.Localizer(r), o.Period))
	h.R.Render(w, r, status, "plan/measure_form", p)
	return nil
}

// SaveMeasure stores the measure form.
func (h *Handler) SaveMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	periodID, measureID := id, int64(0)
	if isMeasurePath(r) {
		b, err := h.Svc.Measure(ctx, id)
		if err != nil {
			return err
		}
		periodID, measureID = b.PeriodID, id
	}
	per, err := h.Svc.Period(ctx, periodID)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	m := Measure{PriorityID: formID(f, "priority_id"), Code: f.Get("code"), Title: f.Get("title"), Kind: f.Get("kind"), Description: f.Values.Get("description"),
		Activities: f.Values.Get("activities"), ResponsibleIDs: f.Int64s("responsible_ids"), PartnerIDs: f.Int64s("partner_ids"), Timeframe: f.Get("timeframe"),
		Services: splitLines(f.Values.Get("services")), ServiceIDs: f.Int64s("service_ids")}
	for _, y := range per.Years() {
		ys := strconv.Itoa(y)
		m.Costs = append(m.Costs, Cost{Year: y, Amount: formInt(f, "cost_"+ys, fields), Source: f.Get("source_" + ys)})
	}
	check := m
	if err = mergeFields(fields, check.Validate(*per)); err == nil {
		_, err = h.Svc.SaveMeasure(ctx, measureID, m)
	}
	if err != nil {
		order := append([]string{}, measureFields...)
		for _, y := range per.Years() {
			order = append(order, "cost_"+strconv.Itoa(y), "source_"+strconv.Itoa(y))
		}
		if f.SetError(h.R.Localizer(r), err, order...) {
			return h.renderMeasureForm(w, r, f, periodID, http.StatusUnprocessableEntity)
		}
		return err
	}
	target := "/plan/obdobi/" + itoa(periodID)
	if measureID != 0 {
		target = "/plan/opatreni/" + itoa(measureID)
	}
	web.Redirect(w, r, target, "flash.saved")
	return nil
}

// DropMeasure drops ("vyradit") or takes back ("obnovit") a measure.
func (h *Handler) DropMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var drop bool
	switch r.PathValue("action") {
	case "vyradit":
		drop = true
	case "obnovit":
	default:
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	if _, err := h.Svc.SetMeasureDropped(r.Context(), id, drop); err != nil {
		return err
	}
	web.Redirect(w, r, "/plan/opatreni/"+itoa(id), map[bool]string{true: "plan.flash.dropped", false: "plan.flash.taken_back"}[drop])
	return nil
}

// ---------- indicators

var indicatorFields = []string{"name", "unit", "baseline", "target", "source", "method", "metric", "service_id"}

// ShowIndicatorForm: a new indicator of measure {id}, or the indicator {id}.
func (h *Handler) ShowIndicatorForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	measureID, vals := id, formValues("method", MethodManual)
	if !isMeasurePath(r) {
		ind, err := h.Svc.Indicator(r.Context(), id)
		if err != nil {
			return err
		}
		measureID = ind.MeasureID
		vals = formValues("name", ind.Name, "unit", ind.Unit, "baseline", optStr(ind.Baseline), "target", optStr(ind.Target), "source", ind.Source, "method", ind.Method, "metric", ind.Metric)
		if ind.ServiceID != nil {
			vals.Set("service_id", itoa(*ind.ServiceID))
		}
	}
	return h.renderIndicatorForm(w, r, web.NewForm(vals), measureID, http.StatusOK)
}

func (h *Handler) renderIndicatorForm(w http.ResponseWriter, r *http.Request, f *web.Form, measureID int64, status int) error {
	m, err := h.Svc.Measure(r.Context(), measureID)
	if err != nil {
		return err
	}
	orgs, err := h.orgNames(r)
	if err != nil {
		return err
	}
	svcOpts, err := h.serviceOptions(r, orgs)
	if err != nil {
		return err
	}
	l := h.R.Localizer(r)
	title := "plan.indicator.new"
	if !isMeasurePath(r) {
		title = "plan.indicator.edit"
	}
	p := h.page(r, title).Crumb("/plan/opatreni/"+itoa(m.ID), m.Code+" "+m.Title)
	p.Form = f
	p.Data = data(r, "M", m, "Methods", kindOptions(l, "plan.method.", Methods),
		"Metrics", append([]web.Option{{Value: "", Label: l.T("form.none")}}, kindOptions(l, "plan.metric.", Metrics)...),
		"SvcOpts", append([]web.Option{{Value: "", Label: l.T("form.none")}}, svcOpts...))
	h.R.Render(w, r, status, "plan/indicator_form", p)
	return nil
}

// SaveIndicator stores the indicator form.
func (h *Handler) SaveIndicator(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	measureID, indID := id, int64(0)
	if !isMeasurePath(r) {
		b, err := h.Svc.Indicator(r.Context(), id)
		if err != nil {
			return err
		}
		measureID, indID = b.MeasureID, id
	} else if _, err := h.Svc.Measure(r.Context(), id); err != nil {
		return err
	}
	fields := apperr.Fields{}
	ind := Indicator{MeasureID: measureID, Name: f.Get("name"), Unit: f.Get("unit"), Baseline: formOptFloat(f, "baseline", fields), Target: formOptFloat(f, "target", fields),
		Source: f.Get("source"), Method: f.Get("method"), Metric: f.Get("metric"), ServiceID: f.Int64Ptr("service_id")}
	check := ind
	if err = mergeFields(fields, check.Validate()); err == nil {
		_, err = h.Svc.SaveIndicator(r.Context(), indID, ind)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, indicatorFields...) {
			return h.renderIndicatorForm(w, r, f, measureID, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan/opatreni/"+itoa(measureID), "flash.saved")
	return nil
}

// ---------- versions

// ShowVersions lists the plan updates of period {id} with the changes not
// yet recorded.
func (h *Handler) ShowVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return h.renderVersions(w, r, id, web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderVersions(w http.ResponseWriter, r *http.Request, id int64, f *web.Form, status int) error {
	per, err := h.Svc.Period(r.Context(), id)
	if err != nil {
		return err
	}
	vs, err := h.Svc.Versions(r.Context(), id)
	if err != nil {
		return err
	}
	pending, err := h.Svc.PendingChanges(r.Context(), id)
	if err != nil {
		return err
	}
	p := h.page(r, "plan.versions.title", "Name", per.Name).Crumb("/plan/obdobi/"+itoa(per.ID), h.t(r, "plan.period.title", "Name", per.Name))
	p.Form = f
	p.Data = data(r, "Period", per, "Versions", vs, "Pending", pending, "CanEdit", isStaff(r) && per.Current)
	h.R.Render(w, r, status, "plan/versions", p)
	return nil
}

// RecordVersion records a plan update of period {id}.
func (h *Handler) RecordVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if _, err := h.Svc.Period(r.Context(), id); err != nil {
		return err
	}
	v, err := h.Svc.RecordUpdate(r.Context(), id, f.Values.Get("note"))
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "note") {
			return h.renderVersions(w, r, id, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan/verze/"+itoa(v.ID), "plan.flash.version")
	return nil
}

// ShowVersion shows what changed in one plan update.
func (h *Handler) ShowVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := h.Svc.Version(r.Context(), id)
	if err != nil {
		return err
	}
	per, err := h.Svc.Period(r.Context(), v.PeriodID)
	if err != nil {
		return err
	}
	p := h.page(r, "plan.version.title", "N", v.Number, "Name", per.Name).Crumb("/plan/obdobi/"+itoa(per.ID), h.t(r, "plan.period.title", "Name", per.Name)).
		Crumb("/plan/obdobi/"+itoa(per.ID)+"/aktualizace", h.t(r, "plan.versions.title", "Name", per.Name))
	p.Data = data(r, "V", v, "Period", per)
	h.R.Render(w, r, http.StatusOK, "plan/version", p)
	return nil
}
