package plan

import (
	"context"
	"fmt"
	"kpss/internal/outbox"
	"log/slog"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/czech"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Service runs the rules of the plan and its monitoring. Every change writes
// one audit row in the same transaction.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Now      func() time.Time
	Partners *partner.Service
	Auth     *auth.Service // provider accounts for the reminders; may be nil
	Mail     mail.Sender
	// Outbox queues the reminders in the transaction that records them;
	// nil: Mail sends them at once (unit tests).
	Outbox  *outbox.Outbox
	BaseURL string
	Log     *slog.Logger
	// Actuals gives the project indicators' actual counts (meetings held …);
	// the groups module sets it. Nil: not connected yet.
	Actuals ProjectActuals
	// Referrals (the suggestions module) gives the suggestions referred to
	// measures; Resolutions (the groups module) the resolutions cited by
	// evaluations. Nil: not connected.
	Referrals   Referrals
	Resolutions Resolutions
	// VoiceRetention is how many months the text of users' inputs keeps
	// names and contacts (0: DefaultVoiceRetentionMonths).
	VoiceRetention int
}

// VoiceRetentionMonths is the retention period of users' inputs in months.
func (s *Service) VoiceRetentionMonths() int {
	if s.VoiceRetention > 0 {
		return s.VoiceRetention
	}
	return DefaultVoiceRetentionMonths
}

// ProjectActuals is the seam the groups (and workshops) module fills: the
// actual number for a project target code ("meetings", "workshops",
// "participants"); ok is false when the module does not know it.
type ProjectActuals interface {
	ProjectActual(ctx context.Context, code string) (n int, ok bool, err error)
}

// NewService returns the plan service.
func NewService(db *store.DB, log *audit.Log, now func() time.Time, partners *partner.Service) *Service {
	return &Service{DB: db, Audit: log, Now: now, Partners: partners, Log: slog.Default()}
}

func (s *Service) now() time.Time { return now(s.Now) }

func actorName(ctx context.Context) string {
	if u := auth.UserFrom(ctx); u != nil {
		return u.DisplayName()
	}
	return audit.ActorFrom(ctx).Name
}

var errReadOnly = apperr.New(apperr.Conflict, "plan.err.read_only")

// ---------- periods

// Periods lists the plan periods, newest first.
func (s *Service) Periods(ctx context.Context) ([]Period, error) { return findPeriods(ctx, s.DB) }

