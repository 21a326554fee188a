package grant

import (
	"strings"
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/store"
)

func testCall() *Call {
	lv := []string{"0", "1", "2", "3", "4", "5"}
	return &Call{Year: 2026, Title: "Výzva", Budget: 1000, MaxRequest: 600, ScaleMax: 5, EligibleTypes: []string{"p40"},
		ApplyFrom: store.NewDate(2026, 1, 1), ApplyUntil: store.NewDate(2026, 2, 1), ThirdRule: ThirdReplaceFurther, AllocMethod: AllocGreedy, CapPct: 100,
		DisagreePct: 20, DisagreeRecommend: true, DisagreePoints: 3,
		Criteria: []Criterion{{ID: 1, Name: "A", Weight: 60, Levels: lv}, {ID: 2, Name: "B", Weight: 40, Levels: lv}}}
}

func fieldsOf(err error) map[string]apperr.Msg {
	e, _ := apperr.As(err)
	if e == nil {
		return nil
	}
	return e.Fields
}

func TestCallWeightsMustSumTo100(t *testing.T) {
	c := testCall()
	if err := c.Validate(); err != nil {
		t.Fatalf("valid call: %v", err)
	}
	c.Criteria[1].Weight = 30
	f := fieldsOf(c.Validate())
	if m, ok := f["criteria"]; !ok || m.Key != "grant.err.weights_sum" || m.Args["Sum"] != 90 {
		t.Errorf("weights 90: %+v", f)
	}
	c = testCall()
	c.Criteria[0].Levels = c.Criteria[0].Levels[:3]
	if _, ok := fieldsOf(c.Validate())[CriterionField(0, "levels")]; !ok {
		t.Errorf("three levels of six accepted")
	}
	c = testCall()
	c.ScaleMax = 10
	if _, ok := fieldsOf(c.Validate())[CriterionField(1, "levels")]; !ok {
		t.Errorf("six levels accepted for 0–10")
	}
}

func sc(v ...int) map[int64]Score {
	m := map[int64]Score{}
	for i, x := range v {
		x := x
		m[int64(i+1)] = Score{Score: &x, Comment: "k"}
	}
	return m
}

func asg(id int64, third bool, recommend bool, c *Call, v ...int) Assignment {
	s := sc(v...)
	t := Points(TotalOf(c, s))
	return Assignment{ID: id, ApplicationID: 1, EvaluatorID: id, Third: third, State: AssignSubmitted, Recommend: recommend, Scores: s, Total: &t}
}

func TestDisagreementRules(t *testing.T) {
	c := testCall()
	c.DisagreeRecommend, c.DisagreePoints = false, 0
	// Totals: 5,5 → 100; 3,4 → 68: 32 points apart, more than 20 %.
	a, b := asg(1, false, true, c, 5, 5), asg(2, false, true, c, 3, 4)
	if why := Disagreement(c, &a, &b); !strings.Contains(why, "součty se liší o 32,0 bodu") {
		t.Errorf("totals: %q", why)
	}
	b = asg(2, false, true, c, 4, 4) // 80: exactly 20 apart is not more than 20
	if why := Disagreement(c, &a, &b); why != "" {
		t.Errorf("20 points apart disagree: %q", why)
	}
	c = testCall()
	c.DisagreePct, c.DisagreePoints = 0, 0
	a, b = asg(1, false, true, c, 4, 4), asg(2, false, false, c, 4, 4)
	if why := Disagreement(c, &a, &b); !strings.Contains(why, "doporučuje a druhý ne") {
		t.Errorf("recommendation: %q", why)
	}
	c = testCall()
	c.DisagreePct, c.DisagreeRecommend = 0, false
	a, b = asg(1, false, true, c, 5, 2), asg(2, false, true, c, 2, 2)
	if why := Disagreement(c, &a, &b); !strings.Contains(why, "„A“ body 5 a 2") {
		t.Errorf("criterion: %q", why)
	}
	b = asg(2, false, true, c, 3, 2)
	if why := Disagreement(c, &a, &b); why != "" {
		t.Errorf("2 points apart with k=3: %q", why)
	}
}

