package plan

import (
	"testing"
)

func allRules() []Rule {
	return []Rule{{RuleWaitingGrowth, 20, true}, {RuleRefusalsRose, 10, true}, {RuleUtilisationHigh, 95, true}, {RuleIncomeFell, 15, true}, {RuleStaffFell, 10, true}}
}

func fig(capacity, clients, refused, waiting int64, fte float64, income map[string]int64) ReportData {
	return ReportData{Capacity: capacity, Clients: clients, Refused: refused, Waiting: waiting, Staff: map[string]float64{"care_worker": fte}, Income: income}
}

// Each early-warning rule on fixed figures: what it flags, and the cases
// just below its threshold that it must leave alone.
func TestEarlyWarningRules(t *testing.T) {
	base := fig(100, 80, 10, 10, 10, map[string]int64{"state": 1000, "municipalities": 500})
	cases := []struct {
		name string
		cur  ReportData
		prev ReportData
		want []string // rule codes (with source for income)
	}{
		{"nothing changed", base, base, nil},
		{"waiting list +50 %", fig(100, 80, 10, 15, 10, base.Income), base, []string{RuleWaitingGrowth}},
		{"waiting list +20 % is not more than 20 %", fig(100, 80, 10, 12, 10, base.Income), base, nil},
		{"waiting list from zero", fig(100, 80, 10, 3, 10, base.Income), fig(100, 80, 10, 0, 10, base.Income), []string{RuleWaitingGrowth}},
		{"waiting list fell", fig(100, 80, 10, 5, 10, base.Income), base, nil},
		{"refusals +30 %", fig(100, 80, 13, 10, 10, base.Income), base, []string{RuleRefusalsRose}},
		{"refusals +10 % is not more than 10 %", fig(100, 80, 11, 10, 10, base.Income), base, nil},
		{"utilisation above 95 % twice", fig(100, 98, 10, 10, 10, base.Income), fig(100, 96, 10, 10, 10, base.Income), []string{RuleUtilisationHigh}},
		{"utilisation above 95 % only now", fig(100, 98, 10, 10, 10, base.Income), base, nil},
		{"utilisation without capacity", fig(0, 98, 10, 10, 10, base.Income), fig(0, 96, 10, 10, 10, base.Income), nil},
		{"income from the municipalities −40 %", fig(100, 80, 10, 10, 10, map[string]int64{"state": 1000, "municipalities": 300}), base, []string{RuleIncomeFell + ":municipalities"}},
		{"income −10 % is within 15 %", fig(100, 80, 10, 10, 10, map[string]int64{"state": 900, "municipalities": 450}), base, nil},
		{"income source gone", fig(100, 80, 10, 10, 10, map[string]int64{"state": 1000}), base, []string{RuleIncomeFell + ":municipalities"}},
		{"staff −20 %", fig(100, 80, 10, 10, 8, base.Income), base, []string{RuleStaffFell}},
		{"staff −5 %", fig(100, 80, 10, 10, 9.5, base.Income), base, nil},
		{"everything at once", fig(100, 99, 20, 30, 5, map[string]int64{}), fig(100, 97, 10, 10, 10, base.Income),
			[]string{RuleWaitingGrowth, RuleRefusalsRose, RuleUtilisationHigh, RuleIncomeFell + ":state", RuleIncomeFell + ":municipalities", RuleStaffFell}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			flags := Evaluate(allRules(), map[int64]ReportData{7: c.cur}, map[int64]ReportData{7: c.prev})
			var got []string
			for _, f := range flags {
				code := f.Rule
				if f.Source != "" {
					code += ":" + f.Source
				}
				got = append(got, code)
				if f.ServiceID != 7 {
					t.Errorf("flag for service %d", f.ServiceID)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("flags %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("flags %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestEarlyWarningSkipsNewServicesAndDisabledRules(t *testing.T) {
	cur := map[int64]ReportData{1: fig(10, 10, 5, 50, 1, nil)}
	if f := Evaluate(allRules(), cur, map[int64]ReportData{}); len(f) != 0 {
		t.Fatalf("a service without a previous report was flagged: %v", f)
	}
	rules := allRules()
	for i := range rules {
		rules[i].Enabled = false
	}
	prev := map[int64]ReportData{1: fig(10, 10, 1, 1, 5, nil)}
	if f := Evaluate(rules, cur, prev); len(f) != 0 {
		t.Fatalf("disabled rules flagged: %v", f)
	}
	// The explanation carries the figures the dashboard shows.
	f := Evaluate(allRules(), cur, prev)
	if len(f) == 0 || f[0].Rule != RuleWaitingGrowth || f[0].Before != 1 || f[0].After != 50 || f[0].Change != 4900 {
		t.Fatalf("first flag = %+v", f)
	}
}

func TestDiffOfPlanVersions(t *testing.T) {
	old := []MeasureSnap{
		{ID: 1, Code: "SEN 1.1", Title: "Pečovatelská služba", Kind: "develop"},
		{ID: 2, Code: "OZP 1.1", Title: "Auto pro vozíčkáře", Kind: "new"},
		{ID: 3, Code: "RD 1.1", Title: "Psychologové", Kind: "develop"},
	}
	cur := []MeasureSnap{
		{ID: 1, Code: "SEN 1.1", Title: "Pečovatelská služba i o víkendech", Kind: "develop"},
		{ID: 2, Code: "OZP 1.1", Title: "Auto pro vozíčkáře", Kind: "new", Dropped: true},
		{ID: 3, Code: "RD 1.1", Title: "Psychologové", Kind: "develop"},
		{ID: 4, Code: "KRN 1.1", Title: "Startovací byty", Kind: "new"},
	}
	d := Diff(old, cur)
	if len(d) != 3 {
		t.Fatalf("diff = %+v", d)
	}
	if d[0].Change != ChangeChanged || d[0].Code != "SEN 1.1" || len(d[0].Fields) != 1 || d[0].Fields[0].Field != "title" ||
		d[0].Fields[0].Before != "Pečovatelská služba" || d[0].Fields[0].After != "Pečovatelská služba i o víkendech" {
		t.Errorf("changed = %+v", d[0])
	}
	if d[1].Change != ChangeDropped || d[1].Code != "OZP 1.1" {
		t.Errorf("dropped = %+v", d[1])
	}
	if d[2].Change != ChangeAdded || d[2].Code != "KRN 1.1" {
		t.Errorf("added = %+v", d[2])
	}
	if got := Diff(cur, cur); len(got) != 0 {
		t.Errorf("no change gives %+v", got)
	}
}
