package plan

import (
	"net/http"
	"strconv"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/store"
	"kpss/internal/web"
)

// ShowMonitoring is the monitoring's start page: the rounds; a provider
// sees the reports of their organisation in the open rounds.
func (h *Handler) ShowMonitoring(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rounds, err := h.Svc.Rounds(ctx)
	if err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	var mine []Report
	if u.Is(auth.RoleProvider) && u.OrganisationID != nil {
		reps, err := h.Svc.Reports(ctx, ReportFilter{OrganisationID: *u.OrganisationID})
		if err != nil {
			return err
		}
		open := map[int64]bool{}
		for _, rd := range rounds {
			open[rd.ID] = rd.State == RoundOpen
		}
		for _, rep := range reps {
			if open[rep.RoundID] {
				mine = append(mine, rep)
			}
		}
	}
	roundName := map[int64]Round{}
	for _, rd := range rounds {
		roundName[rd.ID] = rd
	}
	p := h.page(r, "plan.monitoring.title")
	p.Data = data(r, "Rounds", rounds, "Mine", mine, "RoundOf", roundName, "Staff", isStaff(r), "Provider", u.Is(auth.RoleProvider), "Now", h.Svc.Now())
	h.R.Render(w, r, http.StatusOK, "plan/monitoring", p)
	return nil
}

// ShowRoundForm shows the form that opens a round.
func (h *Handler) ShowRoundForm(w http.ResponseWriter, r *http.Request) error {
	y := h.Svc.Now().Year()
	if rs, err := h.Svc.Rounds(r.Context()); err == nil && len(rs) > 0 && rs[0].Year >= y {
		y = rs[0].Year + 1
	}
	dl := time.Date(y+1, time.March, 31, 0, 0, 0, 0, time.UTC)
	if now := h.Svc.Now(); dl.Before(now) {
		dl = now.AddDate(0, 1, 0)
	}
	return h.renderRoundForm(w, r, web.NewForm(formValues("year", strconv.Itoa(y), "name", strconv.Itoa(y), "deadline", dl.Format(time.DateOnly))), http.StatusOK)
}

func (h *Handler) renderRoundForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	p := h.page(r, "plan.round.new").Crumb("/monitoring", h.t(r, "plan.monitoring.title"))
	p.Form = f
	p.Data = data(r)
	h.R.Render(w, r, status, "plan/round_form", p)
	return nil
}

