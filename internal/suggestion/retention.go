package suggestion

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"kpss/internal/audit"
	"kpss/internal/czech"
	"kpss/internal/store"
)

// RetentionResult says what Anonymise did (or would do, in a dry run).
type RetentionResult struct {
	Cutoff time.Time
	Codes  []string // the suggestions anonymised
	DryRun bool
}

// personalLeft is the condition of a finished suggestion that still holds
// personal data.
const personalLeft = `(contact_name <> '' OR contact_email <> '' OR contact_phone <> '' OR has_photo = ? OR consent_at IS NOT NULL
	OR (location_private = ? AND (address <> '' OR lat IS NOT NULL)))`

// Anonymise erases the personal data (contact, consent, photo, a private
// place) of suggestions finished more than months ago. It is idempotent: a
// second run finds nothing. The whole run is one transaction and one audit
// row; a dry run changes nothing and reports what it would do.
func (s *Service) Anonymise(ctx context.Context, months int, dryRun bool) (RetentionResult, error) {
	if months < 1 {
		return RetentionResult{}, fmt.Errorf("suggestion: retention of %d months", months)
	}
	now := s.now()
	res := RetentionResult{Cutoff: now.AddDate(0, -months, 0), DryRun: dryRun}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, code FROM suggestions WHERE closed_at IS NOT NULL AND closed_at < ? AND state NOT IN (?, ?, ?) AND `+personalLeft+` ORDER BY id`,
			res.Cutoff, StateNew, StateAccepted, StateInProgress, true, true)
		if err != nil {
			return err
		}
		var ids []any
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			res.Codes = append(res.Codes, code)
		}
		rows.Close()
		if dryRun || len(ids) == 0 {
			return nil
		}
		in := store.Placeholders(len(ids))
		if _, err := tx.Exec(ctx, `DELETE FROM suggestion_photos WHERE suggestion_id IN (`+in+`)`, ids...); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE suggestions SET contact_name = '', contact_email = '', contact_phone = '', consent_at = NULL, has_photo = ?,
			address = CASE WHEN location_private = ? THEN '' ELSE address END,
			lat = CASE WHEN location_private = ? THEN NULL ELSE lat END,
			lng = CASE WHEN location_private = ? THEN NULL ELSE lng END,
			anonymised_at = ?, updated_at = ? WHERE id IN (`+in+`)`, append([]any{false, true, true, true, now, now}, ids...)...); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "anonymise", Entity: "suggestion",
			Summary: fmt.Sprintf("%d podnětů uzavřených před %s", len(ids), czDate(res.Cutoff)), After: map[string]any{"codes": res.Codes, "months": months}})
	})
	return res, err
}

// ---------- generator (benchmarks)

// Generate inserts n plausible suggestions spread over the last five years
// for benchmarks, in batches, bypassing the history (one audit row for the
// run). It needs categories and municipalities to exist.
func (s *Service) Generate(ctx context.Context, n int, seed uint64, progress func(done int)) error {
	cats, err := s.Categories(ctx, false)
	if err != nil {
		return err
	}
	var munis, depts, groups []int64
	for _, q := range []struct {
		sql string
		out *[]int64
	}{{`SELECT id FROM municipalities`, &munis}, {`SELECT id FROM departments`, &depts}, {`SELECT id FROM target_groups`, &groups}} {
		rows, err := s.DB.Query(ctx, q.sql)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			*q.out = append(*q.out, id)
		}
		rows.Close()
	}
	if len(cats) == 0 || len(munis) == 0 || len(depts) == 0 {
		return fmt.Errorf("suggestion: generate needs categories, municipalities and departments (load the demo first)")
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	words := strings.Fields("chodník zastávka lavička přechod osvětlení schody výtah nájezd parkování senioři vozík kočárek pečovatelská služba dům byt lékař poliklinika park hřiště madlo obrubník autobus spoj poradna klub knihovna úřad")
	now := s.now()
	span := 5 * 365 * 24 * time.Hour
	const batch = 500
	cols := `code, text, category_id, municipality_id, target_group_id, address, location_private, source, state, department_id, due_date, quick_win,
		public_note, received_at, closed_at, days_to_close, search, created_at, updated_at`
	ncol := 19
	for done := 0; done < n; {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			for k := 0; k < 20 && done < n; k++ {
				m := min(batch, n-done)
				args := make([]any, 0, m*ncol)
				acc := map[tallyKey]int64{}
				for i := 0; i < m; i++ {
					received := now.Add(-time.Duration(r.Int64N(int64(span)))).Truncate(time.Second)
					var b strings.Builder
					for w := 0; w < 6+r.IntN(12); w++ {
						b.WriteString(words[r.IntN(len(words))])
						b.WriteByte(' ')
					}
					text := strings.TrimSpace(b.String())
					code := NewCode()
					st := States[r.IntN(len(States))]
					var dept, tg *int64
					var due Day
					if st != StateNew || r.IntN(2) == 0 {
						d := depts[r.IntN(len(depts))]
						dept = &d
						dd := received.AddDate(0, 0, 14+r.IntN(30))
						due = Day{store.NewDate(dd.Year(), dd.Month(), dd.Day())}
					}
					if r.IntN(3) > 0 {
						g := groups[r.IntN(len(groups))]
						tg = &g
					}
					var closed *time.Time
					var days *int64
					note := ""
					if !st.Open() {
						dd := int64(r.IntN(120))
						c := received.Add(time.Duration(dd) * 24 * time.Hour)
						if c.After(now) {
							c = now
						}
						closed, days = &c, &dd
						note = "Vyřízeno."
					}
					x := Suggestion{CategoryID: cats[r.IntN(len(cats))].ID, MunicipalityID: munis[r.IntN(len(munis))], TargetGroupID: tg, Source: Sources[r.IntN(len(Sources))],
						State: st, DepartmentID: dept, QuickWin: r.IntN(8) == 0, ReceivedAt: received, ClosedAt: closed, DaysToClose: days}
					contribute(acc, &x, 1)
					args = append(args, code, text, x.CategoryID, x.MunicipalityID, tg, "", false, x.Source, st, dept, due,
						x.QuickWin, note, received, closed, days, czech.FoldJoin(code, text), received, received)
				}
				row := "(" + store.Placeholders(ncol) + ")"
				q := `INSERT INTO suggestions (` + cols + `) VALUES ` + strings.Repeat(row+",", m-1) + row
				if _, err := tx.Exec(ctx, q, args...); err != nil {
					return err
				}
				if err := applyTallies(ctx, tx, acc); err != nil {
					return err
				}
				done += m
			}
			return nil
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(done)
		}
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "generate", Entity: "suggestion", Summary: fmt.Sprintf("%d generovaných podnětů", n)})
	})
}