func TestFinalScoreByThirdRule(t *testing.T) {
	c := testCall()
	// 100, 40 (disagree), third 70 → replace further: |100−70|=30 < |40−70|=30? equal → first kept.
	a, b := asg(1, false, true, c, 5, 5), asg(2, false, false, c, 2, 2)
	if _, ok := FinalScore(c, []Assignment{a, b}); ok {
		t.Fatalf("complete without the third")
	}
	third := asg(3, true, true, c, 4, 4) // 80
	gs := []Assignment{a, b, third}
	for rule, want := range map[string]float64{ThirdReplaceFurther: 90, ThirdMedian: 80, ThirdClosestMean: 90} {
		c.ThirdRule = rule
		got, ok := FinalScore(c, gs)
		if !ok || got != want {
			t.Errorf("%s: %v %v, want %v", rule, got, ok, want)
		}
	}
	// Agreeing pair: the mean.
	a2, b2 := asg(1, false, true, c, 4, 4), asg(2, false, true, c, 4, 3)
	if got, ok := FinalScore(c, []Assignment{a2, b2}); !ok || got != 76 {
		t.Errorf("mean of two: %v", got)
	}
}

func TestAllocationMethodsGoldenCases(t *testing.T) {
	items := []AllocItem{{1, 90, 500}, {2, 80, 400}, {3, 70, 300}, {4, 60, 200}, {5, 40, 100}}
	cases := []struct {
		method   string
		budget   CZK
		min      float64
		cap      int
		want     map[int64]CZK
		leftover CZK
	}{
		// 500 fits, 400 fits (900), 300 does not, 200 does not (1100), min 50 excludes 5.
		{AllocGreedy, 1000, 50, 100, map[int64]CZK{1: 500, 2: 400, 3: 0, 4: 0, 5: 0}, 100},
		// greedy without a minimum: 5 (100) fits the last 100.
		{AllocGreedy, 1000, 0, 100, map[int64]CZK{1: 500, 2: 400, 3: 0, 4: 0, 5: 100}, 0},
		// full down to the minimum: 500, 400, then 100 left for 3, nothing after.
		{AllocFullMinScore, 1000, 50, 100, map[int64]CZK{1: 500, 2: 400, 3: 100, 4: 0, 5: 0}, 0},
		// everything fits: full requests down to the minimum, 5 below it.
		{AllocFullMinScore, 2000, 65, 100, map[int64]CZK{1: 500, 2: 400, 3: 300, 4: 0, 5: 0}, 800},
		// proportional to score × request: weights 45000, 32000, 21000, 12000 (Σ 110000) of 1100.
		{AllocProportional, 1100, 50, 100, map[int64]CZK{1: 450, 2: 320, 3: 210, 4: 120, 5: 0}, 0},
		// with a cap of 50 %: every share is above its cap (250, 200, 150, 100): 400 left over
		{AllocProportional, 1100, 50, 50, map[int64]CZK{1: 250, 2: 200, 3: 150, 4: 100, 5: 0}, 400},
		// a tight budget: 300 by weights → 122, 87, 57, 32 (floors), 2 left.
		{AllocProportional, 300, 50, 100, map[int64]CZK{1: 122, 2: 87, 3: 57, 4: 32, 5: 0}, 2},
	}
	for _, tc := range cases {
		got, left := Allocate(tc.method, tc.budget, tc.min, tc.cap, items)
		var sum CZK
		for id, want := range tc.want {
			if got[id] != want {
				t.Errorf("%s budget %d cap %d: #%d got %d, want %d", tc.method, tc.budget, tc.cap, id, got[id], want)
			}
			sum += got[id]
		}
		if sum > tc.budget || left != tc.leftover || sum+left != tc.budget {
			t.Errorf("%s budget %d: sum %d leftover %d, want leftover %d", tc.method, tc.budget, sum, left, tc.leftover)
		}
	}
}

func TestRankingTieBreaks(t *testing.T) {
	t1, t2 := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC), time.Date(2026, 1, 11, 9, 0, 0, 0, time.UTC)
	app := func(id int64, at time.Time) *Application { return &Application{ID: id, SubmittedAt: &at} }
	rows := []RankRow{
		{App: app(1, t2), Complete: true, Score: 80, Adjusted: 300},
		{App: app(2, t1), Complete: true, Score: 80, Adjusted: 300}, // same score and request, earlier
		{App: app(3, t1), Complete: true, Score: 80, Adjusted: 200}, // same score, smaller request
		{App: app(4, t1), Complete: false, Score: 0, Adjusted: 10},
		{App: app(5, t2), Complete: true, Score: 95, Adjusted: 900, Z: -0.5},
		{App: app(6, t2), Complete: true, Score: 80, Adjusted: 300}, // id breaks the last tie with 1
	}
	rows[0].Z, rows[1].Z, rows[2].Z, rows[5].Z = 0.9, 0.1, 0.2, 0.3
	Rank(rows)
	var got []int64
	for _, r := range rows {
		got = append(got, r.App.ID)
	}
	want := []int64{5, 3, 2, 1, 6, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
	if rows[0].Rank != 1 || rows[5].Rank != 0 || rows[3].ZRank != 1 || rows[0].ZRank != 5 {
		t.Errorf("ranks: %+v", rows)
	}
}

