package suggestion

import (
	"context"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/store"
)

// PlanMeasure is a measure of the community plan a suggestion can be
// referred to. URL is its public page.
type PlanMeasure struct {
	ID               int64
	Code, Title, URL string
}

// Label is "code title" for selects and the free-text plan reference.
func (m PlanMeasure) Label() string { return strings.TrimSpace(m.Code + " " + m.Title) }

// PlanMeasures gives the measures of the community plan. The plan module
// (above this one) implements it and sets it with Service.SetPlanMeasures,
// so this package never imports it.
type PlanMeasures interface {
	// CurrentMeasures are those one can refer a suggestion to now (the picker).
	CurrentMeasures(ctx context.Context) ([]PlanMeasure, error)
	// MeasuresByID names measures (also of older plans) for links.
	MeasuresByID(ctx context.Context, ids []int64) (map[int64]PlanMeasure, error)
}

// SetPlanMeasures lets the refer action offer the measures of the plan and
// the suggestion's pages link to the measure.
func (s *Service) SetPlanMeasures(p PlanMeasures) { s.plan = p }

// CurrentMeasures are the measures to offer when referring, or nil when no
// plan module is wired.
func (s *Service) CurrentMeasures(ctx context.Context) ([]PlanMeasure, error) {
	if s.plan == nil {
		return nil, nil
	}
	return s.plan.CurrentMeasures(ctx)
}

// MeasureOf returns the plan measure a suggestion was referred to, or nil.
func (s *Service) MeasureOf(ctx context.Context, x *Suggestion) (*PlanMeasure, error) {
	if s.plan == nil || x.PlanMeasureID == nil {
		return nil, nil
	}
	ms, err := s.plan.MeasuresByID(ctx, []int64{*x.PlanMeasureID})
	if err != nil {
		return nil, err
	}
	if m, ok := ms[*x.PlanMeasureID]; ok {
		return &m, nil
	}
	return nil, nil
}

// Referred is what a measure's page shows of a suggestion referred to it:
// no personal data, a link to the public tracking page.
type Referred struct {
	ID         int64
	Code       string
	Summary    string
	State      State
	ReceivedAt time.Time
	URL        string
}

// ReferredTo returns, per measure id, the suggestions linked to it (newest
// first), in one query.
func (s *Service) ReferredTo(ctx context.Context, measureIDs []int64) (map[int64][]Referred, error) {
	out := map[int64][]Referred{}
	if len(measureIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(measureIDs))
	for i, id := range measureIDs {
		args[i] = id
	}
	rows, err := s.DB.Query(ctx, `SELECT id, code, text, state, received_at, plan_measure_id FROM suggestions
		WHERE plan_measure_id IN (`+store.Placeholders(len(args))+`) ORDER BY received_at DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r Referred
		var text string
		var mid int64
		if err := rows.Scan(&r.ID, &r.Code, &text, &r.State, &r.ReceivedAt, &mid); err != nil {
			return nil, err
		}
		r.Summary = Shorten(text, 120)
		r.URL = "/podnet/" + r.Code
		out[mid] = append(out[mid], r)
	}
	return out, rows.Err()
}

// referTo checks the measure chosen when referring and fills the plan
// reference with its code and title when the coordinator wrote none.
func (s *Service) referTo(ctx context.Context, c *Change) error {
	if c.PlanMeasure <= 0 {
		return nil
	}
	var m PlanMeasure
	ok := false
	if s.plan != nil {
		ms, err := s.plan.MeasuresByID(ctx, []int64{c.PlanMeasure})
		if err != nil {
			return err
		}
		m, ok = ms[c.PlanMeasure]
	}
	if !ok {
		f := apperr.Fields{}
		f.Add("plan_measure_id", "err.bad_reference")
		return f.Err()
	}
	if c.PlanRef == "" {
		c.PlanRef = m.Label()
	}
	return nil
}

func langOf(l string) string {
	if l == "en" {
		return "en"
	}
	return "cs"
}
