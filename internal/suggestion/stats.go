package suggestion

import (
	"context"
	"fmt"
	"kpss/internal/czech"
	"sort"
	"strconv"
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

// Statistics computes the figures of [from, to) in a fixed number of
// queries. A period of whole Prague days (what the page asks for) is read
// from the tallies (tally.go); any other is counted from the suggestions.
func (s *Service) Statistics(ctx context.Context, from, to time.Time) (*Stats, error) {
	if midnight(from) && midnight(to) {
		return s.statisticsFromTallies(ctx, from, to)
	}
	return s.statisticsRaw(ctx, from, to)
}

// midnight reports whether t is the start of a day in Prague.
func midnight(t time.Time) bool {
	t = t.In(prague)
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

type statKey struct{ dim, k string }

// statisticsFromTallies reads the period from the tallies: one query, plus
// the overdue count and the labels.
func (s *Service) statisticsFromTallies(ctx context.Context, from, to time.Time) (*Stats, error) {
	st := &Stats{From: from.UTC(), To: to.UTC(), By: map[string][]Row{}}
	cats, err := s.Categories(ctx, true)
	if err != nil {
		return nil, err
	}
	accessCats := map[string]bool{}
	for _, c := range cats {
		if c.Accessibility {
			accessCats[fmt.Sprint(c.ID)] = true
		}
	}
	t, err := s.readTallies(ctx, pragueDay(from), pragueDay(to))
	if err != nil {
		return nil, err
	}
	acc := map[statKey]*Row{}
	hist := map[int64]int64{}
	for k, n := range t {
		if k.dim == "days" {
			d, _ := strconv.ParseInt(k.item, 10, 64)
			hist[d] += n
			continue
		}
		if n == 0 {
			continue
		}
		if k.dim == "category" {
			switch k.kind {
			case "received":
				st.Received += int(n)
			case "resolved":
				st.Resolved += int(n)
				if accessCats[k.item] {
					st.AccessResolved += int(n)
				} else {
					st.OtherResolved += int(n)
				}
			case "closed":
				st.Closed += int(n)
			case "rejected":
				st.Rejected += int(n)
			case "referred":
				st.Referred += int(n)
			case "qw_received":
				st.QuickWins += int(n)
			case "qw_resolved":
				st.QuickWinsResolved += int(n)
			}
		}
		r := acc[statKey{k.dim, k.item}]
		switch k.kind {
		case "received", "resolved", "closed", "rejected":
			if r == nil {
				r = &Row{Key: k.item}
				acc[statKey{k.dim, k.item}] = r
			}
		}
		switch k.kind {
		case "received":
			r.Received += int(n)
		case "resolved":
			r.Resolved += int(n)
		case "closed":
			r.Closed += int(n)
		case "rejected":
			r.Rejected += int(n)
		}
	}
	st.MedianDays = medianOf(hist)
	if err := s.finishStats(ctx, st, acc, cats); err != nil {
		return nil, err
	}
	return st, nil
}

// medianOf is the median of a histogram (days → how many): the middle one,
// or the mean of the middle two.
func medianOf(hist map[int64]int64) *float64 {
	var total int64
	days := make([]int64, 0, len(hist))
	for d, n := range hist {
		if n > 0 {
			days = append(days, d)
			total += n
		}
	}
	if total == 0 {
		return nil
	}
	sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
	at := func(i int64) int64 { // the i-th value (from 0) in order
		for _, d := range days {
			if i < hist[d] {
				return d
			}
			i -= hist[d]
		}
		return days[len(days)-1]
	}
	m := float64(at((total-1)/2)+at(total/2)) / 2
	return &m
}

// statisticsRaw counts the period from the suggestions themselves: one
// grouped scan (a period that does not start and end at a Prague midnight).
func (s *Service) statisticsRaw(ctx context.Context, from, to time.Time) (*Stats, error) {
	from, to = from.UTC(), to.UTC()
	st := &Stats{From: from, To: to, By: map[string][]Row{}}
	// One scan, grouped by every breakdown at once (at most a few thousand
	// groups); the totals and each breakdown are summed up here. A row
	// matters when it was received or finished in the period; as closed_at
	// is never before received_at, that is the condition below.
	notIndexed := ""
	if s.DB.Dialect() == store.SQLite {
		notIndexed = " NOT INDEXED" // a scan beats thousands of index lookups here
	}
	rows, err := s.DB.Query(ctx, `SELECT category_id, COALESCE(municipality_id, 0), department_id, target_group_id, source,
		SUM(CASE WHEN received_at >= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'resolved' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'closed' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'rejected' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN state = 'referred' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN quick_win = ? AND received_at >= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN quick_win = ? AND state = 'resolved' AND closed_at >= ? AND closed_at < ? THEN 1 ELSE 0 END)
		FROM suggestions`+notIndexed+` WHERE COALESCE(closed_at, received_at) >= ? AND received_at < ?
		GROUP BY category_id, municipality_id, department_id, target_group_id, source`,
		from, from, to, from, to, from, to, from, to, true, from, true, from, to, from, to)
	if err != nil {
		return nil, err
	}
	acc := map[statKey]*Row{}
	accessCats := map[string]bool{}
	cats, err := s.Categories(ctx, true)
	if err != nil {
		rows.Close()
		return nil, err
	}
	for _, c := range cats {
		if c.Accessibility {
			accessCats[fmt.Sprint(c.ID)] = true
		}
	}
	for rows.Next() {
		var cat, muni string
		var dept, tg *string
		var src string
		var rec, res, clo, rej, ref, qw, qwr int64
		if err := rows.Scan(&cat, &muni, &dept, &tg, &src, &rec, &res, &clo, &rej, &ref, &qw, &qwr); err != nil {
			rows.Close()
			return nil, err
		}
		st.Received += int(rec)
		st.Resolved += int(res)
		st.Closed += int(clo)
		st.Rejected += int(rej)
		st.Referred += int(ref)
		st.QuickWins += int(qw)
		st.QuickWinsResolved += int(qwr)
		if accessCats[cat] {
			st.AccessResolved += int(res)
		} else {
			st.OtherResolved += int(res)
		}
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		if muni == "0" {
			muni = "" // not known yet
		}
		for dim, k := range map[string]string{"category": cat, "municipality": muni, "department": str(dept), "target_group": str(tg), "source": src} {
			r := acc[statKey{dim, k}]
			if r == nil {
				r = &Row{Key: k}
				acc[statKey{dim, k}] = r
			}
			r.Received += int(rec)
			r.Resolved += int(res)
			r.Closed += int(clo)
			r.Rejected += int(rej)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
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
	if err := s.finishStats(ctx, st, acc, cats); err != nil {
		return nil, err
	}
	return st, nil
}

// finishStats counts the overdue ones, names and orders the breakdowns.
func (s *Service) finishStats(ctx context.Context, st *Stats, acc map[statKey]*Row, cats []Category) error {
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM `+Filter{Overdue: true}.from(s.DB)+` WHERE `+overdueCond+` AND s.due_date < ?`, s.Today()).Scan(&st.Overdue); err != nil {
		return err
	}
	labels, err := s.dimensionLabels(ctx, cats)
	if err != nil {
		return err
	}
	for k, r := range acc {
		r.Label = labels[k.dim][r.Key]
		st.By[k.dim] = append(st.By[k.dim], *r)
	}
	for _, dim := range Dimensions {
		out := st.By[dim]
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].Received != out[j].Received {
				return out[i].Received > out[j].Received
			}
			return out[i].Label < out[j].Label
		})
	}
	return nil
}

// dimensionLabels names the keys of each breakdown (source labels are the
// UI's business, so they stay as codes here).
func (s *Service) dimensionLabels(ctx context.Context, cats []Category) (map[string]map[string]string, error) {
	out := map[string]map[string]string{"category": {}, "municipality": {}, "department": {}, "target_group": {}, "source": {}}
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
		to := d.Email
		if to == "" {
			s.Log.Warn("suggestion: department has no e-mail for the digest", "department", d.Name)
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Dobrý den,\n\n%s: %s po termínu:\n\n", d.Name, podnetyCount(len(list)))
		for _, x := range list {
			fmt.Fprintf(&b, "- %s (termín %s, po termínu %d dní): %s\n  %s/podnety/%d\n", x.Code, czDate(x.DueDate.Time()), int(today.Sub(x.DueDate.Time()).Hours()/24), x.Title(), s.BaseURL, x.ID)
		}
		b.WriteString("\nProsíme o vyřízení nebo o zprávu koordinátorce KPSS.\n\nKomunitní plánování sociálních služeb\n")
		msg := mail.Message{To: []string{to}, Subject: fmt.Sprintf("Podněty po termínu: %d (%s)", len(list), czDate(today.Time)), Text: b.String()}
		var claimed bool
		// Claim the day and queue the digest in one transaction (the
		// primary key makes it once per day, also with two servers); the
		// outbox retries a failed delivery.
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
			if err := s.send(ctx, tx, "digest", fmt.Sprintf("department:%d", id), msg); err != nil {
				return err
			}
			return s.Audit.Record(ctx, tx, audit.Entry{Action: "digest", Entity: "suggestion_digest", EntityID: id, Summary: fmt.Sprintf("%s: %d", d.Name, len(list))})
		})
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue
		}
		sent++
	}
	return sent, nil
}

// podnetyCount says "1 podnět", "2 podněty", "5 podnětů" (Czech plural).
func podnetyCount(n int) string {
	switch czech.PluralCategory("cs", int64(n)) {
	case "one":
		return fmt.Sprintf("%d podnět", n)
	case "few":
		return fmt.Sprintf("%d podněty", n)
	}
	return fmt.Sprintf("%d podnětů", n)
}
