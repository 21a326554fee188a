package suggestion

import (
	"context"
	"testing"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// fakePlan is the plan module as this package sees it.
type fakePlan struct{ ms []PlanMeasure }

func (p fakePlan) CurrentMeasures(context.Context) ([]PlanMeasure, error) { return p.ms, nil }

func (p fakePlan) MeasuresByID(_ context.Context, ids []int64) (map[int64]PlanMeasure, error) {
	out := map[int64]PlanMeasure{}
	for _, m := range p.ms {
		for _, id := range ids {
			if m.ID == id {
				out[id] = m
			}
		}
	}
	return out, nil
}

// TestReferToPlanMeasure: the coordinator refers a suggestion to a measure of
// the plan; the plan reference gets the measure's code and title, the measure
// lists the suggestion without personal data, reopening unlinks it, an
// unknown measure is a field error.
func TestReferToPlanMeasure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := as(coordinator)
		x := f.submit("marie@example.cz")
		// Without a plan module a measure cannot be chosen.
		if _, err := f.svc.Transition(ctx, x.ID, Change{Action: ActRefer, PlanMeasure: 7}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("refer to a measure without a plan module: %v, want a field error", err)
		}
		f.svc.SetPlanMeasures(fakePlan{ms: []PlanMeasure{{ID: 7, Code: "2.3", Title: "Bezbariérové zastávky", URL: "/plan/opatreni/7"}}})
		if _, err := f.svc.Transition(ctx, x.ID, Change{Action: ActRefer, PlanMeasure: 8}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("refer to an unknown measure: %v, want a field error", err)
		}
		got, err := f.svc.Transition(ctx, x.ID, Change{Action: ActRefer, PlanMeasure: 7})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != StateReferred || got.PlanMeasureID == nil || *got.PlanMeasureID != 7 || got.PlanRef != "2.3 Bezbariérové zastávky" {
			t.Fatalf("referred: state %s, measure %v, plan_ref %q", got.State, got.PlanMeasureID, got.PlanRef)
		}
		m, err := f.svc.MeasureOf(ctx, got)
		if err != nil || m == nil || m.URL != "/plan/opatreni/7" {
			t.Fatalf("MeasureOf = %+v, %v", m, err)
		}
		other := f.submit("")
		refs, err := f.svc.ReferredTo(context.Background(), []int64{7, 9})
		if err != nil {
			t.Fatal(err)
		}
		if len(refs[7]) != 1 || len(refs[9]) != 0 {
			t.Fatalf("ReferredTo = %+v", refs)
		}
		r := refs[7][0]
		if r.Code != x.Code || r.State != StateReferred || r.URL != "/podnet/"+x.Code || r.Summary == "" {
			t.Errorf("referred item %+v", r)
		}
		_ = other
		// Reopened, it no longer belongs to the measure.
		got, err = f.svc.Transition(ctx, x.ID, Change{Action: ActReopen})
		if err != nil {
			t.Fatal(err)
		}
		if got.PlanMeasureID != nil || got.PlanRef != "" {
			t.Errorf("reopened keeps measure %v / %q", got.PlanMeasureID, got.PlanRef)
		}
		if refs, _ := f.svc.ReferredTo(context.Background(), []int64{7}); len(refs[7]) != 0 {
			t.Errorf("reopened still listed: %+v", refs[7])
		}
	})
}