// OpenRound opens a round from the form.
func (h *Handler) OpenRound(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	rd := Round{Name: f.Get("name"), Year: int(formInt(f, "year", fields)), Note: f.Values.Get("note")}
	if f.Get("deadline") != "" {
		d, err := store.ParseDate(f.Get("deadline"))
		if err != nil {
			fields.Add("deadline", "plan.err.date")
		}
		rd.Deadline = JSONDate{d}
	}
	check := rd
	var saved *Round
	if err = mergeFields(fields, check.Validate()); err == nil {
		saved, err = h.Svc.OpenRound(r.Context(), rd)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err, "year", "name", "deadline", "note") {
			return h.renderRoundForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/monitoring/kola/"+itoa(saved.ID), "plan.flash.round_opened")
	return nil
}

// ShowRound shows a round: completeness by provider and the reports; a
// provider sees only their organisation's reports.
func (h *Handler) ShowRound(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rd, err := h.Svc.Round(ctx, id)
	if err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	f := ReportFilter{RoundID: id}
	if !u.IsStaff() && !u.Is(auth.RoleSteering) {
		if u.OrganisationID == nil {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		f.OrganisationID = *u.OrganisationID
	}
	reps, err := h.Svc.Reports(ctx, f)
	if err != nil {
		return err
	}
	orgs, err := h.orgNames(r)
	if err != nil {
		return err
	}
	now := h.Svc.Now()
	late := map[int64]bool{}
	for _, rep := range reps {
		late[rep.ID] = rep.Late(rd.Deadline.Date, now)
	}
	p := h.page(r, "plan.round.title", "Name", rd.Name).Crumb("/monitoring", h.t(r, "plan.monitoring.title"))
	p.Wide = true
	p.Data = data(r, "Round", rd, "Reports", reps, "C", RoundCompleteness(*rd, reps, orgs, now), "Orgs", orgs, "Late", late, "Staff", u.IsStaff(),
		"Overview", u.IsStaff() || u.Is(auth.RoleSteering))
	h.R.Render(w, r, http.StatusOK, "plan/round", p)
	return nil
}

// SetRoundState closes ("uzavrit") or reopens ("otevrit") a round.
func (h *Handler) SetRoundState(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	state := map[string]string{"uzavrit": RoundClosed, "otevrit": RoundOpen}[r.PathValue("action")]
	if state == "" {
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	if _, err := h.Svc.SetRoundState(r.Context(), id, state); err != nil {
		return err
	}
	web.Redirect(w, r, "/monitoring/kola/"+itoa(id), "flash.saved")
	return nil
}

// ---------- reports

func reportValues(d ReportData) map[string][]string {
	v := formValues("capacity", itoa(d.Capacity), "clients", itoa(d.Clients), "contacts", itoa(d.Contacts), "refused", itoa(d.Refused),
		"waiting", itoa(d.Waiting), "costs", itoa(d.Costs), "comment", d.Comment)
	for _, p := range Professions {
		if x, ok := d.Staff[p]; ok {
			v.Set("staff_"+p, fstr(x))
		}
	}
	for _, s := range IncomeSources {
		if x, ok := d.Income[s]; ok {
			v.Set("income_"+s, itoa(x))
		}
	}
	for k, x := range d.Values {
		v.Set("ind_"+k, fstr(x))
	}
	return v
}

func reportFromForm(f *web.Form, inds []Indicator, fields apperr.Fields) ReportData {
	d := ReportData{Capacity: formInt(f, "capacity", fields), Clients: formInt(f, "clients", fields), Contacts: formInt(f, "contacts", fields),
		Refused: formInt(f, "refused", fields), Waiting: formInt(f, "waiting", fields), Costs: formInt(f, "costs", fields), Comment: f.Values.Get("comment"),
		Staff: map[string]float64{}, Income: map[string]int64{}, Values: map[string]float64{}}
	for _, p := range Professions {
		if f.Get("staff_"+p) != "" {
			d.Staff[p] = formFloat(f, "staff_"+p, fields)
		}
	}
	for _, s := range IncomeSources {
		if f.Get("income_"+s) != "" {
			d.Income[s] = formInt(f, "income_"+s, fields)
		}
	}
	for _, i := range inds {
		k := itoa(i.ID)
		if f.Get("ind_"+k) != "" {
			d.Values[k] = formFloat(f, "ind_"+k, fields)
		}
	}
	return d
}

// reportIndicators are the indicators this service's provider reports.
func (h *Handler) reportIndicators(r *http.Request, serviceID int64) ([]Indicator, error) {
	per, err := h.Svc.CurrentPeriod(r.Context())
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, nil
		}
		return nil, err
	}
	all, err := h.Svc.FindIndicators(r.Context(), per.ID)
	if err != nil {
		return nil, err
	}
	var out []Indicator
	for _, i := range all {
		if i.Method == MethodReported && i.ServiceID != nil && *i.ServiceID == serviceID {
			out = append(out, i)
		}
	}
	return out, nil
}

// ShowReport shows a report: the form while it may change, else the
// frozen figures with their versions.
func (h *Handler) ShowReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := h.Svc.Report(r.Context(), id)
	if err != nil {
		return err
	}
	return h.renderReport(w, r, rep, web.NewForm(reportValues(rep.Data)), web.NewForm(nil), http.StatusOK)
}

