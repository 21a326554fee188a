package grant

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/store"
)

// AllocItem is a ranked application as the allocation sees it.
type AllocItem struct {
	ID       int64
	Score    float64 // points of 100
	Adjusted CZK
}

// Allocate proposes amounts within budget for items in ranking order by
// method; items below minScore (points of 100) get nothing:
//
//   - greedy: down the ranking, the full adjusted request when it fits in
//     what is left, else nothing (the next ones may still fit);
//   - full_min_score: down the ranking, the full adjusted request while the
//     money lasts; the first one that does not fit gets what is left;
//   - proportional: budget × score × adjusted / Σ score × adjusted, at most
//     capPct % of the adjusted request; what a capped one does not take is
//     shared among the others the same way.
//
// Amounts are whole crowns (rounded down); the sum never exceeds budget.
func Allocate(method string, budget CZK, minScore float64, capPct int, items []AllocItem) (map[int64]CZK, CZK) {
	out := make(map[int64]CZK, len(items))
	left := budget
	var eligible []AllocItem
	for _, it := range items {
		out[it.ID] = 0
		if it.Score+1e-9 >= minScore && it.Adjusted > 0 {
			eligible = append(eligible, it)
		}
	}
	switch method {
	case AllocFullMinScore:
		for _, it := range eligible {
			if left <= 0 {
				break
			}
			give := min(it.Adjusted, left)
			out[it.ID] = give
			left -= give
		}
	case AllocProportional:
		capOf := func(it AllocItem) CZK { return CZK(math.Floor(float64(it.Adjusted) * float64(capPct) / 100)) }
		active := eligible
		for len(active) > 0 && left > 0 {
			var w float64
			for _, it := range active {
				w += it.Score * float64(it.Adjusted)
			}
			if w <= 0 {
				break
			}
			capped := false
			var rest []AllocItem
			for _, it := range active {
				share := float64(left) * it.Score * float64(it.Adjusted) / w
				if c := capOf(it); share >= float64(c) {
					out[it.ID] = c
					capped = true
					continue
				}
				rest = append(rest, it)
			}
			if capped {
				left = budget
				for _, v := range out {
					left -= v
				}
				active = rest
				continue
			}
			for _, it := range active {
				out[it.ID] = CZK(math.Floor(float64(left) * it.Score * float64(it.Adjusted) / w))
			}
			break
		}
	default: // greedy
		for _, it := range eligible {
			if it.Adjusted <= left {
				out[it.ID] = it.Adjusted
				left -= it.Adjusted
			}
		}
	}
	var sum CZK
	for _, v := range out {
		sum += v
	}
	return out, budget - sum
}

// ProposeAllocation computes the call's allocation by its method over the
// complete evaluations in ranking order and stores it as the proposal;
// amounts the coordinator changed stay changed. Errors: conflict (decided).
func (s *Service) ProposeAllocation(ctx context.Context, c *Call) (*Panel, error) {
	if c.Phase(s.Today()) == PhaseDecided {
		return nil, apperr.New(apperr.Conflict, "grant.err.decided")
	}
	p, err := s.Panel(ctx, c)
	if err != nil {
		return nil, err
	}
	var items []AllocItem
	for _, r := range p.Rows {
		if r.Complete {
			items = append(items, AllocItem{ID: r.App.ID, Score: float64(r.Score), Adjusted: r.Adjusted})
		}
	}
	amounts, left := Allocate(c.AllocMethod, c.Budget, c.MinScore, c.CapPct, items)
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := setAmounts(ctx, tx, "proposed", amounts, s.now()); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "allocate", Entity: "grant_call", EntityID: c.ID,
			Summary: fmt.Sprintf("%s: %s, zbývá %s", c.Title, c.AllocMethod, czk(left)), After: map[string]any{"amounts": amounts, "leftover": left}})
	})
	if err != nil {
		return nil, err
	}
	return s.Panel(ctx, c)
}

// SetAmount changes the amount of an application from the proposal, with a
// reason (audited). amount nil returns to the proposal.
// Errors: not_found, invalid, conflict (decided).
func (s *Service) SetAmount(ctx context.Context, appID int64, amount *CZK, reason string) error {
	a, err := s.FindApplication(ctx, appID)
	if err != nil {
		return err
	}
	c, err := findCall(ctx, s.DB, a.CallID)
	if err != nil {
		return err
	}
	if c.Phase(s.Today()) == PhaseDecided {
		return apperr.New(apperr.Conflict, "grant.err.decided")
	}
	reason = strings.TrimSpace(reason)
	f := apperr.Fields{}
	if amount != nil && (*amount < 0 || *amount > a.Requested()) {
		f.Add(FieldAmount(appID), "grant.err.amount_range", "Max", czk(a.Requested()))
	}
	if reason == "" {
		f.Add(FieldReason(appID), "grant.err.amount_reason")
	}
	checkLen(f, FieldReason(appID), reason, 1000)
	if err := f.Err(); err != nil {
		return err
	}
	before := *a
	a.Amount, a.AmountReason, a.UpdatedAt = amount, reason, s.now()
	if amount == nil {
		a.AmountReason = ""
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := updateAppHead(ctx, tx, a); err != nil {
			return err
		}
		to := "návrh"
		if amount != nil {
			to = czk(*amount)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "change-amount", Entity: "grant_application", EntityID: appID,
			Summary: fmt.Sprintf("%s: %s (%s)", a.Organisation, to, reason), Before: &before, After: a, Personal: PersonalFields})
	})
}

// FieldAmount and FieldReason name the allocation form's fields of an application.
func FieldAmount(appID int64) string { return "a" + itoa(appID) + "_amount" }

// FieldReason names the reason field of an application's changed amount.
func FieldReason(appID int64) string { return "a" + itoa(appID) + "_reason" }

// setAmounts writes column (proposed or decided) of many applications in
// one statement per 400 of them, so the allocation's queries do not grow
// with the number of applications.
func setAmounts(ctx context.Context, q store.Q, column string, amounts map[int64]CZK, now time.Time) error {
	ids := make([]int64, 0, len(amounts))
	for id := range amounts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for len(ids) > 0 {
		chunk := ids[:min(400, len(ids))]
		ids = ids[len(chunk):]
		var b strings.Builder
		args := make([]any, 0, 2*len(chunk)+1)
		b.WriteString("UPDATE grant_applications SET " + column + " = CASE id")
		for _, id := range chunk {
			b.WriteString(" WHEN ? THEN CAST(? AS BIGINT)")
			args = append(args, id, int64(amounts[id]))
		}
		b.WriteString(" END, updated_at = ? WHERE id IN (" + joinIDs(chunk) + ")")
		args = append(args, now)
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