func TestApplicationBudgetRules(t *testing.T) {
	c := testCall()
	a := Application{ContactName: "Jana", ContactEmail: "jana@example.cz", Narratives: map[int64]string{1: "x", 2: "y"},
		Services: []AppService{{ServiceID: 7, ServiceName: "Pečovatelská služba", Requested: 300, Lines: []BudgetLine{
			{Kind: "staff", TotalCost: 500, OtherSources: 250, Requested: 250}, {Kind: "energy", TotalCost: 100, OtherSources: 0, Requested: 40}}}}}
	eligible := map[int64]bool{7: true}
	f := fieldsOf(a.Validate(c, eligible, true))
	if m := f[ServiceField(7, "requested")]; m.Key != "grant.err.line_sum" {
		t.Errorf("line sum 290 ≠ 300: %+v", f)
	}
	if err := a.Validate(c, eligible, false); err != nil {
		t.Errorf("a draft may not sum yet: %v", err)
	}
	a.Services[0].Lines[1].Requested = 50
	if err := a.Validate(c, eligible, true); err != nil {
		t.Errorf("valid: %v", err)
	}
	a.Services[0].Lines[0].Requested = 260 // more than 500 − 250
	a.Services[0].Requested = 310
	if m := fieldsOf(a.Validate(c, eligible, true))[LineField(7, "staff", "requested")]; m.Key != "grant.err.line_over_uncovered" {
		t.Errorf("over uncovered: %+v", m)
	}
	a.Services[0].Lines[0] = BudgetLine{Kind: "staff", TotalCost: 1000, OtherSources: 100, Requested: 650}
	a.Services[0].Requested = 700
	if m := fieldsOf(a.Validate(c, eligible, true))["requested"]; m.Key != "grant.err.over_max" {
		t.Errorf("over the maximum: %+v", m)
	}
	if m := fieldsOf(a.Validate(c, map[int64]bool{}, false))[ServiceField(7, "requested")]; m.Key != "grant.err.not_eligible" {
		t.Errorf("ineligible service: %+v", m)
	}
}

func TestCommentBelowMaxAndFlags(t *testing.T) {
	c := testCall()
	app := &Application{Services: []AppService{{Lines: []BudgetLine{{ID: 9, Kind: "staff", Requested: 100}}}}}
	five, three := 5, 3
	in := Assignment{Scores: map[int64]Score{1: {Score: &five}, 2: {Score: &three}}}
	f := fieldsOf(ValidateScores(c, app, &in, true))
	if _, ok := f[ScoreField(2, "comment")]; !ok || len(f) != 1 {
		t.Errorf("comment below max: %+v", f)
	}
	in.Scores[2] = Score{Score: &three, Comment: "Chybí data."}
	in.Flags = map[int64]Flag{9: {Kind: FlagOverstated, Amount: 150}}
	if _, ok := fieldsOf(ValidateScores(c, app, &in, true))[FlagField(9, "amount")]; !ok {
		t.Errorf("flag over the line accepted")
	}
	in.Flags[9] = Flag{Kind: FlagOverstated, Amount: 40}
	if err := ValidateScores(c, app, &in, true); err != nil {
		t.Errorf("valid: %v", err)
	}
	// Adjusted: mean of the flags of the submitted evaluations (40 and 0 → 20).
	app.Services[0].Requested = 100
	t1 := Points(0)
	gs := []Assignment{{State: AssignSubmitted, Flags: in.Flags, Total: &t1}, {State: AssignSubmitted, Flags: map[int64]Flag{}, Total: &t1}}
	if got := Adjusted(app, gs); got != 80 {
		t.Errorf("adjusted %d, want 80", got)
	}
}

func TestParseCZK(t *testing.T) {
	for in, want := range map[string]CZK{"120 000": 120000, "120\u00a0000 Kč": 120000, "1.200.000": 1200000, "5000,00": 5000, "": 0, "99,-": 99} {
		if got, ok := ParseCZK(in); !ok || got != want {
			t.Errorf("%q: %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"dvacet", "10,50", "1e5"} {
		if _, ok := ParseCZK(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
	if s := CZK(1234567).String(); s != "1\u00a0234\u00a0567\u00a0Kč" {
		t.Errorf("format %q", s)
	}
}
