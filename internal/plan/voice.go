package plan

import (
	"context"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/store"
)

// Voice sources.
var VoiceSources = []string{"consultation", "public_meeting", "users_council", "survey", "suggestion", "other"}

// VoiceInput is what users said at a consultation, public meeting, users'
// council … recorded by the coordinator and linked to measures. Its text may
// name people or give their contacts: it is personal data, masked in the
// audit log, and the retention job removes names and contacts from inputs
// older than the retention period (AnonymisedAt is set then).
type VoiceInput struct {
	ID            int64      `json:"id"`
	Day           store.Date `json:"day"`
	Source        string     `json:"source"`
	TargetGroupID *int64     `json:"target_group_id"`
	Text          string     `json:"text"`
	MeasureIDs    []int64    `json:"measure_ids"`
	Archived      bool       `json:"archived"`
	AnonymisedAt  *time.Time `json:"anonymised_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Validate checks an input.
func (v *VoiceInput) Validate() error {
	f := apperr.Fields{}
	trim(&v.Text)
	if v.Day.IsZero() {
		f.Add("day", "plan.err.date")
	}
	if !contains(VoiceSources, v.Source) {
		f.Add("source", "err.choose")
	}
	required(f, "text", v.Text)
	checkLen(f, "text", v.Text, 5000)
	return f.Err()
}

// VoiceFilter selects inputs.
type VoiceFilter struct {
	MeasureID int64 // only inputs linked to this measure
	Archived  bool  // the archived ones instead of the current ones
}

// VoiceInputs lists the current (not archived) inputs, newest first,
// optionally of one measure.
func (s *Service) VoiceInputs(ctx context.Context, measureID int64) ([]VoiceInput, error) {
	return s.FindVoiceInputs(ctx, VoiceFilter{MeasureID: measureID})
}

const voiceCols = `id, day, source, target_group_id, text, archived, anonymised_at, created_at, updated_at`

func scanVoice(sc scanner) (VoiceInput, error) {
	var v VoiceInput
	err := sc.Scan(&v.ID, &v.Day, &v.Source, &v.TargetGroupID, &v.Text, &v.Archived, &v.AnonymisedAt, &v.CreatedAt, &v.UpdatedAt)
	v.MeasureIDs = []int64{}
	return v, err
}

// FindVoiceInputs lists inputs, newest first, with their measures (two queries).
func (s *Service) FindVoiceInputs(ctx context.Context, f VoiceFilter) ([]VoiceInput, error) {
	where, args := "archived = ?", []any{f.Archived}
	if f.MeasureID != 0 {
		where += " AND id IN (SELECT input_id FROM voice_input_measures WHERE measure_id = ?)"
		args = append(args, f.MeasureID)
	}
	ins, err := queryAll(ctx, s.DB, `SELECT `+voiceCols+` FROM voice_inputs WHERE `+where+` ORDER BY day DESC, id DESC`, args, scanVoice)
	if err != nil || len(ins) == 0 {
		return ins, err
	}
	return ins, voiceMeasures(ctx, s.DB, ins)
}

// voiceMeasures fills the measures of inputs (one query).
func voiceMeasures(ctx context.Context, q store.Q, ins []VoiceInput) error {
	idx := map[int64]int{}
	ids := make([]int64, len(ins))
	for i, v := range ins {
		idx[v.ID], ids[i] = i, v.ID
	}
	in, a := inArgs(ids)
	rows, err := q.Query(ctx, `SELECT input_id, measure_id FROM voice_input_measures WHERE input_id IN (`+in+`) ORDER BY measure_id`, a...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var iid, mid int64
		if err := rows.Scan(&iid, &mid); err != nil {
			return err
		}
		ins[idx[iid]].MeasureIDs = append(ins[idx[iid]].MeasureIDs, mid)
	}
	return rows.Err()
}

func findVoiceInput(ctx context.Context, q store.Q, id int64) (VoiceInput, error) {
	v, err := queryOne(ctx, q, `SELECT `+voiceCols+` FROM voice_inputs WHERE id = ?`, []any{id}, scanVoice, "voice_input")
	if err != nil {
		return v, err
	}
	ins := []VoiceInput{v}
	err = voiceMeasures(ctx, q, ins)
	return ins[0], err
}

// VoiceInput returns one input.
func (s *Service) VoiceInput(ctx context.Context, id int64) (*VoiceInput, error) {
	v, err := findVoiceInput(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func saveVoiceMeasures(ctx context.Context, q store.Q, v *VoiceInput) error {
	if _, err := q.Exec(ctx, `DELETE FROM voice_input_measures WHERE input_id = ?`, v.ID); err != nil {
		return err
	}
	for _, mid := range v.MeasureIDs {
		if _, err := q.Exec(ctx, `INSERT INTO voice_input_measures (input_id, measure_id) VALUES (?, ?)`, v.ID, mid); err != nil {
			return dupField(err, "measure_ids", "err.bad_reference")
		}
	}
	return nil
}

// CreateVoiceInput records an input. Its text may name people, so the audit
// log keeps it masked.
func (s *Service) CreateVoiceInput(ctx context.Context, v VoiceInput) (*VoiceInput, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	v.MeasureIDs = dedupe(v.MeasureIDs)
	v.Archived, v.AnonymisedAt = false, nil
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		v.CreatedAt, v.UpdatedAt = at, at
		var err error
		v.ID, err = store.InsertID(ctx, tx, `INSERT INTO voice_inputs (day, source, target_group_id, text, search, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			v.Day, v.Source, v.TargetGroupID, v.Text, czech.Fold(v.Text), at, at)
		if err != nil {
			return dupField(err, "target_group_id", "err.bad_reference")
		}
		if err := saveVoiceMeasures(ctx, tx, &v); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "create", Entity: "voice_input", EntityID: v.ID, Summary: v.Source, After: &v, Personal: []string{"text"}})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// UpdateVoiceInput changes an input (day, source, target group, text,
