package plan

import (
	"net/http"
	"strconv"

	"kpss/internal/apperr"
	"kpss/internal/auth"
	"kpss/internal/store"
	"kpss/internal/web"
)

// The JSON API under /api/v1 (read-only): plans, measures, indicators,
// monitoring rounds, reports and evaluations. Who may call what is the route
// policy's business; a provider's token sees only its organisation's
// reports. The spec is openapi.json.

// page writes the requested page of items (the region has tens of rows).
func page[T any](w http.ResponseWriter, r *http.Request, items []T) {
	p := web.PagingFrom(r)
	from := min(p.Offset(), len(items))
	to := min(from+p.Limit(), len(items))
	web.WriteList(w, r, items[from:to], p, len(items))
}

func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		f := apperr.Fields{}
		f.Add(name, "err.number")
		return 0, f.Err()
	}
	return id, nil
}

// planID is ?plan_id, or the current period.
func (h *Handler) planID(r *http.Request) (int64, error) {
	id, err := queryID(r, "plan_id")
	if err != nil || id != 0 {
		return id, err
	}
	per, err := h.Svc.CurrentPeriod(r.Context())
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return 0, nil
		}
		return 0, err
	}
	return per.ID, nil
}

// APIListPlans lists the plan periods.
func (h *Handler) APIListPlans(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.Svc.Periods(r.Context())
	if err != nil {
		return err
	}
	page(w, r, ps)
	return nil
}

type planOut struct {
	Period
	Priorities []Priority `json:"priorities"`
}

// APIGetPlan answers a period with its priorities and measures.
func (h *Handler) APIGetPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	o, err := h.Svc.Outline(r.Context(), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, planOut{Period: o.Period, Priorities: o.Priorities})
	return nil
}

// APIListMeasures lists the measures of ?plan_id (default: the current plan).
func (h *Handler) APIListMeasures(w http.ResponseWriter, r *http.Request) error {
	id, err := h.planID(r)
	if err != nil {
		return err
	}
	ms := []Measure{}
	if id != 0 {
		if ms, err = h.Svc.FindMeasures(r.Context(), id); err != nil {
			return err
		}
	}
	page(w, r, ms)
	return nil
}

// APIGetMeasure answers one measure.
func (h *Handler) APIGetMeasure(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	m, err := h.Svc.Measure(r.Context(), id)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, m)
	return nil
}

type indicatorOut struct {
	Indicator
	Values map[string]float64 `json:"values"` // year → value
}

// APIListIndicators lists the indicators of ?plan_id with their values by
// round year.
func (h *Handler) APIListIndicators(w http.ResponseWriter, r *http.Request) error {
	id, err := h.planID(r)
	if err != nil {
		return err
	}
	out := []indicatorOut{}
	if id != 0 {
		ms, err := h.Svc.FindMeasures(r.Context(), id)
		if err != nil {
			return err
		}
		series, _, err := h.Svc.Series(r.Context(), ms)
		if err != nil {
			return err
		}
		for _, m := range ms {
			for _, i := range m.Indicators {
				vals := map[string]float64{}
				for y, v := range series[i.ID] {
					vals[strconv.Itoa(y)] = v
				}
				out = append(out, indicatorOut{Indicator: i, Values: vals})
			}
		}
	}
	page(w, r, out)
	return nil
}

type roundOut struct {
	Round
	Total     int `json:"reports_total"`
	Submitted int `json:"reports_submitted"`
	Late      int `json:"reports_late"`
}

func (h *Handler) roundOut(r *http.Request, rd Round) (roundOut, error) {
	reps, err := h.Svc.Reports(r.Context(), ReportFilter{RoundID: rd.ID})
	if err != nil {
		return roundOut{}, err
	}
	c := RoundCompleteness(rd, reps, nil, h.Svc.Now())
	return roundOut{Round: rd, Total: c.Total, Submitted: c.Submitted, Late: c.Late}, nil
}

// APIListRounds lists the monitoring rounds with their completeness.
func (h *Handler) APIListRounds(w http.ResponseWriter, r *http.Request) error {
	rs, err := h.Svc.Rounds(r.Context())
	if err != nil {
		return err
	}
	reps, err := h.Svc.Reports(r.Context(), ReportFilter{})
	if err != nil {
		return err
	}
	by := map[int64][]Report{}
	for _, rep := range reps {
		by[rep.RoundID] = append(by[rep.RoundID], rep)
	}
	out := make([]roundOut, len(rs))
	for i, rd := range rs {
		c := RoundCompleteness(rd, by[rd.ID], nil, h.Svc.Now())
		out[i] = roundOut{Round: rd, Total: c.Total, Submitted: c.Submitted, Late: c.Late}
	}
	page(w, r, out)
	return nil
}

// APIGetRound answers one round.
func (h *Handler) APIGetRound(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rd, err := h.Svc.Round(r.Context(), id)
	if err != nil {
		return err
	}
	out, err := h.roundOut(r, *rd)
	if err != nil {
		return err
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}

// APIListReports lists reports (?round_id, ?service_id, ?round_state=open);
// a provider gets only those of its organisation.
func (h *Handler) APIListReports(w http.ResponseWriter, r *http.Request) error {
	id, err := queryID(r, "round_id")
	if err != nil {
		return err
	}
	sid, err := queryID(r, "service_id")
	if err != nil {
		return err
	}
	f := ReportFilter{RoundID: id, ServiceID: sid}
	switch r.URL.Query().Get("round_state") {
	case "":
	case RoundOpen:
		f.OpenRounds = true
	default:
		fs := apperr.Fields{}
		fs.Add("round_state", "err.choose")
		return fs.Err()
	}
	u := auth.UserFrom(r.Context())
	if !u.IsStaff() && !u.Is(auth.RoleSteering) {
		if u.OrganisationID == nil {
			page(w, r, []Report{})
			return nil
		}
		f.OrganisationID = *u.OrganisationID
	}
	reps, err := h.Svc.Reports(r.Context(), f)
	if err != nil {
		return err
	}
	page(w, r, reps)
	return nil
}

// APIGetReport answers one report (the route's policy checks the organisation).
func (h *Handler) APIGetReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := h.Svc.Report(r.Context(), id)
	if err != nil {
		return err
	}
	if !CanSeeReport(auth.UserFrom(r.Context()), rep) {
		return apperr.NotFoundErr("monitoring_report")
	}
	web.JSON(w, http.StatusOK, rep)
	return nil
}

// APIListEvaluations lists evaluations (?year, ?plan_id).
func (h *Handler) APIListEvaluations(w http.ResponseWriter, r *http.Request) error {
	pid, err := queryID(r, "plan_id")
	if err != nil {
		return err
	}
	f := EvalFilter{PeriodID: pid}
	if y := r.URL.Query().Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			fs := apperr.Fields{}
			fs.Add("year", "plan.err.year")
			return fs.Err()
		}
		f.Year = n
	}
	es, err := h.Svc.Evaluations(r.Context(), f)
	if err != nil {
		return err
	}
	page(w, r, es)
	return nil
}

var _ = store.Paging{}
