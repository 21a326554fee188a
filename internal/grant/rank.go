package grant

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"kpss/internal/czech"
)

// RankRow is one application in the ranking panel.
type RankRow struct {
	App         *Application
	Evaluations []Assignment // counted ones, first two then the third
	Complete    bool
	Score       Points // final score, points of 100
	Z           Signed // mean of the evaluators' z-scores
	Rank, ZRank int
	Requested   CZK
	Adjusted    CZK
	Recommended int
	Disagree    string
	Proposed    *CZK
	Amount      CZK // the amount in force: changed by the coordinator or proposed
}

// EvaluatorStat is an evaluator's mean and spread over the call.
type EvaluatorStat struct {
	Name     string
	N        int
	Mean, SD Points
}

// Agreement measures how much the first two evaluators of each
// application agree: the mean absolute difference of their totals, the
// share within the call's tolerance and Pearson's correlation.
type Agreement struct {
	Pairs       int
	MeanAbsDiff Points
	WithinPct   Points // % of pairs within the call's DisagreePct (or 10 points)
	Correlation *Corr  // nil with fewer than three pairs or no spread
}

// Panel is the coordinator's view of a call's evaluation.
type Panel struct {
	Call       *Call
	Rows       []RankRow // complete ones ranked, then the incomplete ones
	Stats      []EvaluatorStat
	Agreement  Agreement
	Budget     CZK
	Allocated  CZK
	Leftover   CZK
	Complete   int
	Incomplete int
}

// Panel computes the ranking, the evaluators' statistics and agreement of a
// call in a fixed number of queries, whatever its size.
func (s *Service) Panel(ctx context.Context, c *Call) (*Panel, error) {
	apps, err := s.FindApplications(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	gs, err := s.callAssignments(ctx, s.DB, c.ID)
	if err != nil {
		return nil, err
	}
	return BuildPanel(c, apps, gs), nil
}

// BuildPanel is Panel without the database (for tests and benchmarks).
func BuildPanel(c *Call, apps []Application, gs []Assignment) *Panel {
	byApp := map[int64][]Assignment{}
	type acc struct {
		name string
		vals []float64
	}
	byEval := map[int64]*acc{}
	for _, g := range gs {
		if !g.Counts() {
			continue
		}
		byApp[g.ApplicationID] = append(byApp[g.ApplicationID], g)
		if g.State == AssignSubmitted && g.Total != nil {
			a := byEval[g.EvaluatorID]
			if a == nil {
				a = &acc{name: g.EvaluatorName}
				byEval[g.EvaluatorID] = a
			}
			a.vals = append(a.vals, float64(*g.Total))
		}
	}
	p := &Panel{Call: c, Budget: c.Budget}
	mean := map[int64]float64{}
	sd := map[int64]float64{}
	for id, a := range byEval {
		m, d := meanSD(a.vals)
		mean[id], sd[id] = m, d
		p.Stats = append(p.Stats, EvaluatorStat{Name: a.name, N: len(a.vals), Mean: Points(round2(m)), SD: Points(round2(d))})
	}
	czech.SortBy(p.Stats, func(e EvaluatorStat) string { return e.Name })
	var xs, ys []float64
	within := 0
	tol := float64(c.DisagreePct)
	if tol == 0 {
		tol = 10
	}
	for i := range apps {
		a := &apps[i]
		if a.State != StatePassed {
			continue
		}
		ev := byApp[a.ID]
		row := RankRow{App: a, Evaluations: ev, Requested: a.Requested(), Adjusted: Adjusted(a, ev), Disagree: needThird(c, ev), Proposed: a.Proposed}
		sc, ok := FinalScore(c, ev)
		row.Score, row.Complete = Points(sc), ok
		var zs []float64
		for _, g := range ev {
			if g.State != AssignSubmitted || g.Total == nil {
				continue
			}
			if g.Recommend {
				row.Recommended++
			}
			if sd[g.EvaluatorID] > 0 {
				zs = append(zs, (float64(*g.Total)-mean[g.EvaluatorID])/sd[g.EvaluatorID])
			} else {
				zs = append(zs, 0)
			}
		}
		if len(zs) > 0 {
			m, _ := meanSD(zs)
			row.Z = Signed(round2(m))
		}
		if two := firstTwo(ev); len(two) == 2 && two[0].State == AssignSubmitted && two[1].State == AssignSubmitted {
			x, y := float64(*two[0].Total), float64(*two[1].Total)
			xs, ys = append(xs, x), append(ys, y)
			if math.Abs(x-y) <= tol {
				within++
			}
		}
		switch {
		case a.Amount != nil:
			row.Amount = *a.Amount
		case a.Proposed != nil:
			row.Amount = *a.Proposed
		}
		p.Rows = append(p.Rows, row)
	}
	Rank(p.Rows)
	for _, r := range p.Rows {
		p.Allocated += r.Amount
		if r.Complete {
			p.Complete++
		} else {
			p.Incomplete++
		}
	}
	p.Leftover = p.Budget - p.Allocated
	if n := len(xs); n > 0 {
		var sum float64
		for i := range xs {
			sum += math.Abs(xs[i] - ys[i])
		}
		p.Agreement = Agreement{Pairs: n, MeanAbsDiff: Points(round2(sum / float64(n))), WithinPct: Points(round2(100 * float64(within) / float64(n)))}
		if n >= 3 {
			if r, ok := pearson(xs, ys); ok {
				cr := Corr(round2(r))
				p.Agreement.Correlation = &cr
			}
		}
	}
	return p
}

// Rank orders rows: complete ones by final score (highest first), ties
// broken by the smaller adjusted request, then the earlier submission,
// then the lower id; the incomplete ones after them. It numbers Rank and
// ZRank (the same order by the mean z-score).
func Rank(rows []RankRow) {
	submitted := func(r RankRow) time.Time {
		if r.App.SubmittedAt == nil {
			return time.Time{}
		}
		return *r.App.SubmittedAt
	}
	tie := func(a, b RankRow) bool {
		if a.Adjusted != b.Adjusted {
			return a.Adjusted < b.Adjusted
		}
		if sa, sb := submitted(a), submitted(b); !sa.Equal(sb) {
			return sa.Before(sb)
		}
		return a.App.ID < b.App.ID
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Complete != b.Complete {
			return a.Complete
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return tie(a, b)
	})
	idx := make([]int, 0, len(rows))
	for i := range rows {
		if rows[i].Complete {
			rows[i].Rank = len(idx) + 1
			idx = append(idx, i)
		} else {
			rows[i].Rank = 0
		}
	}
	byZ := append([]int(nil), idx...)
	sort.SliceStable(byZ, func(i, j int) bool {
		a, b := rows[byZ[i]], rows[byZ[j]]
		if a.Z != b.Z {
			return a.Z > b.Z
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return tie(a, b)
	})
	for n, i := range byZ {
		rows[i].ZRank = n + 1
	}
}

func meanSD(v []float64) (float64, float64) {
	if len(v) == 0 {
		return 0, 0
	}
	var sum float64
	for _, x := range v {
		sum += x
	}
	m := sum / float64(len(v))
	if len(v) < 2 {
		return m, 0
	}
	var ss float64
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(v)-1))
}