// measures); the audit row keeps the text masked.
func (s *Service) UpdateVoiceInput(ctx context.Context, id int64, v VoiceInput) (*VoiceInput, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	v.MeasureIDs = dedupe(v.MeasureIDs)
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := findVoiceInput(ctx, tx, id)
		if err != nil {
			return err
		}
		v.ID, v.Archived, v.AnonymisedAt, v.CreatedAt, v.UpdatedAt = id, b.Archived, b.AnonymisedAt, b.CreatedAt, s.now()
		if _, err := tx.Exec(ctx, `UPDATE voice_inputs SET day = ?, source = ?, target_group_id = ?, text = ?, search = ?, updated_at = ? WHERE id = ?`,
			v.Day, v.Source, v.TargetGroupID, v.Text, czech.Fold(v.Text), v.UpdatedAt, id); err != nil {
			return dupField(err, "target_group_id", "err.bad_reference")
		}
		if err := saveVoiceMeasures(ctx, tx, &v); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "voice_input", EntityID: id, Summary: v.Source, Before: &b, After: &v, Personal: []string{"text"}})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// SetVoiceArchived archives (hides from the measure pages, the dashboards and
// the documents) or restores an input.
func (s *Service) SetVoiceArchived(ctx context.Context, id int64, archived bool) (*VoiceInput, error) {
	var v VoiceInput
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		b, err := findVoiceInput(ctx, tx, id)
		if err != nil {
			return err
		}
		v = b
		if b.Archived == archived {
			return nil
		}
		v.Archived, v.UpdatedAt = archived, s.now()
		if _, err := tx.Exec(ctx, `UPDATE voice_inputs SET archived = ?, updated_at = ? WHERE id = ?`, archived, v.UpdatedAt, id); err != nil {
			return err
		}
		action := map[bool]string{true: "archive", false: "restore"}[archived]
		return s.Audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "voice_input", EntityID: id, Summary: b.Source,
			Before: map[string]any{"archived": b.Archived}, After: map[string]any{"archived": archived}})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// MunicipalityIndicator is a figure a municipality reports about itself
