package plan

import (
	"net/http"
	"strconv"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/store"
	"kpss/internal/web"
)

// yearParam reads ?rok, defaulting to the latest round's year (or this year).
func (h *Handler) yearParam(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("rok")); err == nil && y > 2000 && y < 2100 {
		return y
	}
	if rs, err := h.Svc.Rounds(r.Context()); err == nil && len(rs) > 0 {
		for _, rd := range rs {
			if rd.State == RoundClosed {
				return rd.Year
			}
		}
		return rs[0].Year
	}
	return h.Svc.Now().Year()
}

// periodOfYear is the period a year belongs to (the current one first).
func (h *Handler) periodOfYear(r *http.Request, year int) (*Period, error) {
	ps, err := h.Svc.Periods(r.Context())
	if err != nil {
		return nil, err
	}
	var found *Period
	for i := range ps {
		if ps[i].YearFrom <= year && year <= ps[i].YearTo && (found == nil || ps[i].Current) {
			found = &ps[i]
		}
	}
	if found == nil {
		return nil, apperr.NotFoundErr("plan_period")
	}
	return found, nil
}

// EvalRow is a measure with its evaluation of a year and the values.
type EvalRow struct {
	M      Measure
	E      *Evaluation
	Values map[int64]float64
}

// ShowEvaluations lists every measure of the year's plan with its
// evaluation (?rok).
func (h *Handler) ShowEvaluations(w http.ResponseWriter, r *http.Request) error {
	year := h.yearParam(r)
	rows, per, err := h.evalRows(r, year)
	if err != nil {
		return err
	}
	u := auth.UserFrom(r.Context())
	p := h.page(r, "plan.evaluation.year_title", "Year", strconv.Itoa(year)).Crumb("/plan", h.t(r, "plan.title"))
	p.Wide = true
	p.Data = data(r, "Year", year, "Rows", rows, "Period", per, "CanPropose", u.Is(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleMember))
	h.R.Render(w, r, http.StatusOK, "plan/evaluations", p)
	return nil
}

func (h *Handler) evalRows(r *http.Request, year int) ([]EvalRow, *Period, error) {
	per, err := h.periodOfYear(r, year)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	ms, err := h.Svc.FindMeasures(r.Context(), per.ID)
	if err != nil {
		return nil, nil, err
	}
	evs, err := h.Svc.Evaluations(r.Context(), EvalFilter{Year: year, PeriodID: per.ID})
	if err != nil {
		return nil, nil, err
	}
	vals, err := h.Svc.ComputeValues(r.Context(), ms, year)
	if err != nil {
		return nil, nil, err
	}
	by := map[int64]*Evaluation{}
	for i := range evs {
		by[evs[i].MeasureID] = &evs[i]
	}
	rows := make([]EvalRow, len(ms))
	for i, m := range ms {
		rows[i] = EvalRow{M: m, E: by[m.ID], Values: vals}
	}
	return rows, per, nil
}

var evalFields = []string{"state", "justification", "evidence", "evidence_resolutions"}