func (h *Handler) renderReport(w http.ResponseWriter, r *http.Request, rep *Report, f, ret *web.Form, status int) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	if !CanSeeReport(u, rep) {
		return apperr.NotFoundErr("monitoring_report")
	}
	rd, err := h.Svc.Round(ctx, rep.RoundID)
	if err != nil {
		return err
	}
	svc, err := h.Svc.ProviderService(ctx, rep.ServiceID)
	if err != nil {
		return err
	}
	vs, err := h.Svc.ReportVersions(ctx, rep.ID)
	if err != nil {
		return err
	}
	inds, err := h.reportIndicators(r, rep.ServiceID)
	if err != nil {
		return err
	}
	orgs, err := h.Svc.Partners.OrganisationNames(ctx, rep.OrganisationID)
	if err != nil {
		return err
	}
	p := h.page(r, "plan.report.title", "Service", svc.Name, "Round", rd.Name).Crumb("/monitoring", h.t(r, "plan.monitoring.title")).
		Crumb("/monitoring/kola/"+itoa(rd.ID), h.t(r, "plan.round.title", "Name", rd.Name))
	p.Form = f
	canEdit := CanEditReport(u, rep) && rep.Editable() && rd.State == RoundOpen
	p.Data = data(r, "R", rep, "Round", rd, "Svc", svc, "Org", orgs[rep.OrganisationID], "Versions", vs, "Indicators", inds, "CanEdit", canEdit,
		"CanReturn", u.IsStaff() && rep.State == ReportSubmitted && rd.State == RoundOpen, "Return", ret,
		"Professions", Professions, "Sources", IncomeSources)
	h.R.Render(w, r, status, "plan/report", p)
	return nil
}

var reportFieldOrder = func() []string {
	out := []string{"capacity", "clients", "contacts", "refused", "waiting"}
	for _, p := range Professions {
		out = append(out, "staff_"+p)
	}
	out = append(out, "costs")
	for _, s := range IncomeSources {
		out = append(out, "income_"+s)
	}
	return append(out, "comment")
}()

// SaveReport saves, submits or confirms a report (form field "action").
func (h *Handler) SaveReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	rep, err := h.Svc.Report(r.Context(), id)
	if err != nil {
		return err
	}
	inds, err := h.reportIndicators(r, rep.ServiceID)
	if err != nil {
		return err
	}
	action := f.Get("action")
	fields := apperr.Fields{}
	d := reportFromForm(f, inds, fields)
	if action == ActionConfirm {
		fields = apperr.Fields{}
	}
	check := d
	if action != ActionConfirm {
		err = mergeFields(fields, check.Validate())
	}
	var saved *Report
	if err == nil {
		saved, err = h.Svc.SaveReport(r.Context(), id, d, action)
	}
	if err != nil {
		if action != ActionConfirm && apperr.CodeOf(err) == apperr.Invalid && f.SetError(h.R.Localizer(r), err, reportFieldOrder...) {
			return h.renderReport(w, r, rep, f, web.NewForm(nil), http.StatusUnprocessableEntity)
		}
		return err
	}
	flash := map[string]string{ActionSave: "plan.flash.report_saved", ActionSubmit: "plan.flash.report_submitted", ActionConfirm: "plan.flash.report_confirmed"}[action]
	target := "/monitoring/vykazy/" + itoa(id)
	if action == ActionConfirm || r.URL.Query().Get("zpet") == "kolo" {
		target = "/monitoring/kola/" + itoa(saved.RoundID)
	}
	web.Redirect(w, r, target, flash)
	return nil
}

