package survey

import (
	"context"
	"database/sql"
	"sort"

	"kpss/internal/apperr"
	"kpss/internal/store"
	"kpss/internal/web/i18n"
)

// Cell is one count of a cross-tab; a suppressed cell shows neither its
// count nor its share.
type Cell struct {
	Count      int     `json:"count,omitempty"`
	Share      float64 `json:"share,omitempty"`
	Suppressed bool    `json:"suppressed"`
}

// CrossGroup is one column of a cross-tab: an answer of the question the
// results are split by ("" label: did not answer it).
type CrossGroup struct {
	Label      string `json:"label"`
	Total      int    `json:"total,omitempty"`
	Suppressed bool   `json:"suppressed"`
}

// CrossRow is one answer of a question, split by the groups.
type CrossRow struct {
	Label string `json:"label"`
	Cells []Cell `json:"cells"`
}

// CrossTab is one question's answers split by the answers of another.
type CrossTab struct {
	Question Question     `json:"question"`
	Groups   []CrossGroup `json:"groups"`
	Rows     []CrossRow   `json:"rows"`
}

// CrossTabs splits the counts of every choice and scale question of survey
// id by the answer to the question byCode (a single choice or scale
// question), in one query. Cells below the survey's minimum group size are
// suppressed, and so are further cells wherever a suppressed count could be
// worked out by subtracting the shown ones from a published total (a row's
// total is in the plain results, a column's in the cross-tab). Two queries
// and one pass over the answers, whatever the number of responses.
// Errors: not_found, invalid (not a question to split by).
func (s *Service) CrossTabs(ctx context.Context, id int64, byCode string) ([]CrossTab, error) {
	v, qs, err := s.FindSurvey(ctx, id)
	if err != nil {
		return nil, err
	}
	var by *Question
	for i := range qs {
		if qs[i].Code == byCode && (qs[i].Kind == Single || qs[i].Kind == Scale) {
			by = &qs[i]
		}
	}
	if by == nil {
		return nil, apperr.New(apperr.Invalid, "survey.err.crosstab_by")
	}
	// Groups: the by-question's options (or points), then "no answer" (0 key -1).
	var groupVals []int
	var groups []CrossGroup
	if by.Kind == Scale {
		for _, p := range by.Points() {
			groupVals = append(groupVals, p)
			groups = append(groups, CrossGroup{Label: itoa(p)})
		}
	} else {
		for i, o := range by.Options {
			groupVals = append(groupVals, i+1)
			groups = append(groups, CrossGroup{Label: o})
		}
		if by.Other {
			groupVals = append(groupVals, 0)
			groups = append(groups, CrossGroup{Label: ""})
		}
	}
	groupVals = append(groupVals, noGroup)
	groups = append(groups, CrossGroup{Label: "-"})
	gIndex := map[int]int{}
	for i, g := range groupVals {
		gIndex[g] = i
	}
	tallies := make([]map[tallyKey]int, len(groupVals))
	for i := range tallies {
		tallies[i] = map[tallyKey]int{}
	}
	// The respondents' groups (one indexed read of the by-question), then
	// one pass over the other answers counted in Go: no join per answer row.
	group := map[int64]int{}
	grows, err := s.DB.Query(ctx, `SELECT response_id, num FROM survey_answers WHERE question_id = ? AND item = 0`, by.ID)
	if err != nil {
		return nil, err
	}
	for grows.Next() {
		var (
			rid int64
			num sql.NullFloat64
		)
		if err := grows.Scan(&rid, &num); err != nil {
			grows.Close()
			return nil, err
		}
		if num.Valid {
			group[rid] = int(num.Float64)
		}
	}
	grows.Close()
	if err := grows.Err(); err != nil {
		return nil, err
	}
	var args []any
	for _, q := range qs {
		if q.ID != by.ID && (q.Kind.Choice() || q.Kind == Scale) {
			args = append(args, q.ID)
		}
	}
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT response_id, question_id, item, num FROM survey_answers
		WHERE survey_id = ? AND question_id IN (`+store.Placeholders(len(args))+`)`, append([]any{v.ID}, args...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			rid int64
			k   tallyKey
			num sql.NullFloat64
		)
		if err := rows.Scan(&rid, &k.q, &k.item, &num); err != nil {
			rows.Close()
			return nil, err
		}
		k.num, k.has = num.Float64, num.Valid
		g, ok := group[rid]
		if !ok {
			g = noGroup
		}
		if gi, ok := gIndex[g]; ok {
			tallies[gi][k]++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []CrossTab
	for _, q := range qs {
		if q.ID == by.ID || !(q.Kind.Choice() || q.Kind == Scale) {
			continue
		}
		ct := CrossTab{Question: q, Groups: append([]CrossGroup(nil), groups...)}
		var per []QuestionResult
		for gi := range groupVals {
			r := summarise(q, tallies[gi], nil)
			per = append(per, r)
			ct.Groups[gi].Total = r.Answered
		}
		for oi := range per[0].Counts {
			row := CrossRow{Label: per[0].Counts[oi].Label}
			for gi := range groupVals {
				c := per[gi].Counts[oi]
				row.Cells = append(row.Cells, Cell{Count: c.Count, Share: c.Share})
			}
			ct.Rows = append(ct.Rows, row)
		}
		// Drop the "no answer" column when nobody is in it.
		if last := len(ct.Groups) - 1; ct.Groups[last].Total == 0 {
			ct.Groups = ct.Groups[:last]
			for i := range ct.Rows {
				ct.Rows[i].Cells = ct.Rows[i].Cells[:last]
			}
		}
		Suppress(&ct, v.MinGroup)
		out = append(out, ct)
	}
	return out, nil
}

const noGroup = -1 << 30

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// Suppress hides the cells of ct that could identify someone: every column
// (group) smaller than min, every count from 1 to min-1, and then, until
// nothing changes, one more cell in any row or column where exactly one
// non-zero hidden count could be recovered from the published total by
// subtraction. Hidden cells lose their count and share.
func Suppress(ct *CrossTab, min int) {
	hidden := make([][]bool, len(ct.Rows))
	for r := range ct.Rows {
		hidden[r] = make([]bool, len(ct.Groups))
		for g, c := range ct.Rows[r].Cells {
			if ct.Groups[g].Total < min || c.Count > 0 && c.Count < min {
				hidden[r][g] = true
			}
		}
	}
	for g := range ct.Groups {
		if ct.Groups[g].Total < min {
			ct.Groups[g].Suppressed = true
		}
	}
	// The number of respondents is public: one small group alone could be
	// worked out from the others, so the next smallest group goes too.
	small, smallest := 0, -1
	for g := range ct.Groups {
		if ct.Groups[g].Suppressed {
			if ct.Groups[g].Total > 0 {
				small++
			}
		} else if smallest < 0 || ct.Groups[g].Total < ct.Groups[smallest].Total {
			smallest = g
		}
	}
	if small == 1 && smallest >= 0 {
		ct.Groups[smallest].Suppressed = true
		for r := range ct.Rows {
			hidden[r][smallest] = true
		}
	}
	// hideOne hides the smallest shown cell of the line (cells given by
	// their coordinates), preferring non-zero counts.
	hideOne := func(cells [][2]int) bool {
		best := -1
		for i, rc := range cells {
			if hidden[rc[0]][rc[1]] {
				continue
			}
			if best < 0 || ct.Rows[rc[0]].Cells[rc[1]].Count < ct.Rows[cells[best][0]].Cells[cells[best][1]].Count {
				best = i
			}
		}
		if best < 0 {
			return false
		}
		hidden[cells[best][0]][cells[best][1]] = true
		return true
	}
	check := func(cells [][2]int, totalShown bool) bool {
		if !totalShown {
			return false
		}
		n, nonzero := 0, false
		for _, rc := range cells {
			if hidden[rc[0]][rc[1]] {
				n++
				nonzero = nonzero || ct.Rows[rc[0]].Cells[rc[1]].Count > 0
			}
		}
		return n == 1 && nonzero && hideOne(cells)
	}
	for changed := true; changed; {
		changed = false
		for r := range ct.Rows {
			var line [][2]int
			for g := range ct.Groups {
				line = append(line, [2]int{r, g})
			}
			// A row's total is public (the plain results).
			changed = check(line, true) || changed
		}
		for g := range ct.Groups {
			var line [][2]int
			for r := range ct.Rows {
				line = append(line, [2]int{r, g})
			}
			changed = check(line, !ct.Groups[g].Suppressed) || changed
		}
	}
	for r := range ct.Rows {
		for g := range ct.Groups {
			if hidden[r][g] {
				ct.Rows[r].Cells[g] = Cell{Suppressed: true}
			}
		}
	}
	for g := range ct.Groups {
		if ct.Groups[g].Suppressed {
			ct.Groups[g].Total = 0
		}
	}
}

// byOptions are the questions the results can be split by.
func byOptions(qs []Question) []Question {
	var out []Question
	for _, q := range qs {
		if q.Kind == Single || q.Kind == Scale {
			out = append(out, q)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Position < out[j].Position })
	return out
}

// ShareText is the cell's share written for people.
func (c Cell) ShareText(l *i18n.Localizer) string { return pct(l, c.Share) }