func pearson(x, y []float64) (float64, bool) {
	mx, sx := meanSD(x)
	my, sy := meanSD(y)
	if sx == 0 || sy == 0 {
		return 0, false
	}
	var cov float64
	for i := range x {
		cov += (x[i] - mx) * (y[i] - my)
	}
	return cov / float64(len(x)-1) / (sx * sy), true
}

// ChartBar is one bar of the ranking chart.
type ChartBar struct {
	Label        string
	Score        Points
	Y, Width, TY int
}

// Chart is the SVG bar chart of the final scores (with a data table beside it).
type Chart struct {
	Bars          []ChartBar
	Height, Width int
}

func rankChart(p *Panel) Chart {
	ch := Chart{Width: 680}
	for _, r := range p.Rows {
		if !r.Complete {
			continue
		}
		y := 10 + len(ch.Bars)*26
		label := r.App.Organisation
		if rs := []rune(label); len(rs) > 34 {
			label = string(rs[:33]) + "…"
		}
		ch.Bars = append(ch.Bars, ChartBar{Label: label, Score: r.Score, Y: y, TY: y + 15, Width: int(math.Round(float64(r.Score) * 3.2))})
		if len(ch.Bars) == 40 {
			break
		}
	}
	ch.Height = 20 + len(ch.Bars)*26
	return ch
}

// Signed prints a z-score with its sign and two decimals ("+0,52").
type Signed float64

func (z Signed) String() string {
	s := strings.Replace(strconv.FormatFloat(math.Abs(float64(z)), 'f', 2, 64), ".", ",", 1)
	switch {
	case z > 0:
		return "+" + s
	case z < 0:
		return "−" + s
	}
	return s
}

// Corr prints a correlation with two decimals ("0,87").
type Corr float64

func (c Corr) String() string {
	s := strings.Replace(strconv.FormatFloat(math.Abs(float64(c)), 'f', 2, 64), ".", ",", 1)
	if c < 0 {
		return "−" + s
	}
	return s
}
