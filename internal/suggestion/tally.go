package suggestion

import (
	"context"
	"sort"
	"strconv"
	"time"

	"kpss/internal/audit"
	"kpss/internal/store"
)

// Tallies: the statistics page reads counts kept per Prague day and month in
// suggestion_tallies instead of scanning the suggestions. Every write of a
// suggestion applies the difference between its contribution before and
// after, in the same transaction (insertSuggestion, mutate, the generator);
// RebuildTallies recomputes them from scratch.
//
// A suggestion contributes
//   - "received" on the day it was received, once per breakdown
//     (category, municipality, department, target_group, source);
//   - its final state (resolved, closed, rejected, referred) on the day it was
//     closed, once per breakdown;
//   - qw_received / qw_resolved (quick wins) under the category only;
//   - for a resolved one, its days to resolution: dim "days", item = days,
//     kind resolved (a histogram, so the median is exact).
//
// Each count goes to the day ('d') and to the month ('m'); a period reads
// whole months from the month rows and the odd days at its ends from the
// day rows, so five years are some 60 × 250 + a few hundred rows.

type tallyKey struct {
	unit   string // "d" or "m"
	bucket string // YYYY-MM-DD (a month: its first day)
	kind   string
	dim    string
	item   string
}

// finalKinds are the states counted when a suggestion is finished.
var finalKinds = map[State]bool{StateResolved: true, StateClosed: true, StateRejected: true, StateReferred: true}

