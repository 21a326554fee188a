package plan

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
)

// Evaluation states of a measure in a year.
var EvalStates = []string{"fulfilled", "partly", "not_fulfilled", "not_started", "dropped"}

// Evaluation (hodnocení) of a measure for a year: proposed by the working
// group, approved by the steering group.
type Evaluation struct {
	ID            int64              `json:"id"`
	MeasureID     int64              `json:"measure_id"`
	Year          int                `json:"year"`
	State         string             `json:"state"`
	Justification string             `json:"justification"`
	Evidence      []string           `json:"evidence"` // links or references, one per line
	Values        map[string]float64 `json:"indicator_values"`
	ProposedBy    string             `json:"proposed_by"`
	ProposedAt    time.Time          `json:"proposed_at"`
	Approved      bool               `json:"approved"`
	ApprovedBy    string             `json:"approved_by"`
	ApprovedAt    *time.Time         `json:"approved_at"`
	// ResolutionRef names the steering group's resolution; ResolutionID is
	// that resolution in the groups module when it knows it.
	ResolutionRef string `json:"resolution_ref"`
	ResolutionID  *int64 `json:"resolution_id"`
	// ResolutionIDs are resolutions of the groups module cited as evidence.
	ResolutionIDs []int64   `json:"evidence_resolution_ids"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Validate checks an evaluation.
func (e *Evaluation) Validate() error {
	f := apperr.Fields{}
	trim(&e.Justification)
	ok := false
	for _, s := range EvalStates {
		ok = ok || s == e.State
	}
	if !ok {
		f.Add("state", "err.choose")
	}
	if e.Year < 2000 || e.Year > 2100 {
		f.Add("year", "plan.err.year")
	}
	required(f, "justification", e.Justification)
	checkLen(f, "justification", e.Justification, 10000)
	var ev []string
	for _, l := range e.Evidence {
		if l = strings.TrimSpace(l); l != "" {
			checkLen(f, "evidence", l, 500)
			ev = append(ev, l)
		}
	}
	e.Evidence = ev
	return f.Err()
}

const evalCols = `id, measure_id, year, state, justification, evidence, values_json, proposed_by, proposed_at, approved, approved_by, approved_at, resolution_ref, resolution_id, updated_at`

func scanEval(s scanner) (Evaluation, error) {
	var e Evaluation
	var ev, vals string
	if err := s.Scan(&e.ID, &e.MeasureID, &e.Year, &e.State, &e.Justification, &ev, &vals, &e.ProposedBy, &e.ProposedAt, &e.Approved, &e.ApprovedBy, &e.ApprovedAt, &e.ResolutionRef, &e.ResolutionID, &e.UpdatedAt); err != nil {
		return e, err
	}
	e.ResolutionIDs = []int64{}
	e.Evidence = splitLines(ev)
	e.Values = map[string]float64{}
	if vals != "" {
		_ = json.Unmarshal([]byte(vals), &e.Values)
	}
	return e, nil
}

// EvalFilter selects evaluations.
type EvalFilter struct {
	Year      int
	MeasureID int64
	PeriodID  int64
}

// Evaluations lists evaluations.
func (s *Service) Evaluations(ctx context.Context, f EvalFilter) ([]Evaluation, error) {
	where, args := []string{"1=1"}, []any{}
	if f.Year != 0 {
		where, args = append(where, "year = ?"), append(args, f.Year)
	}
	if f.MeasureID != 0 {
		where, args = append(where, "measure_id = ?"), append(args, f.MeasureID)
	}
	if f.PeriodID != 0 {
		where, args = append(where, "measure_id IN (SELECT id FROM plan_measures WHERE period_id = ?)"), append(args, f.PeriodID)
	}
	es, err := queryAll(ctx, s.DB, `SELECT `+evalCols+` FROM plan_evaluations WHERE `+strings.Join(where, " AND ")+` ORDER BY year DESC, measure_id`, args, scanEval)
	if err != nil || len(es) == 0 {
		return es, err
	}
	return es, evalResolutions(ctx, s.DB, es)
}

// evalResolutions fills the resolutions cited as evidence (one query).
func evalResolutions(ctx context.Context, q store.Q, es []Evaluation) error {
	idx := map[int64]int{}
	ids := make([]int64, len(es))
	for i, e := range es {
		idx[e.ID], ids[i] = i, e.ID
	}
	in, args := inArgs(ids)
	rows, err := q.Query(ctx, `SELECT evaluation_id, resolution_id FROM plan_evaluation_resolutions WHERE evaluation_id IN (`+in+`) ORDER BY resolution_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var eid, rid int64
		if err := rows.Scan(&eid, &rid); err != nil {
			return err
		}
		es[idx[eid]].ResolutionIDs = append(es[idx[eid]].ResolutionIDs, rid)
	}
	return rows.Err()
}