// Period returns one period.
func (s *Service) Period(ctx context.Context, id int64) (*Period, error) {
	p, err := findPeriod(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// CurrentPeriod returns the current period (NotFound when none is set).
func (s *Service) CurrentPeriod(ctx context.Context) (*Period, error) {
	p, err := findCurrentPeriod(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// SavePeriod creates (id 0) or updates a period. Making it current makes
// the others read-only.
func (s *Service) SavePeriod(ctx context.Context, id int64, p Period) (*Period, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		var before *Period
		if id != 0 {
			b, err := findPeriod(ctx, tx, id)
			if err != nil {
				return err
			}
			before = &b
			p.ID, p.CreatedAt = id, b.CreatedAt
		} else {
			p.CreatedAt = at
		}
		p.UpdatedAt = at
		if p.Current {
			if _, err := tx.Exec(ctx, `UPDATE plan_periods SET current = ? WHERE current = ?`, false, true); err != nil {
				return err
			}
		}
		action := "create"
		if id != 0 {
			action = "update"
			if err := updatePeriod(ctx, tx, &p); err != nil {
				return err
			}
		} else if err := insertPeriod(ctx, tx, &p); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "plan_period", EntityID: p.ID, Summary: p.Name, Before: before, After: &p})
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// editable returns the period of periodID if its plan may still change.
func editable(ctx context.Context, q store.Q, periodID int64) (Period, error) {
	p, err := findPeriod(ctx, q, periodID)
	if err != nil {
		return p, err
	}
	if !p.Current {
		return p, errReadOnly
	}
	return p, nil
}

// Outline is a period's plan: its priorities with their measures.
type Outline struct {
	Period     Period
	Priorities []Priority
}

// Measures lists every measure of the outline.
func (o Outline) Measures() []Measure {
	var out []Measure
	for _, p := range o.Priorities {
		out = append(out, p.Measures...)
	}
	return out
}

// Outline loads a period's priorities and measures in a fixed number of queries.
func (s *Service) Outline(ctx context.Context, periodID int64) (*Outline, error) {
	per, err := findPeriod(ctx, s.DB, periodID)
	if err != nil {
		return nil, err
	}
	prios, err := findPriorities(ctx, s.DB, periodID)
	if err != nil {
		return nil, err
	}
	ms, err := findMeasures(ctx, s.DB, `m.period_id = ?`, periodID)
	if err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	for i, p := range prios {
		idx[p.ID] = i
		prios[i].Measures = []Measure{}
	}
	for _, m := range ms {
		i := idx[m.PriorityID]
		prios[i].Measures = append(prios[i].Measures, m)
	}
	return &Outline{Period: per, Priorities: prios}, nil
}

// ---------- priorities

// Priority returns one priority.
func (s *Service) Priority(ctx context.Context, id int64) (*Priority, error) {
	p, err := findPriority(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// SavePriority creates (id 0) or updates a priority of a current period.
func (s *Service) SavePriority(ctx context.Context, id int64, p Priority) (*Priority, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		var before *Priority
		if id != 0 {
			b, err := findPriority(ctx, tx, id)
			if err != nil {
				return err
			}
			before = &b
			p.ID, p.PeriodID, p.CreatedAt = id, b.PeriodID, b.CreatedAt
		} else {
			p.CreatedAt = at
		}
		if _, err := editable(ctx, tx, p.PeriodID); err != nil {
			return err
		}
		p.UpdatedAt = at
		var err error
		if id != 0 {
			err = updatePriority(ctx, tx, &p)
		} else {
			err = insertPriority(ctx, tx, &p)
		}
		if err != nil {
			return dupField(err, "code", "plan.err.code_taken")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: map[bool]string{true: "update", false: "create"}[id != 0], Entity: "plan_priority", EntityID: p.ID, Summary: p.Code + " " + p.Title, Before: before, After: &p})
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func dupField(err error, field, key string) error {
	if err != nil && strings.Contains(err.Error(), "duplicate") {
		f := apperr.Fields{}
		f.Add(field, key)
		return f.Err()
	}
	if err != nil && strings.Contains(err.Error(), "referenced") {
		return apperr.New(apperr.Invalid, "err.bad_reference")
	}
	return err
}

// ---------- measures

// Measure returns one measure with its organisations, costs and indicators.
func (s *Service) Measure(ctx context.Context, id int64) (*Measure, error) {
	m, err := findMeasure(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// FindMeasures lists measures of a period (0: every period).
func (s *Service) FindMeasures(ctx context.Context, periodID int64) ([]Measure, error) {
	if periodID == 0 {
		return findMeasures(ctx, s.DB, `1=1`)
	}
	return findMeasures(ctx, s.DB, `m.period_id = ?`, periodID)
}

// SaveMeasure creates (id 0) or updates a measure of the current period.
// The measure's priority decides its period.
func (s *Service) SaveMeasure(ctx context.Context, id int64, m Measure) (*Measure, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var before *Measure
		at := s.now()
		if id != 0 {
			b, err := findMeasure(ctx, tx, id)
			if err != nil {
				return err
			}
			before = &b
			m.ID, m.CreatedAt, m.Dropped = id, b.CreatedAt, b.Dropped
			m.Indicators = b.Indicators
		} else {
			m.CreatedAt = at
		}
		if m.PriorityID == 0 {
			f := apperr.Fields{}
			f.Add("priority_id", "err.choose")
			return f.Err()
		}
		prio, err := findPriority(ctx, tx, m.PriorityID)
		if err != nil {
			f := apperr.Fields{}
			f.Add("priority_id", "err.choose")
			return f.Err()
		}
		if before != nil && before.PeriodID != prio.PeriodID {
			f := apperr.Fields{}
			f.Add("priority_id", "err.choose")
			return f.Err()
		}
		m.PeriodID = prio.PeriodID
		per, err := editable(ctx, tx, m.PeriodID)
		if err != nil {
			return err
		}
		if err := m.Validate(per); err != nil {
			return err
		}
		m.ResponsibleIDs, m.PartnerIDs, m.ServiceIDs = dedupe(m.ResponsibleIDs), dedupe(m.PartnerIDs), dedupe(m.ServiceIDs)
		m.UpdatedAt = at
		if id != 0 {
			err = updateMeasure(ctx, tx, &m)
		} else {
			err = insertMeasure(ctx, tx, &m)
		}
		if err != nil {
			return dupField(err, "code", "plan.err.code_taken")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: map[bool]string{true: "update", false: "create"}[id != 0], Entity: "plan_measure", EntityID: m.ID, Summary: m.Code + " " + m.Title, Before: before, After: &m})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// SetMeasureDropped drops a measure from the plan (or takes it back). A
// dropped measure stays in the plan's history and its evaluations.
func (s *Service) SetMeasureDropped(ctx context.Context, id int64, dropped bool) (*Measure, error) {
	var m Measure
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := findMeasure(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := editable(ctx, tx, b.PeriodID); err != nil {
			return err
		}
		m = b
		if b.Dropped == dropped {
			return nil
		}
		m.Dropped, m.UpdatedAt = dropped, s.now()
		if _, err := tx.Exec(ctx, `UPDATE plan_measures SET dropped = ?, updated_at = ? WHERE id = ?`, dropped, m.UpdatedAt, id); err != nil {
			return err
		}
		action := "restore"
		if dropped {
			action = "drop"
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "plan_measure", EntityID: id, Summary: m.Code + " " + m.Title, Before: &b, After: &m})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// ---------- indicators

// Indicator returns one indicator.
func (s *Service) Indicator(ctx context.Context, id int64) (*Indicator, error) {
	i, err := findIndicator(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &i, nil
}

// SaveIndicator creates (id 0, for i.MeasureID) or updates an indicator.
func (s *Service) SaveIndicator(ctx context.Context, id int64, i Indicator) (*Indicator, error) {
	if err := i.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		var before *Indicator
		if id != 0 {
			b, err := findIndicator(ctx, tx, id)
			if err != nil {
				return err
			}
			before = &b
			i.ID, i.MeasureID, i.CreatedAt = id, b.MeasureID, b.CreatedAt
		} else {
			i.CreatedAt = at
		}
		m, err := findMeasure(ctx, tx, i.MeasureID)
		if err != nil {
			return err
		}
		if _, err := editable(ctx, tx, m.PeriodID); err != nil {
			return err
		}
		i.UpdatedAt = at
		if id != 0 {
			err = updateIndicator(ctx, tx, &i)
		} else {
			err = insertIndicator(ctx, tx, &i)
		}
		if err != nil {
			return dupField(err, "service_id", "err.bad_reference")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: map[bool]string{true: "update", false: "create"}[id != 0], Entity: "plan_indicator", EntityID: i.ID, Summary: i.Name, Before: before, After: &i})
	})
	if err != nil {
		return nil, err
	}
	return &i, nil
}

// FindIndicators lists the indicators of a period's measures.
func (s *Service) FindIndicators(ctx context.Context, periodID int64) ([]Indicator, error) {
	return findIndicatorsByPeriod(ctx, s.DB, periodID)
}

// SetIndicatorValues stores typed or imported values of manual indicators
// (one audit row for the whole batch).
func (s *Service) SetIndicatorValues(ctx context.Context, vals []IndicatorValue, source string) error {
	if len(vals) == 0 {
		return apperr.New(apperr.Invalid, "plan.err.no_values")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		for i := range vals {
			ind, err := findIndicator(ctx, tx, vals[i].IndicatorID)
			if err != nil {
				return &apperr.Error{Code: apperr.Invalid, Msg: apperr.Msg{Key: "plan.err.import_indicator", Args: map[string]any{"ID": vals[i].IndicatorID}}}
			}
			if ind.Method != MethodManual {
				return &apperr.Error{Code: apperr.Invalid, Msg: apperr.Msg{Key: "plan.err.import_not_manual", Args: map[string]any{"ID": ind.ID, "Name": ind.Name}}}
			}
			vals[i].UpdatedAt = at
			if err := upsertIndicatorValue(ctx, tx, vals[i]); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "import", Entity: "plan_indicator_value", Summary: fmt.Sprintf("%s: %d", source, len(vals)), After: map[string]any{"count": len(vals), "source": source}})
	})
}

// ---------- versions (plan updates)

// MeasureSnap is a measure as recorded in a plan version, with names
// resolved so that the version reads the same years later.
type MeasureSnap struct {
	ID          int64    `json:"id"`
	Code        string   `json:"code"`
	Title       string   `json:"title"`
	Priority    string   `json:"priority"`
	Kind        string   `json:"kind"`
	Description string   `json:"description"`
	Activities  string   `json:"activities"`
	Responsible []string `json:"responsible"`
	Partners    []string `json:"partners"`
	Timeframe   string   `json:"timeframe"`
	Costs       []string `json:"costs"`
	Services    []string `json:"services"`
	Indicators  []string `json:"indicators"`
	Dropped     bool     `json:"dropped"`
}

// Change kinds of a measure between two versions.
const (
	ChangeAdded   = "added"
	ChangeChanged = "changed"
	ChangeDropped = "dropped"
)

// MeasureChange is how one measure changed in a plan update.
type MeasureChange struct {
	MeasureID int64         `json:"measure_id"`
	Code      string        `json:"code"`
	Title     string        `json:"title"`
	Change    string        `json:"change"`
	Fields    []FieldChange `json:"fields,omitempty"`
}

// FieldChange is one changed field, before and after, as readable text.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Diff compares two snapshots of a plan: measures added, changed (with each
// changed field) and dropped (marked dropped or gone).
func Diff(old, cur []MeasureSnap) []MeasureChange {
	was := map[int64]MeasureSnap{}
	for _, m := range old {
		was[m.ID] = m
	}
	var out []MeasureChange
	seen := map[int64]bool{}
	for _, m := range cur {
		seen[m.ID] = true
		o, ok := was[m.ID]
		switch {
		case !ok && !m.Dropped:
			out = append(out, MeasureChange{MeasureID: m.ID, Code: m.Code, Title: m.Title, Change: ChangeAdded})
		case !ok:
		case m.Dropped && !o.Dropped:
			out = append(out, MeasureChange{MeasureID: m.ID, Code: m.Code, Title: m.Title, Change: ChangeDropped})
		case m.Dropped:
		default:
			if fs := fieldChanges(o, m); len(fs) > 0 {
				change := ChangeChanged
				if o.Dropped {
					change = ChangeAdded
				}
				out = append(out, MeasureChange{MeasureID: m.ID, Code: m.Code, Title: m.Title, Change: change, Fields: fs})
			}
		}
	}
	for _, o := range old {
		if !seen[o.ID] && !o.Dropped {
			out = append(out, MeasureChange{MeasureID: o.ID, Code: o.Code, Title: o.Title, Change: ChangeDropped})
		}
	}
	return out
}

func fieldChanges(a, b MeasureSnap) []FieldChange {
	var out []FieldChange
	cmp := func(field, x, y string) {
		if x != y {
			out = append(out, FieldChange{Field: field, Before: x, After: y})
		}
	}
	list := func(v []string) string { return strings.Join(v, "\n") }
	cmp("code", a.Code, b.Code)
	cmp("title", a.Title, b.Title)
	cmp("priority", a.Priority, b.Priority)
	cmp("kind", a.Kind, b.Kind)
	cmp("description", a.Description, b.Description)
	cmp("activities", a.Activities, b.Activities)
	cmp("responsible", list(a.Responsible), list(b.Responsible))
	cmp("partners", list(a.Partners), list(b.Partners))
	cmp("timeframe", a.Timeframe, b.Timeframe)
	cmp("costs", list(a.Costs), list(b.Costs))
	cmp("services", list(a.Services), list(b.Services))
	cmp("indicators", list(a.Indicators), list(b.Indicators))
	cmp("dropped", fmt.Sprint(a.Dropped), fmt.Sprint(b.Dropped))
	return out
}

// snapshot records the period's measures as they are now.
func (s *Service) snapshot(ctx context.Context, q store.Q, periodID int64) ([]MeasureSnap, error) {
	prios, err := findPriorities(ctx, q, periodID)
	if err != nil {
		return nil, err
	}
	pname := map[int64]string{}
	for _, p := range prios {
		pname[p.ID] = p.Code + " " + p.Title
	}
	ms, err := findMeasures(ctx, q, `m.period_id = ?`, periodID)
	if err != nil {
		return nil, err
	}
	orgs, err := s.Partners.OrganisationNames(ctx)
	if err != nil {
		return nil, err
	}
	var all []int64
	for _, m := range ms {
		all = append(all, m.ResponsibleIDs...)
		all = append(all, m.PartnerIDs...)
	}
	if len(all) > 0 {
		if orgs, err = s.Partners.OrganisationNames(ctx, dedupe(all)...); err != nil {
			return nil, err
		}
	}
	names := func(ids []int64) []string {
		out := []string{}
		for _, id := range ids {
			out = append(out, orgs[id])
		}
		czech.SortBy(out, func(s string) string { return s })
		return out
	}
	out := make([]MeasureSnap, len(ms))
	for i, m := range ms {
		sn := MeasureSnap{ID: m.ID, Code: m.Code, Title: m.Title, Priority: pname[m.PriorityID], Kind: m.Kind, Description: m.Description,
			Activities: m.Activities, Responsible: names(m.ResponsibleIDs), Partners: names(m.PartnerIDs), Timeframe: m.Timeframe,
			Services: m.Services, Dropped: m.Dropped, Costs: []string{}, Indicators: []string{}}
		for _, c := range m.Costs {
			sn.Costs = append(sn.Costs, fmt.Sprintf("%d: %s Kč (%s)", c.Year, czech.FormatInt("cs", c.Amount), c.Source))
		}
		for _, ind := range m.Indicators {
			sn.Indicators = append(sn.Indicators, fmt.Sprintf("%s: %s → %s %s", ind.Name, fmtOpt(ind.Baseline), fmtOpt(ind.Target), ind.Unit))
		}
		out[i] = sn
	}
	return out, nil
}

func fmtOpt(v *float64) string {
	if v == nil {
		return "–"
	}
	return formatNum(*v)
}

func formatNum(v float64) string {
	if v == float64(int64(v)) {
		return czech.FormatInt("cs", int64(v))
	}
	return czech.FormatFloat("cs", v, 1)
}

// Versions lists the recorded updates of a period, newest first.
func (s *Service) Versions(ctx context.Context, periodID int64) ([]Version, error) {
	return findVersions(ctx, s.DB, periodID)
}

// Version returns one recorded update.
func (s *Service) Version(ctx context.Context, id int64) (*Version, error) {
	v, err := findVersion(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// PendingChanges compares the plan as it is now with its last version.
func (s *Service) PendingChanges(ctx context.Context, periodID int64) ([]MeasureChange, error) {
	cur, err := s.snapshot(ctx, s.DB, periodID)
	if err != nil {
		return nil, err
	}
	vs, err := findVersions(ctx, s.DB, periodID)
	if err != nil {
		return nil, err
	}
	var last []MeasureSnap
	if len(vs) > 0 {
		last = vs[0].Snapshot
	}
	return Diff(last, cur), nil
}

// RecordUpdate records the plan as it is now as a new version, with what
// changed since the previous one. Recording with no change is refused.
func (s *Service) RecordUpdate(ctx context.Context, periodID int64, note string) (*Version, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 2000 {
		f := apperr.Fields{}
		f.Add("note", "err.too_long", "Max", 2000)
		return nil, f.Err()
	}
	var v Version
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := editable(ctx, tx, periodID); err != nil {
			return err
		}
		cur, err := s.snapshot(ctx, tx, periodID)
		if err != nil {
			return err
		}
		vs, err := findVersions(ctx, tx, periodID)
		if err != nil {
			return err
		}
		var last []MeasureSnap
		v.Number = 1
		if len(vs) > 0 {
			last, v.Number = vs[0].Snapshot, vs[0].Number+1
		}
		v.Diff = Diff(last, cur)
		if len(v.Diff) == 0 {
			return apperr.New(apperr.Conflict, "plan.err.no_changes")
		}
		v.PeriodID, v.Snapshot, v.Note, v.CreatedBy, v.CreatedAt = periodID, cur, note, actorName(ctx), s.now()
		if err := insertVersion(ctx, tx, &v); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "plan_version", EntityID: v.ID, Summary: fmt.Sprintf("%d: %s", v.Number, note),
			After: map[string]any{"number": v.Number, "note": note, "changes": len(v.Diff)}})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}
