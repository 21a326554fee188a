package suggestion

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"kpss/internal/audit"
	"kpss/internal/mail"
	"kpss/internal/partner"
	"kpss/internal/store"
)

// Row is one line of a statistics breakdown.
type Row struct {
	Key      string // the id or code
	Label    string
	Received int
	Resolved int
	Closed   int
	Rejected int
}

// Stats are the figures of a period: suggestions received in it, and those
// finished in it (resolved, closed without fixing, rejected, referred).
type Stats struct {
	From, To          time.Time // [From, To)
	Received          int
	Resolved          int
	Closed            int
	Rejected          int
	Referred          int
	QuickWins         int // received in the period and flagged
	QuickWinsResolved int
	Overdue           int // open past the due date today (not period-bound)
	MedianDays        *float64
	AccessResolved    int // resolved, in a category counted as accessibility
	OtherResolved     int
	By                map[string][]Row // category, municipality, department, target_group, source
}

// Dimensions of the breakdowns, in the order the page shows them.
var Dimensions = []string{"category", "municipality", "department", "target_group", "source"}

var dimColumn = map[string]string{"category": "category_id", "municipality": "municipality_id", "department": "department_id",
	"target_group": "target_group_id", "source": "source"}

// Statistics computes the figures of [from, to) in a fixed number of
// queries (one per breakdown, three for the totals and the median).
func (s *Service) Statistics(ctx context.Context, from, to time.Time) (*Stats, error) {
	from, to = from.UTC(), to.UTC()
	st := &Stats{From: from, To: to, By: map[string][]Row{}}
	// One condition per figure, each with its own period bounds.
	sums := `SUM(CASE WHEN received_at >= ? AND received_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'resolved' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'closed' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'rejected' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END)`
	period := `((received_at >= ? AND received_at < ?) OR (closed_at >= ? AND closed_at < ?))`
	args := []any{from, to, from, to, from, to, from, to, from, to, from, to}
	var referred, qw, qwr, acc, other *int64
	var rec, res, clo, rej *int64
	err := s.DB.QueryRow(ctx, `SELECT `+sums+`,
		SUM(CASE WHEN state = 'referred' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN quick_win = ? AND received_at >= ? AND received_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN quick_win = ? AND state = 'resolved' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'resolved' AND closed_at >= ? AND closed_at < ? AND category_id IN (SELECT id FROM suggestion_categories WHERE accessibility = ?) THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'resolved' AND closed_at >= ? AND closed_at < ? AND category_id IN (SELECT id FROM suggestion_categories WHERE accessibility = ?) THEN 1 ELSE 0 END)
		FROM suggestions WHERE `+period,
		append(args[:8:8], from, to, true, from, to, true, from, to, from, to, true, from, to, false, from, to, from, to)...).
		Scan(&rec, &res, &clo, &rej, &referred, &qw, &qwr, &acc, &other)
	if err != nil {
		return nil, err
	}
	st.Received, st.Resolved, st.Closed, st.Rejected = n(rec), n(res), n(clo), n(rej)
	st.Referred, st.QuickWins, st.QuickWinsResolved, st.AccessResolved, st.OtherResolved = n(referred), n(qw), n(qwr), n(acc), n(other)

	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions WHERE state IN (?, ?, ?) AND due_date IS NOT NULL AND due_date < ?`,
		StateNew, StateAccepted, StateInProgress, s.Today()).Scan(&st.Overdue); err != nil {
		return nil, err
	}
	if st.Resolved > 0 {
		// The median without engine-specific functions: the middle one or two.
		off := (st.Resolved - 1) / 2
		lim := 2 - st.Resolved%2
		rows, err := s.DB.Query(ctx, `SELECT days_to_close FROM suggestions WHERE state = 'resolved' AND closed_at >= ? AND closed_at < ?
			ORDER BY days_to_close LIMIT ? OFFSET ?`, from, to, lim, off)
		if err != nil {
			return nil, err
		}
		var sum, cnt float64
		for rows.Next() {
			var d int64
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return nil, err
			}
			sum += float64(d)
			cnt++
		}
		rows.Close()
		if cnt > 0 {
			m := sum / cnt
			st.MedianDays = &m
		}
	}
	labels, err := s.dimensionLabels(ctx)
	if err != nil {
		return nil, err
	}
	for _, dim := range Dimensions {
		col := dimColumn[dim]
		rows, err := s.DB.Query(ctx, `SELECT `+col+`, `+sums+` FROM suggestions WHERE `+period+` GROUP BY `+col, args...)
		if err != nil {
			return nil, err
		}
		var out []Row
		for rows.Next() {
			var key *string
			var r Row
			var a, b, c, d *int64
			if err := rows.Scan(&key, &a, &b, &c, &d); err != nil {
				rows.Close()
				return nil, err
			}
			r.Received, r.Resolved, r.Closed, r.Rejected = n(a), n(b), n(c), n(d)
			if key != nil {
				r.Key = *key
				r.Label = labels[dim][r.Key]
			}
			out = append(out, r)
		}
		rows.Close()
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].Received != out[j].Received {
				return out[i].Received > out[j].Received
			}
			return out[i].Label < out[j].Label
		})
		st.By[dim] = out
	}
	return st, nil
}

func n(p *int64) int {
	if p == nil {
		return 0
	}
	return int(*p)
}

// dimensionLabels names the keys of each breakdown (source labels are the
// UI's business, so they stay as codes here).
func (s *Service) dimensionLabels(ctx context.Context) (map[string]map[string]string, error) {
	out := map[string]map[string]string{"category": {}, "municipality": {}, "department": {}, "target_group": {}, "source": {}}
	cats, err := s.Categories(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		out["category"][fmt.Sprint(c.ID)] = c.Name
	}
	put := func(dim string, names partner.Names) {
		for id, name := range names {
			out[dim][fmt.Sprint(id)] = name
		}
	}
	m, err := s.Partners.MunicipalityNames(ctx)
	if err != nil {
		return nil, err
	}
	put("municipality", m)
	g, err := s.Partners.TargetGroupNames(ctx)
	if err != nil {
		return nil, err
	}
	put("target_group", g)
	ds, _, err := s.Partners.FindDepartments(ctx, partner.Filter{All: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		out["department"][fmt.Sprint(d.ID)] = d.Name
	}
	for _, src := range Sources {
		out["source"][string(src)] = string(src)
	}
	return out, nil
}

// ---------- overdue digest

// SendDigests sends each department ONE e-mail listing its overdue
// suggestions, at most once a day: the sending is recorded in
// suggestion_digests, so running it again the same day sends nothing.
// It returns nil when there is nothing to send.
func (s *Service) SendDigests(ctx context.Context) error {
	_, err := s.sendDigests(ctx)
	return err
}

func (s *Service) sendDigests(ctx context.Context) (int, error) {
	today := s.Today()
	items, _, err := findSuggestions(ctx, s.DB, Filter{Overdue: true, Today: today, Oldest: true, Paging: store.Paging{PerPage: -1}})
	if err != nil {
		return 0, err
	}
	byDept := map[int64][]Suggestion{}
	var depts []int64
	for _, x := range items {
		if x.DepartmentID == nil {
			continue
		}
		if _, ok := byDept[*x.DepartmentID]; !ok {
			depts = append(depts, *x.DepartmentID)
		}
		byDept[*x.DepartmentID] = append(byDept[*x.DepartmentID], x)
	}
	sort.Slice(depts, func(i, j int) bool { return depts[i] < depts[j] })
	ctx = audit.WithActor(ctx, audit.Actor{Name: "system"})
	sent := 0
	for _, id := range depts {
		d, err := s.Partners.FindDepartmentByID(ctx, id)
		if err != nil {
			return sent, err
		}
		list := byDept[id]
		var claimed bool
		// Claim the day first (the primary key makes it once per day, also
		// with two servers), then send; a failed send is logged and retried
		// tomorrow rather than sent twice.
		err = s.DB.InTx(ctx, func(tx *store.Tx) error {
			var k int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM suggestion_digests WHERE department_id = ? AND day = ?`, id, today).Scan(&k); err != nil {
				return err
			}
			if k > 0 {
				return nil
			}
			if _, err := tx.Exec(ctx, `INSERT INTO suggestion_digests (department_id, day, sent_at, items) VALUES (?, ?, ?, ?)`, id, today, s.now(), len(list)); err != nil {
				return err
			}
			claimed = true
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "digest", Entity: "suggestion_digest", EntityID: id, Summary: fmt.Sprintf("%s: %d", d.Name, len(list))})
		})
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue
		}
		to := d.Email
		if to == "" {
			s.Log.Warn("suggestion: department has no e-mail for the digest", "department", d.Name)
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Dobrý den,\n\nodbor %s má po termínu %d podnětů:\n\n", d.Name, len(list))
		for _, x := range list {
			fmt.Fprintf(&b, "- %s (termín %s, po termínu %d dní): %s\n  %s/podnety/%d\n", x.Code, czDate(x.DueDate.Time()), int(today.Sub(x.DueDate.Time()).Hours()/24), x.Title(), s.BaseURL, x.ID)
		}
		b.WriteString("\nProsíme o vyřízení nebo o zprávu koordinátorce KPSS.\n\nKomunitní plánování sociálních služeb\n")
		s.send(ctx, mail.Message{To: []string{to}, Subject: fmt.Sprintf("Podněty po termínu: %d (%s)", len(list), czDate(today.Time)), Text: b.String()})
		sent++
	}
	return sent, nil
}
