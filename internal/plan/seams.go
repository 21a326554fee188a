package plan

import (
	"context"
	"regexp"
	"strings"

	"kpss/internal/apperr"
	"kpss/internal/group"
	"kpss/internal/suggestion"
)

// Seams to the modules below (suggestions, groups): the plan offers its
// measures to them and shows what they link to its measures. Wired in
// internal/server/mod_plan.go; every field may stay nil (then the pages show
// what the plan itself knows).

// Referrals gives the suggestions referred to measures (the suggestions
// module's Service).
type Referrals interface {
	ReferredTo(ctx context.Context, measureIDs []int64) (map[int64][]suggestion.Referred, error)
}

// Resolutions finds the groups module's resolutions cited as evidence and as
// the approval of an evaluation.
type Resolutions interface {
	ResolutionsByID(ctx context.Context, ids []int64) (map[int64]group.ResolutionRef, error)
	ResolutionByNumber(ctx context.Context, number string) (*group.ResolutionRef, error)
}

// MeasureLinks are the plan's measures as the modules below see them: it
// implements suggestion.PlanMeasures (the refer action's picker and links)
// and group.RefSource (agenda items pointing to a measure).
type MeasureLinks struct{ Svc *Service }

var (
	_ suggestion.PlanMeasures = MeasureLinks{}
	_ group.RefSource         = MeasureLinks{}
)

func measureURL(id int64) string { return "/plan/opatreni/" + itoa(id) }

// CurrentMeasures are the measures of the current plan that are not
// dropped (none when no plan is current).
func (l MeasureLinks) CurrentMeasures(ctx context.Context) ([]suggestion.PlanMeasure, error) {
	per, err := l.Svc.CurrentPeriod(ctx)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, nil
		}
		return nil, err
	}
	ms, err := findMeasureHeads(ctx, l.Svc, `period_id = ? AND dropped = ?`, per.ID, false)
	if err != nil {
		return nil, err
	}
	out := make([]suggestion.PlanMeasure, len(ms))
	for i, m := range ms {
		out[i] = suggestion.PlanMeasure{ID: m.ID, Code: m.Code, Title: m.Title, URL: measureURL(m.ID)}
	}
	return out, nil
}

// MeasuresByID names measures of any period (one query).
func (l MeasureLinks) MeasuresByID(ctx context.Context, ids []int64) (map[int64]suggestion.PlanMeasure, error) {
	out := map[int64]suggestion.PlanMeasure{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inArgs(ids)
	ms, err := findMeasureHeads(ctx, l.Svc, `id IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[m.ID] = suggestion.PlanMeasure{ID: m.ID, Code: m.Code, Title: m.Title, URL: measureURL(m.ID)}
	}
	return out, nil
}

// Refs answers the agenda items of the groups module pointing to measures:
// "SEN 1.1 Pečovatelská služba …" with a link.
func (l MeasureLinks) Refs(ctx context.Context, ids []int64) (map[int64]group.Ref, error) {
	ms, err := l.MeasuresByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]group.Ref, len(ms))
	for id, m := range ms {
		out[id] = group.Ref{Title: m.Label(), URL: m.URL}
	}
	return out, nil
}

type measureHead struct {
	ID          int64
	Code, Title string
}

// findMeasureHeads reads only codes and titles, in the plan's order.
func findMeasureHeads(ctx context.Context, s *Service, where string, args ...any) ([]measureHead, error) {
	return queryAll(ctx, s.DB, `SELECT id, code, title FROM plan_measures WHERE `+where+` ORDER BY code, id`, args, func(sc scanner) (measureHead, error) {
		var m measureHead
		err := sc.Scan(&m.ID, &m.Code, &m.Title)
		return m, err
	})
}

// referred returns the suggestions referred to measures (empty without the seam).
func (s *Service) referred(ctx context.Context, ids []int64) (map[int64][]suggestion.Referred, error) {
	if s.Referrals == nil || len(ids) == 0 {
		return map[int64][]suggestion.Referred{}, nil
	}
	return s.Referrals.ReferredTo(ctx, ids)
}

// Referred returns the suggestions referred to measures, by measure.
func (s *Service) Referred(ctx context.Context, ids []int64) (map[int64][]suggestion.Referred, error) {
	return s.referred(ctx, ids)
}

// resolutionNumberRe is the shape of a resolution number of the groups
// module ("ŘS/2026/07"); a reference of that shape must exist there.
var resolutionNumberRe = regexp.MustCompile(`^[\p{L}0-9-]+\s*/\s*\d{4}\s*/\s*\d+$`)

// LooksLikeResolutionNumber reports whether ref has the shape of a number
// the groups module gives.
func LooksLikeResolutionNumber(ref string) bool {
	return resolutionNumberRe.MatchString(strings.TrimSpace(ref))
}

// ResolutionRefs resolves the resolutions with ids (empty without the seam).
func (s *Service) ResolutionRefs(ctx context.Context, ids []int64) (map[int64]group.ResolutionRef, error) {
	if s.Resolutions == nil || len(ids) == 0 {
		return map[int64]group.ResolutionRef{}, nil
	}
	return s.Resolutions.ResolutionsByID(ctx, ids)
}

// resolveNumbers finds the resolutions of numbers (separated by commas,
// semicolons or lines); unknown ones are a problem of field.
func (s *Service) resolveNumbers(ctx context.Context, text, field string, fields apperr.Fields) []int64 {
	var out []int64
	if s.Resolutions == nil {
		return nil
	}
	for _, n := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		ref, err := s.Resolutions.ResolutionByNumber(ctx, n)
		if err != nil || ref == nil {
			fields.Add(field, "plan.err.resolution_unknown", "Number", n)
			continue
		}
		out = append(out, ref.ID)
	}
	return dedupe(out)
}