// (e.g. people in need of care living there).
type MunicipalityIndicator struct {
	ID             int64     `json:"id"`
	MunicipalityID int64     `json:"municipality_id"`
	Year           int       `json:"year"`
	Name           string    `json:"name"`
	Value          float64   `json:"value"`
	Unit           string    `json:"unit"`
	Note           string    `json:"note"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Validate checks a municipality indicator.
func (m *MunicipalityIndicator) Validate() error {
	f := apperr.Fields{}
	trim(&m.Name, &m.Unit, &m.Note)
	if m.MunicipalityID == 0 {
		f.Add("municipality_id", "err.choose")
	}
	if m.Year < 2000 || m.Year > 2100 {
		f.Add("year", "plan.err.year")
	}
	required(f, "name", m.Name)
	checkLen(f, "name", m.Name, 200)
	checkLen(f, "unit", m.Unit, 40)
	checkLen(f, "note", m.Note, 1000)
	if m.Value < 0 {
		f.Add("value", "plan.err.non_negative")
	}
	return f.Err()
}

// MunicipalityIndicators lists the municipalities' own figures.
func (s *Service) MunicipalityIndicators(ctx context.Context) ([]MunicipalityIndicator, error) {
	return queryAll(ctx, s.DB, `SELECT id, municipality_id, year, name, value, unit, note, created_at, updated_at FROM municipality_indicators ORDER BY year DESC, municipality_id, name`, nil,
		func(sc scanner) (MunicipalityIndicator, error) {
			var m MunicipalityIndicator
			err := sc.Scan(&m.ID, &m.MunicipalityID, &m.Year, &m.Name, &m.Value, &m.Unit, &m.Note, &m.CreatedAt, &m.UpdatedAt)
			return m, err
		})
}

// SaveMunicipalityIndicator adds a figure or replaces the one of the same
// municipality, year and name.
func (s *Service) SaveMunicipalityIndicator(ctx context.Context, m MunicipalityIndicator) (*MunicipalityIndicator, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		at := s.now()
		m.CreatedAt, m.UpdatedAt = at, at
		var err error
		m.ID, err = store.InsertID(ctx, tx, `INSERT INTO municipality_indicators (municipality_id, year, name, value, unit, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (municipality_id, year, name) DO UPDATE SET value = excluded.value, unit = excluded.unit, note = excluded.note, updated_at = excluded.updated_at`,
			m.MunicipalityID, m.Year, m.Name, m.Value, m.Unit, m.Note, at, at)
		if err != nil {
			return dupField(err, "municipality_id", "err.bad_reference")
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "save", Entity: "municipality_indicator", EntityID: m.ID, Summary: m.Name, After: &m})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ProjectTarget is a target of the KPSS project itself (72 meetings …).
type ProjectTarget struct {
	Code   string `json:"code"`
	Target int    `json:"target"`
	Actual *int   `json:"actual"` // nil: not connected
}

// ProjectTargets lists the targets with the actual numbers from the seam.
func (s *Service) ProjectTargets(ctx context.Context) ([]ProjectTarget, error) {
	ts, err := queryAll(ctx, s.DB, `SELECT code, target FROM project_targets ORDER BY sort_order, code`, nil, func(sc scanner) (ProjectTarget, error) {
		var t ProjectTarget
		err := sc.Scan(&t.Code, &t.Target)
		return t, err
	})
	if err != nil || s.Actuals == nil {
		return ts, err
	}
	for i := range ts {
		n, ok, err := s.Actuals.ProjectActual(ctx, ts[i].Code)
		if err != nil {
			return nil, err
		}
		if ok {
			ts[i].Actual = &n
		}
	}
	return ts, nil
}

// SaveProjectTargets changes the targets.
func (s *Service) SaveProjectTargets(ctx context.Context, ts []ProjectTarget) error {
	f := apperr.Fields{}
	for _, t := range ts {
		if t.Target < 0 || t.Target > 100000 {
			f.Add("target_"+t.Code, "plan.err.non_negative")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var codes []string
		for _, t := range ts {
			if _, err := tx.Exec(ctx, `UPDATE project_targets SET target = ?, updated_at = ? WHERE code = ?`, t.Target, s.now(), t.Code); err != nil {
				return err
			}
			codes = append(codes, t.Code)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "update", Entity: "project_targets", Summary: strings.Join(codes, ", "), After: map[string]any{"targets": ts}})
	})
}