// ReturnReport returns a report to its provider with a comment.
func (h *Handler) ReturnReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	rep, err := h.Svc.Report(r.Context(), id)
	if err != nil {
		return err
	}
	if _, err := h.Svc.ReturnReport(r.Context(), id, f.Values.Get("comment")); err != nil {
		if f.SetError(h.R.Localizer(r), err, "comment") {
			return h.renderReport(w, r, rep, web.NewForm(reportValues(rep.Data)), f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/monitoring/kola/"+itoa(rep.RoundID), "plan.flash.report_returned")
	return nil
}

// ---------- early warning

// ShowWarnings lists what the early-warning rules flag in a round (?kolo=id,
// default the latest round with a round before it), with the thresholds.
func (h *Handler) ShowWarnings(w http.ResponseWriter, r *http.Request) error {
	return h.renderWarnings(w, r, nil, http.StatusOK)
}

func (h *Handler) renderWarnings(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	ctx := r.Context()
	rounds, err := h.Svc.Rounds(ctx)
	if err != nil {
		return err
	}
	rules, err := h.Svc.Rules(ctx)
	if err != nil {
		return err
	}
	var sel *Round
	if id, err := strconv.ParseInt(r.URL.Query().Get("kolo"), 10, 64); err == nil {
		for i := range rounds {
			if rounds[i].ID == id {
				sel = &rounds[i]
			}
		}
	}
	if sel == nil {
		// The latest round that has submitted reports and a round before it.
		for i := range rounds {
			if i+1 < len(rounds) {
				reps, err := h.Svc.Reports(ctx, ReportFilter{RoundID: rounds[i].ID})
				if err != nil {
					return err
				}
				n := 0
				for _, rep := range reps {
					if rep.State == ReportSubmitted {
						n++
					}
				}
				if n > 0 {
					sel = &rounds[i]
					break
				}
			}
		}
	}
	var warns []Warning
	var prev *Round
	if sel != nil {
		if warns, prev, err = h.Svc.Warnings(ctx, sel.ID); err != nil {
			return err
		}
	}
	gs, err := h.targetGroups(r)
	if err != nil {
		return err
	}
	orgs, err := h.orgNames(r)
	if err != nil {
		return err
	}
	type group struct {
		Name  string
		Warns []Warning
	}
	var groups []group
	for _, g := range gs {
		gr := group{Name: g.Name}
		for _, wr := range warns {
			if wr.Service.TargetGroupID != nil && *wr.Service.TargetGroupID == g.ID {
				gr.Warns = append(gr.Warns, wr)
			}
		}
		if len(gr.Warns) > 0 {
			groups = append(groups, gr)
		}
	}
	other := group{Name: h.t(r, "plan.warning.no_group")}
	for _, wr := range warns {
		if wr.Service.TargetGroupID == nil {
			other.Warns = append(other.Warns, wr)
		}
	}
	if len(other.Warns) > 0 {
		groups = append(groups, other)
	}
	if f == nil {
		vals := formValues()
		for _, ru := range rules {
			vals.Set("threshold_"+ru.Code, fstr(ru.Threshold))
			if ru.Enabled {
				vals.Set("enabled_"+ru.Code, "on")
			}
		}
		f = web.NewForm(vals)
	}
	p := h.page(r, "plan.warning.title").Crumb("/monitoring", h.t(r, "plan.monitoring.title"))
	p.Form = f
	p.Wide = true
	p.Data = data(r, "Rounds", rounds, "Sel", sel, "Prev", prev, "Groups", groups, "Count", len(warns), "Rules", rules, "Orgs", orgs, "Staff", isStaff(r))
	h.R.Render(w, r, status, "plan/warnings", p)
	return nil
}

// SaveRules stores the thresholds.
func (h *Handler) SaveRules(w http.ResponseWriter, r *http.Request) error {
	f, err := web.ParseForm(w, r, formMax)
	if err != nil {
		return err
	}
	fields := apperr.Fields{}
	var rules []Rule
	for _, c := range RuleCodes {
		name := "threshold_" + c
		if f.Get(name) == "" {
			fields.Add(name, "err.required")
		}
		rules = append(rules, Rule{Code: c, Threshold: formFloat(f, name, fields), Enabled: f.Bool("enabled_" + c)})
	}
	if err = fields.Err(); err == nil {
		err = h.Svc.SaveRules(r.Context(), rules)
	}
	if err != nil {
		if f.SetError(h.R.Localizer(r), err) {
			return h.renderWarnings(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/monitoring/varovani", "flash.saved")
	return nil
}

// ---------- provider services

// ShowServices lists the provider services (a provider sees their own).
func (h *Handler) ShowServices(w http.ResponseWriter, r *http.Request) error {
	u := auth.UserFrom(r.Context())
	var org int64
	if !u.IsStaff() && !u.Is(auth.RoleSteering) {
		if u.OrganisationID == nil {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		org = *u.OrganisationID
	}
	svcs, err := h.Svc.Services(r.Context(), org, true)
	if err != nil {
		return err
	}
	orgs, err := h.orgNames(r)
	if err != nil {
		return err
	}
	gs, err := h.Svc.Partners.TargetGroupNames(r.Context())
	if err != nil {
		return err
	}
	munis, err := h.Svc.Partners.MunicipalityNames(r.Context())
	if err != nil {
		return err
	}
	p := h.page(r, "plan.service.list").Crumb("/monitoring", h.t(r, "plan.monitoring.title"))
	p.Data = data(r, "Services", svcs, "Orgs", orgs, "TGs", gs, "Munis", munis, "Staff", u.IsStaff())
	h.R.Render(w, r, http.StatusOK, "plan/services", p)
	return nil
}

var serviceFields = []string{"organisation_id", "name", "service_type", "target_group_id", "capacity_unit", "municipality_id", "archived"}

// ShowServiceForm shows the form of a new or existing provider service.
func (h *Handler) ShowServiceForm(w http.ResponseWriter, r *http.Request) error {
	vals := formValues()
	if r.PathValue("id") != "" {
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		s, err := h.Svc.ProviderService(r.Context(), id)
		if err != nil {
			return err
		}
		vals = formValues("organisation_id", itoa(s.OrganisationID), "name", s.Name, "service_type", s.ServiceType, "capacity_unit", s.CapacityUnit)
		if s.TargetGroupID != nil {
			vals.Set("target_group_id", itoa(*s.TargetGroupID))
		}
		if s.MunicipalityID != nil {
			vals.Set("municipality_id", itoa(*s.MunicipalityID))
		}
		if s.Archived {
			vals.Set("archived", "on")
		}
	}
	return h.renderServiceForm(w, r, web.NewForm(vals), http.StatusOK)
}

func (h *Handler) renderServiceForm(w http.ResponseWriter, r *http.Request, f *web.Form, status int) error {
	orgs, err := h.PH.OrganisationOptions(r)
	if err != nil {
		return err
	}
	tgs, err := h.targetGroupOptions(r, "form.none")
	if err != nil {
		return err
	}
	munis, err := h.municipalityOptions(r, f.Get("municipality_id"))
	if err != nil {
		return err
	}
	title := "plan.service.new"
	if r.PathValue("id") != "" {
		title = "plan.service.edit"
	}
	p := h.page(r, title).Crumb("/monitoring/sluzby", h.t(r, "plan.service.list"))
	p.Form = f
	p.Data = data(r, "Orgs", append([]web.Option{{Value: "", Label: h.t(r, "form.none")}}, orgs...), "TGs", tgs, "Munis", munis, "Edit", r.PathValue("id") != "")
	h.R.Render(w, r, status, "plan/service_form", p)
	return nil
}

// SaveService stores the provider service form.
func (h *Handler) SaveService(w http.ResponseWriter, r *http.Request) error {
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
	s := ProviderService{OrganisationID: formID(f, "organisation_id"), Name: f.Get("name"), ServiceType: f.Get("service_type"), TargetGroupID: f.Int64Ptr("target_group_id"),
		CapacityUnit: f.Get("capacity_unit"), MunicipalityID: f.Int64Ptr("municipality_id"), Archived: f.Bool("archived")}
	if _, err = h.Svc.SaveService(r.Context(), id, s); err != nil {
		if f.SetError(h.R.Localizer(r), err, serviceFields...) {
			return h.renderServiceForm(w, r, f, http.StatusUnprocessableEntity)
		}
		return err
	}
	web.Redirect(w, r, "/monitoring/sluzby", "flash.saved")
	return nil
}