func pragueDay(t time.Time) time.Time {
	t = t.In(prague)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func idItem(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// contribute adds x's counts (times sign) to acc.
func contribute(acc map[tallyKey]int64, x *Suggestion, sign int64) {
	if x == nil {
		return
	}
	add := func(day time.Time, kind, dim, item string) {
		acc[tallyKey{"d", day.Format(time.DateOnly), kind, dim, item}] += sign
		acc[tallyKey{"m", day.AddDate(0, 0, 1-day.Day()).Format(time.DateOnly), kind, dim, item}] += sign
	}
	dims := [...][2]string{
		{"category", strconv.FormatInt(x.CategoryID, 10)},
		{"municipality", muniItem(x.MunicipalityID)},
		{"department", idItem(x.DepartmentID)},
		{"target_group", idItem(x.TargetGroupID)},
		{"source", string(x.Source)},
	}
	rd := pragueDay(x.ReceivedAt)
	for _, d := range dims {
		add(rd, "received", d[0], d[1])
	}
	if x.QuickWin {
		add(rd, "qw_received", dims[0][0], dims[0][1])
	}
	if finalKinds[x.State] && x.ClosedAt != nil {
		cd := pragueDay(*x.ClosedAt)
		for _, d := range dims {
			add(cd, string(x.State), d[0], d[1])
		}
		if x.State == StateResolved {
			if x.QuickWin {
				add(cd, "qw_resolved", dims[0][0], dims[0][1])
			}
			if x.DaysToClose != nil {
				add(cd, "resolved", "days", strconv.FormatInt(*x.DaysToClose, 10))
			}
		}
	}
}

// tallyChange applies after's contribution minus before's (nil for none).
func tallyChange(ctx context.Context, q store.Q, before, after *Suggestion) error {
	acc := map[tallyKey]int64{}
	contribute(acc, before, -1)
	contribute(acc, after, 1)
	return applyTallies(ctx, q, acc)
}

// applyTallies adds the non-zero counts, in key order (two transactions
// touching the same rows lock them in the same order: no deadlock).
func applyTallies(ctx context.Context, q store.Q, acc map[tallyKey]int64) error {
	keys := make([]tallyKey, 0, len(acc))
	for k, n := range acc {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.unit != b.unit {
			return a.unit < b.unit
		}
		if a.bucket != b.bucket {
			return a.bucket < b.bucket
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.dim != b.dim {
			return a.dim < b.dim
		}
		return a.item < b.item
	})
	const per = 100 // rows per statement
	for len(keys) > 0 {
		m := min(per, len(keys))
		args := make([]any, 0, m*6)
		values := ""
		for i, k := range keys[:m] {
			if i > 0 {
				values += ", "
			}
			values += "(?, ?, ?, ?, ?, ?)"
			d, _ := store.ParseDate(k.bucket)
			args = append(args, k.unit, d, k.kind, k.dim, k.item, acc[k])
		}
		if _, err := q.Exec(ctx, `INSERT INTO suggestion_tallies (unit, bucket, kind, dim, item, n) VALUES `+values+`
			ON CONFLICT (unit, bucket, kind, dim, item) DO UPDATE SET n = suggestion_tallies.n + excluded.n`, args...); err != nil {
			return err
		}
		keys = keys[m:]
	}
	return nil
}

// RebuildTallies recomputes the statistics' tallies from the suggestions, in
// one transaction with one audit row (after an import by SQL, a restore, or
// to check them). It returns the number of suggestions read.
func (s *Service) RebuildTallies(ctx context.Context) (int, error) {
	n := 0
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM suggestion_tallies`); err != nil {
			return err
		}
		acc := map[tallyKey]int64{}
		rows, err := tx.Query(ctx, `SELECT category_id, COALESCE(municipality_id, 0), department_id, target_group_id, source, state, quick_win, received_at, closed_at, days_to_close FROM suggestions`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var x Suggestion
			if err := rows.Scan(&x.CategoryID, &x.MunicipalityID, &x.DepartmentID, &x.TargetGroupID, &x.Source, &x.State, &x.QuickWin, &x.ReceivedAt, &x.ClosedAt, &x.DaysToClose); err != nil {
				rows.Close()
				return err
			}
			contribute(acc, &x, 1)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := applyTallies(ctx, tx, acc); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "rebuild", Entity: "suggestion_tallies", Summary: strconv.Itoa(n)})
	})
	return n, err
}

// tallyRanges splits the Prague days [d1, d2) into whole months [m1, m2)
// read from the month rows, and the days before and after them.
func tallyRanges(d1, d2 time.Time) (m1, m2 time.Time, ok bool) {
	m1 = d1
	if m1.Day() != 1 {
		m1 = time.Date(m1.Year(), m1.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	m2 = time.Date(d2.Year(), d2.Month(), 1, 0, 0, 0, 0, time.UTC)
	return m1, m2, m1.Before(m2)
}

// readTallies sums the tallies of the Prague days [d1, d2) per kind, dim and
// item, in one query.
func (s *Service) readTallies(ctx context.Context, d1, d2 time.Time) (map[tallyKey]int64, error) {
	date := func(t time.Time) store.Date { return store.NewDate(t.Year(), t.Month(), t.Day()) }
	parts := `SELECT kind, dim, item, n FROM suggestion_tallies WHERE unit = 'd' AND bucket >= ? AND bucket < ?`
	args := []any{date(d1), date(d2)}
	if m1, m2, ok := tallyRanges(d1, d2); ok {
		parts = `SELECT kind, dim, item, n FROM suggestion_tallies WHERE unit = 'd' AND bucket >= ? AND bucket < ?
			UNION ALL SELECT kind, dim, item, n FROM suggestion_tallies WHERE unit = 'm' AND bucket >= ? AND bucket < ?
			UNION ALL SELECT kind, dim, item, n FROM suggestion_tallies WHERE unit = 'd' AND bucket >= ? AND bucket < ?`
		args = []any{date(d1), date(m1), date(m1), date(m2), date(m2), date(d2)}
	}
	rows, err := s.DB.Query(ctx, `SELECT kind, dim, item, SUM(n) FROM (`+parts+`) t GROUP BY kind, dim, item`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[tallyKey]int64{}
	for rows.Next() {
		var k tallyKey
		var n int64
		if err := rows.Scan(&k.kind, &k.dim, &k.item, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// CheckTallies recomputes the tallies from the suggestions and compares
// them with the kept ones (kpss check); it returns how many counts differ.
// RebuildTallies repairs them.
func (s *Service) CheckTallies(ctx context.Context) (int, error) {
	acc := map[tallyKey]int64{}
	rows, err := s.DB.Query(ctx, `SELECT category_id, COALESCE(municipality_id, 0), department_id, target_group_id, source, state, quick_win, received_at, closed_at, days_to_close FROM suggestions`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var x Suggestion
		if err := rows.Scan(&x.CategoryID, &x.MunicipalityID, &x.DepartmentID, &x.TargetGroupID, &x.Source, &x.State, &x.QuickWin, &x.ReceivedAt, &x.ClosedAt, &x.DaysToClose); err != nil {
			rows.Close()
			return 0, err
		}
		contribute(acc, &x, 1)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	rows, err = s.DB.Query(ctx, `SELECT unit, bucket, kind, dim, item, n FROM suggestion_tallies`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var k tallyKey
		var b store.Date
		var n int64
		if err := rows.Scan(&k.unit, &b, &k.kind, &k.dim, &k.item, &n); err != nil {
			return 0, err
		}
		k.bucket = b.Format(time.DateOnly)
		acc[k] -= n
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	bad := 0
	for _, n := range acc {
		if n != 0 {
			bad++
		}
	}
	return bad, nil
}

// muniItem is the tally item of a municipality, "" when not known yet.
func muniItem(id int64) string {
	if id <= 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