// ShowEvaluationForm shows the working group's form for measure {id} and
// ?rok, with the computed indicator values and the approval form.
func (h *Handler) ShowEvaluationForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	year := h.yearParam(r)
	vals := formValues("rok", strconv.Itoa(year))
	evs, err := h.Svc.Evaluations(r.Context(), EvalFilter{MeasureID: id, Year: year})
	if err != nil {
		return err
	}
	if len(evs) > 0 {
		vals.Set("state", evs[0].State)
		vals.Set("justification", evs[0].Justification)
		vals.Set("evidence", strings.Join(evs[0].Evidence, "\n"))
		nums, err := h.resolutionNumbers(r, evs[0].ResolutionIDs)
		if err != nil {
			return err
		}
		vals.Set("evidence_resolutions", nums)
	}
	return h.renderEvaluationForm(w, r, id, year, web.NewForm(vals), web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderEvaluationForm(w http.ResponseWriter, r *http.Request, id int64, year int, f, ap *web.Form, status int) error {
	ctx := r.Context()
	m, err := h.Svc.Measure(ctx, id)
	if err != nil {
		return err
	}
	evs, err := h.Svc.Evaluations(ctx, EvalFilter{MeasureID: id, Year: year})
	if err != nil {
		return err
	}
	var ev *Evaluation
	if len(evs) > 0 {
		ev = &evs[0]
	}
	vals, err := h.Svc.ComputeValues(ctx, []Measure{*m}, year)
	if err != nil {
		return err
	}
	var resIDs []int64
	if ev != nil {
		resIDs = append(resIDs, ev.ResolutionIDs...)
		if ev.ResolutionID != nil {
			resIDs = append(resIDs, *ev.ResolutionID)
		}
	}
	refs, err := h.Svc.ResolutionRefs(ctx, resIDs)
	if err != nil {
		return err
	}
	referred, err := h.Svc.Referred(ctx, []int64{m.ID})
	if err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	l := h.R.Localizer(r)
	p := h.page(r, "plan.evaluation.form_title", "Code", m.Code, "Year", strconv.Itoa(year)).Crumb("/plan/opatreni/"+itoa(m.ID), m.Code+" "+m.Title).
		Crumb("/plan/hodnoceni?rok="+strconv.Itoa(year), h.t(r, "plan.evaluation.year_title", "Year", strconv.Itoa(year)))
	p.Form = f
	p.Data = data(r, "M", m, "Year", year, "E", ev, "Values", vals, "States", kindOptions(l, "plan.eval.", EvalStates), "Approve", ap,
		"Refs", refs, "Groups", h.Svc.Resolutions != nil, "Referred", referred[m.ID], "Referrals", h.Svc.Referrals != nil,
		"CanPropose", u.Is(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleMember),
		"CanApprove", ev != nil && !ev.Approved && u.Is(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSteering))
	h.R.Render(w, r, status, "plan/evaluation_form", p)
	return nil
}

// ProposeEvaluation stores the working group's proposal.
func (h *Handler) ProposeEvaluation(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	if _, err := h.Svc.Measure(r.Context(), id); err != nil {
		return err
	}
	year, _ := strconv.Atoi(f.Get("rok"))
	e := Evaluation{MeasureID: id, Year: year, State: f.Get("state"), Justification: f.Values.Get("justification"), Evidence: splitLines(f.Values.Get("evidence"))}
	fields := apperr.Fields{}
	e.ResolutionIDs = h.Svc.resolveNumbers(r.Context(), f.Values.Get("evidence_resolutions"), "evidence_resolutions", fields)
	check := e
	if err = mergeFields(fields, check.Validate()); err == nil {
		_, err = h.Svc.ProposeEvaluation(r.Context(), e)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, evalFields...) {
			if year < 2000 {
				year = h.Svc.Now().Year()
			}
			return h.renderEvaluationForm(w, r, id, year, f, web.NewForm(nil), http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan/opatreni/"+itoa(id)+"/hodnoceni?rok="+strconv.Itoa(year), "plan.flash.evaluation_proposed")
	return nil
}

// ApproveEvaluation records the steering group's approval of evaluation {id}.
func (h *Handler) ApproveEvaluation(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	ev, err := h.Svc.Evaluation(r.Context(), id)
	if err != nil {
		return err
	}
	if _, err := h.Svc.ApproveEvaluation(r.Context(), id, f.Get("resolution_ref")); err != nil {
		if f.SetError(h.R.Localizer(r), err, "resolution_ref") {
			nums, nerr := h.resolutionNumbers(r, ev.ResolutionIDs)
			if nerr != nil {
				return nerr
			}
			vals := formValues("state", ev.State, "justification", ev.Justification, "evidence", strings.Join(ev.Evidence, "\n"), "evidence_resolutions", nums)
			return h.renderEvaluationForm(w, r, ev.MeasureID, ev.Year, web.NewForm(vals), f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan/opatreni/"+itoa(ev.MeasureID)+"/hodnoceni?rok="+strconv.Itoa(ev.Year), "plan.flash.evaluation_approved")
	return nil
}

// resolutionNumbers writes the numbers of resolutions for the form.
func (h *Handler) resolutionNumbers(r *http.Request, ids []int64) (string, error) {
	refs, err := h.Svc.ResolutionRefs(r.Context(), ids)
	if err != nil {
		return "", err
	}
	var nums []string
	for _, id := range ids {
		if ref, ok := refs[id]; ok {
			nums = append(nums, ref.Number)
		}
	}
	return strings.Join(nums, ", "), nil
}

// ---------- voice of users and municipalities

// ShowVoice lists the inputs of users (?archiv=1: the archived ones) with
// the form to add one.
func (h *Handler) ShowVoice(w http.ResponseWriter, r *http.Request) error {
	return h.renderVoice(w, r, 0, web.NewForm(formValues("day", h.Svc.Now().Format("2006-01-02"))), http.StatusOK)
}

// ShowVoiceForm shows the form to change input {id}.
func (h *Handler) ShowVoiceForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := h.Svc.VoiceInput(r.Context(), id)
	if err != nil {
		return err
	}
	vals := formValues("day", v.Day.Format("2006-01-02"), "source", v.Source, "text", v.Text)
	if v.TargetGroupID != nil {
		vals.Set("target_group_id", itoa(*v.TargetGroupID))
	}
	vals["measure_ids"] = ids(v.MeasureIDs)
	return h.renderVoice(w, r, id, web.NewForm(vals), http.StatusOK)
}

// renderVoice renders the list with the add form (id 0) or the form to
// change input id.
func (h *Handler) renderVoice(w http.ResponseWriter, r *http.Request, id int64, f *web.Form, status int) error {
	ctx := r.Context()
	archived := r.URL.Query().Get("archiv") == "1"
	var ins []VoiceInput
	var cur *VoiceInput
	var err error
	if id == 0 {
		if ins, err = h.Svc.FindVoiceInputs(ctx, VoiceFilter{Archived: archived}); err != nil {
			return err
		}
	} else if cur, err = h.Svc.VoiceInput(ctx, id); err != nil {
		return err
	}
	tgNames, err := h.Svc.Partners.TargetGroupNames(ctx)
	if err != nil {
		return err
	}
	tgs, err := h.targetGroupOptions(r, "form.none")
	if err != nil {
		return err
	}
	mopts := []web.Option{}
	mnames := map[int64]string{}
	if per, err := h.Svc.CurrentPeriod(ctx); err == nil {
		ms, err := h.Svc.FindMeasures(ctx, per.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			mopts = append(mopts, web.Option{Value: itoa(m.ID), Label: m.Code + " " + m.Title})
			mnames[m.ID] = m.Code
		}
	}
	title := "plan.voice.title"
	if id != 0 {
		title = "plan.voice.edit"
	}
	p := h.page(r, title).Crumb("/monitoring", h.t(r, "plan.monitoring.title"))
	if id != 0 {
		p.Crumb("/monitoring/hlasy", h.t(r, "plan.voice.title"))
	}
	p.Form = f
	p.Data = data(r, "Inputs", ins, "Cur", cur, "TGNames", tgNames, "TGs", tgs, "Measures", mopts, "MNames", mnames, "Archived", archived,
		"Sources", kindOptions(h.R.Localizer(r), "plan.voice.source.", VoiceSources), "Staff", isStaff(r),
		"RetentionMonths", h.Svc.VoiceRetentionMonths())
	h.R.Render(w, r, status, "plan/voice", p)
	return nil
}

// SaveVoice records an input (POST /monitoring/hlasy) or changes input {id}.
func (h *Handler) SaveVoice(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = web.PathID(r); err != nil {
			return err
		}
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	v := VoiceInput{Source: f.Get("source"), TargetGroupID: f.Int64Ptr("target_group_id"), Text: f.Values.Get("text"), MeasureIDs: f.Int64s("measure_ids")}
	if f.Get("day") != "" {
		d, perr := store.ParseDate(f.Get("day"))
		if perr != nil {
			fields.Add("day", "plan.err.date")
		}
		v.Day = d
	}
	check := v
	if err = mergeFields(fields, check.Validate()); err == nil {
		if id == 0 {
			_, err = h.Svc.CreateVoiceInput(r.Context(), v)
		} else {
			_, err = h.Svc.UpdateVoiceInput(r.Context(), id, v)
		}
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "day", "source", "target_group_id", "text", "measure_ids") {
			return h.renderVoice(w, r, id, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/monitoring/hlasy", "flash.saved")
	return nil
}

// ArchiveVoice archives ("archivovat") or restores ("obnovit") input {id}.
func (h *Handler) ArchiveVoice(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var archive bool
	switch r.PathValue("action") {
	case "archivovat":
		archive = true
	case "obnovit":
	default:
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	if _, err := h.Svc.SetVoiceArchived(r.Context(), id, archive); err != nil {
		return err
	}
	target := "/monitoring/hlasy"
	if !archive {
		target += "?archiv=1"
	}
	web.Redirect(w, r, target, map[bool]string{true: "flash.archived", false: "flash.restored"}[archive])
	return nil
}

// ShowMunicipalityIndicators lists the municipalities' own figures.
func (h *Handler) ShowMunicipalityIndicators(w http.ResponseWriter, r *http.Request) error {
	return h.renderMunicipalityIndicators(w, r, web.NewForm(formValues("year", strconv.Itoa(h.Svc.Now().Year()-1))), http.StatusOK)
}

func (h *Handler) renderMunicipalityIndicators(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	ms, err := h.Svc.MunicipalityIndicators(r.Context())
	if err != nil {
		return err
	}
	names, err := h.Svc.Partners.MunicipalityNames(r.Context())
	if err != nil {
		return err
	}
	opts := []web.Option{{Value: "", Label: h.t(r, "form.none")}}
	munis, _, err := h.Svc.Partners.FindMunicipalities(r.Context(), partnerAll())
	if err != nil {
		return err
	}
	for _, m := range munis {
		opts = append(opts, web.Option{Value: itoa(m.ID), Label: m.Name})
	}
	p := h.page(r, "plan.muni.title").Crumb("/monitoring", h.t(r, "plan.monitoring.title"))
	p.Form = f
	p.Data = data(r, "Items", ms, "Names", names, "Munis", opts, "Staff", isStaff(r))
	h.R.Render(w, r, status, "plan/municipality_indicators", p)
	return nil
}

// SaveMunicipalityIndicator stores a municipality's figure.
func (h *Handler) SaveMunicipalityIndicator(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	m := MunicipalityIndicator{MunicipalityID: formID(f, "municipality_id"), Year: int(formInt(f, "year", fields)), Name: f.Get("name"), Value: formFloat(f, "value", fields), Unit: f.Get("unit"), Note: f.Get("note")}
	check := m
	if err = mergeFields(fields, check.Validate()); err == nil {
		_, err = h.Svc.SaveMunicipalityIndicator(r.Context(), m)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "municipality_id", "year", "name", "value", "unit", "note") {
			return h.renderMunicipalityIndicators(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/monitoring/obce", "flash.saved")
	return nil
}

// ---------- project indicators

// ShowProject shows the targets of the KPSS project and the actual numbers.
func (h *Handler) ShowProject(w http.ResponseWriter, r *http.Request) error {
	return h.renderProject(w, r, nil, http.StatusOK)
}

func (h *Handler) renderProject(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	ts, err := h.Svc.ProjectTargets(r.Context())
	if err != nil {
		return err
	}
	if f == nil {
		vals := formValues()
		for _, t := range ts {
			vals.Set("target_"+t.Code, strconv.Itoa(t.Target))
		}
		f = web.NewForm(vals)
	}
	p := h.page(r, "plan.project.title").Crumb("/plan", h.t(r, "plan.title"))
	p.Form = f
	p.Data = data(r, "Targets", ts, "Staff", isStaff(r))
	h.R.Render(w, r, status, "plan/project", p)
	return nil
}

// SaveProject stores the project targets.
func (h *Handler) SaveProject(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	ts, err := h.Svc.ProjectTargets(r.Context())
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	for i := range ts {
		name := "target_" + ts[i].Code
		if f.Get(name) == "" {
			fields.Add(name, "err.required")
		}
		ts[i].Target = int(formInt(f, name, fields))
	}
	if err = fields.Err(); err == nil {
		err = h.Svc.SaveProjectTargets(r.Context(), ts)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err) {
			return h.renderProject(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/plan/projekt", "flash.saved")
	return nil
}
