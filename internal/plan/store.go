package plan

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"kpss/internal/czech"
	"kpss/internal/store"
)

type scanner interface{ Scan(...any) error }

func queryAll[T any](ctx context.Context, q store.Q, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func queryOne[T any](ctx context.Context, q store.Q, query string, args []any, scan func(scanner) (T, error), entity string) (T, error) {
	v, err := scan(q.QueryRow(ctx, query, args...))
	if err != nil {
		var zero T
		return zero, store.AppError(store.MapError(err), entity)
	}
	return v, nil
}

func inArgs(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return store.Placeholders(len(ids)), args
}

func now(fn func() time.Time) time.Time { return fn().UTC().Truncate(time.Microsecond) }

// ---------- periods

const periodCols = `id, name, year_from, year_to, current, note, created_at, updated_at`

func scanPeriod(s scanner) (Period, error) {
	var p Period
	err := s.Scan(&p.ID, &p.Name, &p.YearFrom, &p.YearTo, &p.Current, &p.Note, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

func findPeriods(ctx context.Context, q store.Q) ([]Period, error) {
	return queryAll(ctx, q, `SELECT `+periodCols+` FROM plan_periods ORDER BY year_from DESC, id DESC`, nil, scanPeriod)
}

func findPeriod(ctx context.Context, q store.Q, id int64) (Period, error) {
	return queryOne(ctx, q, `SELECT `+periodCols+` FROM plan_periods WHERE id = ?`, []any{id}, scanPeriod, "plan_period")
}

func findCurrentPeriod(ctx context.Context, q store.Q) (Period, error) {
	return queryOne(ctx, q, `SELECT `+periodCols+` FROM plan_periods WHERE current = ? ORDER BY id DESC LIMIT 1`, []any{true}, scanPeriod, "plan_period")
}

func insertPeriod(ctx context.Context, q store.Q, p *Period) (err error) {
	p.ID, err = store.InsertID(ctx, q, `INSERT INTO plan_periods (name, year_from, year_to, current, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.Name, p.YearFrom, p.YearTo, p.Current, p.Note, p.CreatedAt, p.UpdatedAt)
	return err
}

func updatePeriod(ctx context.Context, q store.Q, p *Period) error {
	_, err := q.Exec(ctx, `UPDATE plan_periods SET name = ?, year_from = ?, year_to = ?, current = ?, note = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.YearFrom, p.YearTo, p.Current, p.Note, p.UpdatedAt, p.ID)
	return err
}

// ---------- priorities

const priorityCols = `id, period_id, target_group_id, code, title, description, sort_order, created_at, updated_at`

func scanPriority(s scanner) (Priority, error) {
	var p Priority
	err := s.Scan(&p.ID, &p.PeriodID, &p.TargetGroupID, &p.Code, &p.Title, &p.Description, &p.SortOrder, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

func findPriorities(ctx context.Context, q store.Q, periodID int64) ([]Priority, error) {
	return queryAll(ctx, q, `SELECT `+priorityCols+` FROM plan_priorities WHERE period_id = ? ORDER BY sort_order, code`, []any{periodID}, scanPriority)
}

func findPriority(ctx context.Context, q store.Q, id int64) (Priority, error) {
	return queryOne(ctx, q, `SELECT `+priorityCols+` FROM plan_priorities WHERE id = ?`, []any{id}, scanPriority, "plan_priority")
}

func insertPriority(ctx context.Context, q store.Q, p *Priority) (err error) {
	p.ID, err = store.InsertID(ctx, q, `INSERT INTO plan_priorities (period_id, target_group_id, code, title, description, sort_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.PeriodID, p.TargetGroupID, p.Code, p.Title, p.Description, p.SortOrder, p.CreatedAt, p.UpdatedAt)
	return err
}

func updatePriority(ctx context.Context, q store.Q, p *Priority) error {
	_, err := q.Exec(ctx, `UPDATE plan_priorities SET target_group_id = ?, code = ?, title = ?, description = ?, sort_order = ?, updated_at = ? WHERE id = ?`,
		p.TargetGroupID, p.Code, p.Title, p.Description, p.SortOrder, p.UpdatedAt, p.ID)
	return err
}

// ---------- measures

const measureCols = `m.id, m.period_id, m.priority_id, m.code, m.title, m.kind, m.description, m.activities, m.timeframe, m.services, m.dropped, m.created_at, m.updated_at`

func scanMeasure(s scanner) (Measure, error) {
	var m Measure
	var services string
	err := s.Scan(&m.ID, &m.PeriodID, &m.PriorityID, &m.Code, &m.Title, &m.Kind, &m.Description, &m.Activities, &m.Timeframe, &services, &m.Dropped, &m.CreatedAt, &m.UpdatedAt)
	m.Services = splitLines(services)
	m.ResponsibleIDs, m.PartnerIDs, m.ServiceIDs, m.Costs, m.Indicators = []int64{}, []int64{}, []int64{}, []Cost{}, []Indicator{}
	return m, err
}

func splitLines(s string) []string {
	out := []string{}
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// findMeasures loads measures matching where (on alias m) with their
// organisations, services, costs and indicators in five queries.
func findMeasures(ctx context.Context, q store.Q, where string, args ...any) ([]Measure, error) {
	ms, err := queryAll(ctx, q, `SELECT `+measureCols+` FROM plan_measures m JOIN plan_priorities p ON p.id = m.priority_id WHERE `+where+
		` ORDER BY p.sort_order, p.code, m.code`, args, scanMeasure)
	if err != nil || len(ms) == 0 {
		return ms, err
	}
	byID := map[int64]*Measure{}
	ids := make([]int64, len(ms))
	for i := range ms {
		byID[ms[i].ID] = &ms[i]
		ids[i] = ms[i].ID
	}
	in, inArgsV := inArgs(ids)
	rows, err := q.Query(ctx, `SELECT measure_id, organisation_id, role FROM plan_measure_orgs WHERE measure_id IN (`+in+`) ORDER BY organisation_id`, inArgsV...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var mid, oid int64
		var role string
		if err := rows.Scan(&mid, &oid, &role); err != nil {
			rows.Close()
			return nil, err
		}
		if role == "responsible" {
			byID[mid].ResponsibleIDs = append(byID[mid].ResponsibleIDs, oid)
		} else {
			byID[mid].PartnerIDs = append(byID[mid].PartnerIDs, oid)
		}
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT measure_id, service_id FROM plan_measure_services WHERE measure_id IN (`+in+`) ORDER BY service_id`, inArgsV...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var mid, sid int64
		if err := rows.Scan(&mid, &sid); err != nil {
			rows.Close()
			return nil, err
		}
		byID[mid].ServiceIDs = append(byID[mid].ServiceIDs, sid)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT measure_id, year, amount, source FROM plan_measure_costs WHERE measure_id IN (`+in+`) ORDER BY year`, inArgsV...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var mid int64
		var c Cost
		if err := rows.Scan(&mid, &c.Year, &c.Amount, &c.Source); err != nil {
			rows.Close()
			return nil, err
		}
		byID[mid].Costs = append(byID[mid].Costs, c)
	}
	rows.Close()
	inds, err := queryAll(ctx, q, `SELECT `+indicatorCols+` FROM plan_indicators WHERE measure_id IN (`+in+`) ORDER BY id`, inArgsV, scanIndicator)
	if err != nil {
		return nil, err
	}
	for _, ind := range inds {
		byID[ind.MeasureID].Indicators = append(byID[ind.MeasureID].Indicators, ind)
	}
	return ms, nil
}

func findMeasure(ctx context.Context, q store.Q, id int64) (Measure, error) {
	ms, err := findMeasures(ctx, q, `m.id = ?`, id)
	if err != nil {
		return Measure{}, err
	}
	if len(ms) == 0 {
		return Measure{}, store.AppError(store.ErrNotFound, "plan_measure")
	}
	return ms[0], nil
}

func measureSearch(m *Measure) string {
	return czech.FoldJoin(m.Code, m.Title, m.Description, m.Activities, strings.Join(m.Services, " "))
}

func insertMeasure(ctx context.Context, q store.Q, m *Measure) (err error) {
	m.ID, err = store.InsertID(ctx, q, `INSERT INTO plan_measures (period_id, priority_id, code, title, kind, description, activities, timeframe, services, dropped, search, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.PeriodID, m.PriorityID, m.Code, m.Title, m.Kind, m.Description, m.Activities, m.Timeframe, strings.Join(m.Services, "\n"), m.Dropped, measureSearch(m), m.CreatedAt, m.UpdatedAt)
	if err != nil {
		return err
	}
	return saveMeasureChildren(ctx, q, m)
}

func updateMeasure(ctx context.Context, q store.Q, m *Measure) error {
	if _, err := q.Exec(ctx, `UPDATE plan_measures SET priority_id = ?, code = ?, title = ?, kind = ?, description = ?, activities = ?, timeframe = ?, services = ?, dropped = ?, search = ?, updated_at = ? WHERE id = ?`,
		m.PriorityID, m.Code, m.Title, m.Kind, m.Description, m.Activities, m.Timeframe, strings.Join(m.Services, "\n"), m.Dropped, measureSearch(m), m.UpdatedAt, m.ID); err != nil {
		return err
	}
	for _, t := range []string{"plan_measure_orgs", "plan_measure_services", "plan_measure_costs"} {
		if _, err := q.Exec(ctx, `DELETE FROM `+t+` WHERE measure_id = ?`, m.ID); err != nil {
			return err
		}
	}
	return saveMeasureChildren(ctx, q, m)
}

func saveMeasureChildren(ctx context.Context, q store.Q, m *Measure) error {
	for _, id := range m.ResponsibleIDs {
		if _, err := q.Exec(ctx, `INSERT INTO plan_measure_orgs (measure_id, organisation_id, role) VALUES (?, ?, 'responsible')`, m.ID, id); err != nil {
			return err
		}
	}
	for _, id := range m.PartnerIDs {
		if _, err := q.Exec(ctx, `INSERT INTO plan_measure_orgs (measure_id, organisation_id, role) VALUES (?, ?, 'partner')`, m.ID, id); err != nil {
			return err
		}
	}
	for _, id := range m.ServiceIDs {
		if _, err := q.Exec(ctx, `INSERT INTO plan_measure_services (measure_id, service_id) VALUES (?, ?)`, m.ID, id); err != nil {
			return err
		}
	}
	for _, c := range m.Costs {
		if _, err := q.Exec(ctx, `INSERT INTO plan_measure_costs (measure_id, year, amount, source) VALUES (?, ?, ?, ?)`, m.ID, c.Year, c.Amount, c.Source); err != nil {
			return err
		}
	}
	return nil
}

// ---------- indicators

const indicatorCols = `id, measure_id, name, unit, baseline, target, source, method, metric, service_id, created_at, updated_at`

func scanIndicator(s scanner) (Indicator, error) {
	var i Indicator
	err := s.Scan(&i.ID, &i.MeasureID, &i.Name, &i.Unit, &i.Baseline, &i.Target, &i.Source, &i.Method, &i.Metric, &i.ServiceID, &i.CreatedAt, &i.UpdatedAt)
	return i, err
}

func findIndicator(ctx context.Context, q store.Q, id int64) (Indicator, error) {
	return queryOne(ctx, q, `SELECT `+indicatorCols+` FROM plan_indicators WHERE id = ?`, []any{id}, scanIndicator, "plan_indicator")
}

func findIndicatorsByPeriod(ctx context.Context, q store.Q, periodID int64) ([]Indicator, error) {
	return queryAll(ctx, q, `SELECT `+indicatorCols+` FROM plan_indicators WHERE measure_id IN (SELECT id FROM plan_measures WHERE period_id = ?) ORDER BY measure_id, id`, []any{periodID}, scanIndicator)
}

func insertIndicator(ctx context.Context, q store.Q, i *Indicator) (err error) {
	i.ID, err = store.InsertID(ctx, q, `INSERT INTO plan_indicators (measure_id, name, unit, baseline, target, source, method, metric, service_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		i.MeasureID, i.Name, i.Unit, i.Baseline, i.Target, i.Source, i.Method, i.Metric, i.ServiceID, i.CreatedAt, i.UpdatedAt)
	return err
}

func updateIndicator(ctx context.Context, q store.Q, i *Indicator) error {
	_, err := q.Exec(ctx, `UPDATE plan_indicators SET name = ?, unit = ?, baseline = ?, target = ?, source = ?, method = ?, metric = ?, service_id = ?, updated_at = ? WHERE id = ?`,
		i.Name, i.Unit, i.Baseline, i.Target, i.Source, i.Method, i.Metric, i.ServiceID, i.UpdatedAt, i.ID)
	return err
}

// IndicatorValue is a typed or imported value of a manual indicator.
type IndicatorValue struct {
	IndicatorID int64     `json:"indicator_id"`
	Year        int       `json:"year"`
	Value       float64   `json:"value"`
	Note        string    `json:"note"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func findIndicatorValues(ctx context.Context, q store.Q, ids []int64) ([]IndicatorValue, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inArgs(ids)
	return queryAll(ctx, q, `SELECT indicator_id, year, value, note, updated_at FROM plan_indicator_values WHERE indicator_id IN (`+in+`) ORDER BY year`, args,
		func(s scanner) (IndicatorValue, error) {
			var v IndicatorValue
			err := s.Scan(&v.IndicatorID, &v.Year, &v.Value, &v.Note, &v.UpdatedAt)
			return v, err
		})
}

func upsertIndicatorValue(ctx context.Context, q store.Q, v IndicatorValue) error {
	_, err := q.Exec(ctx, `INSERT INTO plan_indicator_values (indicator_id, year, value, note, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (indicator_id, year) DO UPDATE SET value = excluded.value, note = excluded.note, updated_at = excluded.updated_at`,
		v.IndicatorID, v.Year, v.Value, v.Note, v.UpdatedAt)
	return err
}

// ---------- versions

// Version is a recorded plan update.
type Version struct {
	ID        int64           `json:"id"`
	PeriodID  int64           `json:"period_id"`
	Number    int             `json:"number"`
	Note      string          `json:"note"`
	Snapshot  []MeasureSnap   `json:"-"`
	Diff      []MeasureChange `json:"diff"`
	CreatedBy string          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
}

const versionCols = `id, period_id, number, note, snapshot, diff, created_by, created_at`

func scanVersion(s scanner) (Version, error) {
	var v Version
	var snap, diff string
	if err := s.Scan(&v.ID, &v.PeriodID, &v.Number, &v.Note, &snap, &diff, &v.CreatedBy, &v.CreatedAt); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(snap), &v.Snapshot); err != nil {
		return v, err
	}
	if diff != "" {
		if err := json.Unmarshal([]byte(diff), &v.Diff); err != nil {
			return v, err
		}
	}
	return v, nil
}

func findVersions(ctx context.Context, q store.Q, periodID int64) ([]Version, error) {
	return queryAll(ctx, q, `SELECT `+versionCols+` FROM plan_versions WHERE period_id = ? ORDER BY number DESC`, []any{periodID}, scanVersion)
}

func findVersion(ctx context.Context, q store.Q, id int64) (Version, error) {
	return queryOne(ctx, q, `SELECT `+versionCols+` FROM plan_versions WHERE id = ?`, []any{id}, scanVersion, "plan_version")
}

func insertVersion(ctx context.Context, q store.Q, v *Version) (err error) {
	snap, _ := json.Marshal(v.Snapshot)
	diff, _ := json.Marshal(v.Diff)
	v.ID, err = store.InsertID(ctx, q, `INSERT INTO plan_versions (period_id, number, note, snapshot, diff, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		v.PeriodID, v.Number, v.Note, string(snap), string(diff), v.CreatedBy, v.CreatedAt)
	return err
}

// ---------- provider services

const serviceCols = `id, organisation_id, name, service_type, target_group_id, capacity_unit, municipality_id, archived, created_at, updated_at`

func scanService(s scanner) (ProviderService, error) {
	var v ProviderService
	err := s.Scan(&v.ID, &v.OrganisationID, &v.Name, &v.ServiceType, &v.TargetGroupID, &v.CapacityUnit, &v.MunicipalityID, &v.Archived, &v.CreatedAt, &v.UpdatedAt)
	return v, err
}

// findServices lists services; orgID 0 means every organisation.
func findServices(ctx context.Context, q store.Q, orgID int64, withArchived bool) ([]ProviderService, error) {
	where, args := "1=1", []any{}
	if orgID != 0 {
		where += " AND organisation_id = ?"
		args = append(args, orgID)
	}
	if !withArchived {
		where += " AND archived = ?"
		args = append(args, false)
	}
	return queryAll(ctx, q, `SELECT `+serviceCols+` FROM provider_services WHERE `+where+` ORDER BY sort_key, id`, args, scanService)
}

func findService(ctx context.Context, q store.Q, id int64) (ProviderService, error) {
	return queryOne(ctx, q, `SELECT `+serviceCols+` FROM provider_services WHERE id = ?`, []any{id}, scanService, "provider_service")
}

func insertService(ctx context.Context, q store.Q, s *ProviderService) (err error) {
	s.ID, err = store.InsertID(ctx, q, `INSERT INTO provider_services (organisation_id, name, service_type, target_group_id, capacity_unit, municipality_id, archived, sort_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.OrganisationID, s.Name, s.ServiceType, s.TargetGroupID, s.CapacityUnit, s.MunicipalityID, s.Archived, czech.SortKey(s.Name), s.CreatedAt, s.UpdatedAt)
	return err
}

func updateService(ctx context.Context, q store.Q, s *ProviderService) error {
	_, err := q.Exec(ctx, `UPDATE provider_services SET organisation_id = ?, name = ?, service_type = ?, target_group_id = ?, capacity_unit = ?, municipality_id = ?, archived = ?, sort_key = ?, updated_at = ? WHERE id = ?`,
		s.OrganisationID, s.Name, s.ServiceType, s.TargetGroupID, s.CapacityUnit, s.MunicipalityID, s.Archived, czech.SortKey(s.Name), s.UpdatedAt, s.ID)
	return err
}

// ---------- rounds

const roundCols = `id, name, year, deadline, state, note, created_at, updated_at`

func scanRound(s scanner) (Round, error) {
	var r Round
	err := s.Scan(&r.ID, &r.Name, &r.Year, &r.Deadline, &r.State, &r.Note, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

func findRounds(ctx context.Context, q store.Q) ([]Round, error) {
	return queryAll(ctx, q, `SELECT `+roundCols+` FROM monitoring_rounds ORDER BY year DESC`, nil, scanRound)
}

func findRound(ctx context.Context, q store.Q, id int64) (Round, error) {
	return queryOne(ctx, q, `SELECT `+roundCols+` FROM monitoring_rounds WHERE id = ?`, []any{id}, scanRound, "monitoring_round")
}

// findRoundBefore returns the latest round of a year before year.
func findRoundBefore(ctx context.Context, q store.Q, year int) (Round, error) {
	return queryOne(ctx, q, `SELECT `+roundCols+` FROM monitoring_rounds WHERE year < ? ORDER BY year DESC LIMIT 1`, []any{year}, scanRound, "monitoring_round")
}

func insertRound(ctx context.Context, q store.Q, r *Round) (err error) {
	r.ID, err = store.InsertID(ctx, q, `INSERT INTO monitoring_rounds (name, year, deadline, state, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.Name, r.Year, r.Deadline, r.State, r.Note, r.CreatedAt, r.UpdatedAt)
	return err
}

func updateRound(ctx context.Context, q store.Q, r *Round) error {
	_, err := q.Exec(ctx, `UPDATE monitoring_rounds SET name = ?, deadline = ?, state = ?, note = ?, updated_at = ? WHERE id = ?`,
		r.Name, r.Deadline, r.State, r.Note, r.UpdatedAt, r.ID)
	return err
}

// ---------- reports

const reportCols = `r.id, r.round_id, r.service_id, r.organisation_id, r.state, r.version, r.data, r.prefilled, r.unchanged, r.return_comment, r.submitted_at, r.submitted_by, r.created_at, r.updated_at, s.name`

func scanReport(s scanner) (Report, error) {
	var r Report
	var data string
	if err := s.Scan(&r.ID, &r.RoundID, &r.ServiceID, &r.OrganisationID, &r.State, &r.Version, &data, &r.Prefilled, &r.Unchanged, &r.ReturnComment, &r.SubmittedAt, &r.SubmittedBy, &r.CreatedAt, &r.UpdatedAt, &r.ServiceName); err != nil {
		return r, err
	}
	return r, decodeData(data, &r.Data)
}

func decodeData(s string, d *ReportData) error {
	if err := json.Unmarshal([]byte(s), d); err != nil {
		return err
	}
	if d.Staff == nil {
		d.Staff = map[string]float64{}
	}
	if d.Income == nil {
		d.Income = map[string]int64{}
	}
	if d.Values == nil {
		d.Values = map[string]float64{}
	}
	return nil
}

func encodeData(d ReportData) string {
	b, _ := json.Marshal(d)
	return string(b)
}

const reportFrom = ` FROM monitoring_reports r JOIN provider_services s ON s.id = r.service_id `

// ReportFilter selects reports.
type ReportFilter struct {
	RoundID        int64
	RoundIDs       []int64
	OrganisationID int64
	ServiceID      int64
	OpenRounds     bool // only reports of open rounds
}

func findReports(ctx context.Context, q store.Q, f ReportFilter) ([]Report, error) {
	where, args := []string{"1=1"}, []any{}
	if f.RoundID != 0 {
		where = append(where, "r.round_id = ?")
		args = append(args, f.RoundID)
	}
	if len(f.RoundIDs) > 0 {
		in, a := inArgs(f.RoundIDs)
		where = append(where, "r.round_id IN ("+in+")")
		args = append(args, a...)
	}
	if f.OrganisationID != 0 {
		where = append(where, "r.organisation_id = ?")
		args = append(args, f.OrganisationID)
	}
	if f.ServiceID != 0 {
		where = append(where, "r.service_id = ?")
		args = append(args, f.ServiceID)
	}
	if f.OpenRounds {
		where = append(where, "r.round_id IN (SELECT id FROM monitoring_rounds WHERE state = ?)")
		args = append(args, RoundOpen)
	}
	return queryAll(ctx, q, `SELECT `+reportCols+reportFrom+`WHERE `+strings.Join(where, " AND ")+` ORDER BY s.sort_key, r.id`, args, scanReport)
}

func findReport(ctx context.Context, q store.Q, id int64) (Report, error) {
	return queryOne(ctx, q, `SELECT `+reportCols+reportFrom+`WHERE r.id = ?`, []any{id}, scanReport, "monitoring_report")
}

func insertReport(ctx context.Context, q store.Q, r *Report) (err error) {
	r.ID, err = store.InsertID(ctx, q, `INSERT INTO monitoring_reports (round_id, service_id, organisation_id, state, version, data, prefilled, unchanged, return_comment, submitted_at, submitted_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.RoundID, r.ServiceID, r.OrganisationID, r.State, r.Version, encodeData(r.Data), r.Prefilled, r.Unchanged, r.ReturnComment, r.SubmittedAt, r.SubmittedBy, r.CreatedAt, r.UpdatedAt)
	return err
}

func updateReport(ctx context.Context, q store.Q, r *Report) error {
	_, err := q.Exec(ctx, `UPDATE monitoring_reports SET state = ?, version = ?, data = ?, unchanged = ?, return_comment = ?, submitted_at = ?, submitted_by = ?, updated_at = ? WHERE id = ?`,
		r.State, r.Version, encodeData(r.Data), r.Unchanged, r.ReturnComment, r.SubmittedAt, r.SubmittedBy, r.UpdatedAt, r.ID)
	return err
}

func insertReportVersion(ctx context.Context, q store.Q, reportID int64, v ReportVersion) error {
	_, err := q.Exec(ctx, `INSERT INTO monitoring_report_versions (report_id, version, data, unchanged, submitted_at, submitted_by) VALUES (?, ?, ?, ?, ?, ?)`,
		reportID, v.Version, encodeData(v.Data), v.Unchanged, v.SubmittedAt, v.SubmittedBy)
	return err
}

func findReportVersions(ctx context.Context, q store.Q, reportID int64) ([]ReportVersion, error) {
	return queryAll(ctx, q, `SELECT version, data, unchanged, submitted_at, submitted_by FROM monitoring_report_versions WHERE report_id = ? ORDER BY version DESC`, []any{reportID},
		func(s scanner) (ReportVersion, error) {
			var v ReportVersion
			var data string
			if err := s.Scan(&v.Version, &data, &v.Unchanged, &v.SubmittedAt, &v.SubmittedBy); err != nil {
				return v, err
			}
			return v, decodeData(data, &v.Data)
		})
}

// ---------- warning rules

func findRules(ctx context.Context, q store.Q) ([]Rule, error) {
	rules, err := queryAll(ctx, q, `SELECT code, threshold, enabled FROM warning_rules`, nil, func(s scanner) (Rule, error) {
		var r Rule
		err := s.Scan(&r.Code, &r.Threshold, &r.Enabled)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	out := make([]Rule, 0, len(rules))
	for _, code := range RuleCodes {
		for _, r := range rules {
			if r.Code == code {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

func updateRule(ctx context.Context, q store.Q, r Rule, at time.Time) error {
	_, err := q.Exec(ctx, `UPDATE warning_rules SET threshold = ?, enabled = ?, updated_at = ? WHERE code = ?`, r.Threshold, r.Enabled, at, r.Code)
	return err
}

// ---------- helpers

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

var _ = sql.ErrNoRows