func findEvaluation(ctx context.Context, q store.Q, where string, args ...any) (Evaluation, error) {
	e, err := queryOne(ctx, q, `SELECT `+evalCols+` FROM plan_evaluations WHERE `+where, args, scanEval, "plan_evaluation")
	if err != nil {
		return e, err
	}
	es := []Evaluation{e}
	err = evalResolutions(ctx, q, es)
	return es[0], err
}

// Evaluation returns one evaluation.
func (s *Service) Evaluation(ctx context.Context, id int64) (*Evaluation, error) {
	e, err := findEvaluation(ctx, s.DB, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ProposeEvaluation records (or revises) the working group's proposal for a
// measure and year, with the indicator values computed from the round of
// that year. Revising an approved evaluation takes the approval back.
func (s *Service) ProposeEvaluation(ctx context.Context, e Evaluation) (*Evaluation, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	m, err := s.Measure(ctx, e.MeasureID)
	if err != nil {
		return nil, err
	}
	vals, err := s.ComputeValues(ctx, []Measure{*m}, e.Year)
	if err != nil {
		return nil, err
	}
	e.Values = map[string]float64{}
	for id, v := range vals {
		e.Values[strconv.FormatInt(id, 10)] = v
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		b, err := findEvaluation(ctx, tx, `measure_id = ? AND year = ?`, e.MeasureID, e.Year)
		exists := err == nil
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		e.ProposedBy, e.ProposedAt, e.UpdatedAt = actorName(ctx), at, at
		e.Approved, e.ApprovedBy, e.ApprovedAt, e.ResolutionRef, e.ResolutionID = false, "", nil, "", nil
		e.ResolutionIDs = dedupe(e.ResolutionIDs)
		if e.ResolutionIDs == nil {
			e.ResolutionIDs = []int64{}
		}
		vj, _ := json.Marshal(e.Values)
		ev := strings.Join(e.Evidence, "\n")
		if exists {
			e.ID = b.ID
			_, err = tx.Exec(ctx, `UPDATE plan_evaluations SET state = ?, justification = ?, evidence = ?, values_json = ?, proposed_by = ?, proposed_at = ?, approved = ?, approved_by = '', approved_at = NULL, resolution_ref = '', resolution_id = NULL, updated_at = ? WHERE id = ?`,
				e.State, e.Justification, ev, string(vj), e.ProposedBy, e.ProposedAt, false, e.UpdatedAt, e.ID)
		} else {
			e.ID, err = store.InsertID(ctx, tx, `INSERT INTO plan_evaluations (measure_id, year, state, justification, evidence, values_json, proposed_by, proposed_at, approved, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				e.MeasureID, e.Year, e.State, e.Justification, ev, string(vj), e.ProposedBy, e.ProposedAt, false, e.UpdatedAt)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_evaluation_resolutions WHERE evaluation_id = ?`, e.ID); err != nil {
			return err
		}
		for _, rid := range e.ResolutionIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO plan_evaluation_resolutions (evaluation_id, resolution_id) VALUES (?, ?)`, e.ID, rid); err != nil {
				return dupField(err, "evidence_resolutions", "err.bad_reference")
			}
		}
		var before *Evaluation
		if exists {
			before = &b
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "propose", Entity: "plan_evaluation", EntityID: e.ID, Summary: m.Code + " " + strconv.Itoa(e.Year), Before: before, After: &e})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ApproveEvaluation records the steering group's approval with the
// reference of its resolution. When the groups module is connected, a
// reference shaped like its numbers ("ŘS/2026/07") must be one of its
// resolutions and is linked; other text (a town council's resolution) is
// kept as written.
func (s *Service) ApproveEvaluation(ctx context.Context, id int64, resolution string) (*Evaluation, error) {
	resolution = strings.TrimSpace(resolution)
	f := apperr.Fields{}
	required(f, "resolution_ref", resolution)
	checkLen(f, "resolution_ref", resolution, 200)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var resID *int64
	if s.Resolutions != nil && LooksLikeResolutionNumber(resolution) {
		ref, err := s.Resolutions.ResolutionByNumber(ctx, resolution)
		if err != nil || ref == nil {
			if err != nil && apperr.CodeOf(err) != apperr.NotFound {
				return nil, err
			}
			f.Add("resolution_ref", "plan.err.resolution_unknown", "Number", resolution)
			return nil, f.Err()
		}
		resID, resolution = &ref.ID, ref.Number
	}
	var e Evaluation
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := findEvaluation(ctx, tx, `id = ?`, id)
		if err != nil {
			return err
		}
		e = b
		at := s.now()
		e.Approved, e.ApprovedBy, e.ApprovedAt, e.ResolutionRef, e.ResolutionID, e.UpdatedAt = true, actorName(ctx), &at, resolution, resID, at
		if _, err := tx.Exec(ctx, `UPDATE plan_evaluations SET approved = ?, approved_by = ?, approved_at = ?, resolution_ref = ?, resolution_id = ?, updated_at = ? WHERE id = ?`,
			true, e.ApprovedBy, at, resolution, nullInt(resID), at, id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "approve", Entity: "plan_evaluation", EntityID: id, Summary: resolution, Before: &b, After: &e})
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ComputeValues returns the value of every indicator of measures for year:
// a computed one sums its metric over the submitted reports of the
// measure's services in the round of that year; a reported one is what the
// service's provider reported; a manual one is the typed or imported value.
// Indicators without a value are missing from the map. Three queries.
func (s *Service) ComputeValues(ctx context.Context, measures []Measure, year int) (map[int64]float64, error) {
	return s.computeValuesYears(ctx, measures, []int{year}, year)
}

// Series returns every indicator's value per round year (a fixed number of
// queries): indicator id → year → value.
func (s *Service) Series(ctx context.Context, measures []Measure) (map[int64]map[int]float64, []int, error) {
	rounds, err := findRounds(ctx, s.DB)
	if err != nil {
		return nil, nil, err
	}
	var years []int
	for i := len(rounds) - 1; i >= 0; i-- {
		years = append(years, rounds[i].Year)
	}
	out := map[int64]map[int]float64{}
	reps, pending, err := s.reportsByYear(ctx, rounds)
	if err != nil {
		return nil, nil, err
	}
	manual, err := s.manualValues(ctx, measures)
	if err != nil {
		return nil, nil, err
	}
	for _, y := range years {
		for id, v := range valuesFor(measures, reps[y], pending[y], manual, y) {
			if out[id] == nil {
				out[id] = map[int]float64{}
			}
			out[id][y] = v
		}
	}
	return out, years, nil
}

func (s *Service) computeValuesYears(ctx context.Context, measures []Measure, _ []int, year int) (map[int64]float64, error) {
	var rounds []Round
	rs, err := findRounds(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Year == year {
			rounds = append(rounds, r)
		}
	}
	reps, pending, err := s.reportsByYear(ctx, rounds)
	if err != nil {
		return nil, err
	}
	manual, err := s.manualValues(ctx, measures)
	if err != nil {
		return nil, err
	}
	return valuesFor(measures, reps[year], pending[year], manual, year), nil
}

// reportsByYear loads the submitted reports of rounds (year → service →
// data) and the services whose report is not submitted yet (year → service).
func (s *Service) reportsByYear(ctx context.Context, rounds []Round) (map[int]map[int64]ReportData, map[int]map[int64]bool, error) {
	out := map[int]map[int64]ReportData{}
	pending := map[int]map[int64]bool{}
	if len(rounds) == 0 {
		return out, pending, nil
	}
	yearOf := map[int64]int{}
	var ids []int64
	for _, r := range rounds {
		yearOf[r.ID] = r.Year
		ids = append(ids, r.ID)
	}
	reps, err := findReports(ctx, s.DB, ReportFilter{RoundIDs: ids})
	if err != nil {
		return nil, nil, err
	}
	for _, rep := range reps {
		y := yearOf[rep.RoundID]
		if rep.State != ReportSubmitted {
			if pending[y] == nil {
				pending[y] = map[int64]bool{}
			}
			pending[y][rep.ServiceID] = true
			continue
		}
		if out[y] == nil {
			out[y] = map[int64]ReportData{}
		}
		out[y][rep.ServiceID] = rep.Data
	}
	return out, pending, nil
}

func (s *Service) manualValues(ctx context.Context, measures []Measure) (map[int64]map[int]float64, error) {
	var ids []int64
	for _, m := range measures {
		for _, i := range m.Indicators {
			if i.Method == MethodManual {
				ids = append(ids, i.ID)
			}
		}
	}
	vals, err := findIndicatorValues(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]map[int]float64{}
	for _, v := range vals {
		if out[v.IndicatorID] == nil {
			out[v.IndicatorID] = map[int]float64{}
		}
		out[v.IndicatorID][v.Year] = v.Value
	}
	return out, nil
}

// valuesFor computes the indicator values of one year from that year's
// submitted reports (service → data) and the manual values. A computed
// value waits until every linked service's report of the round is in, so
// that a half-finished round does not show a misleading sum.
func valuesFor(measures []Measure, reps map[int64]ReportData, pending map[int64]bool, manual map[int64]map[int]float64, year int) map[int64]float64 {
	out := map[int64]float64{}
	for _, m := range measures {
		for _, ind := range m.Indicators {
			switch ind.Method {
			case MethodManual:
				if v, ok := manual[ind.ID][year]; ok {
					out[ind.ID] = v
				}
			case MethodComputed:
				var sum float64
				found := false
				for _, sid := range m.ServiceIDs {
					if pending[sid] {
						found = false
						break
					}
					if d, ok := reps[sid]; ok {
						sum += d.Metric(ind.Metric)
						found = true
					}
				}
				if found {
					out[ind.ID] = round1(sum)
				}
			case MethodReported:
				if ind.ServiceID == nil {
					continue
				}
				if d, ok := reps[*ind.ServiceID]; ok {
					if v, ok := d.Values[strconv.FormatInt(ind.ID, 10)]; ok {
						out[ind.ID] = v
					}
				}
			}
		}
	}
	return out
}
