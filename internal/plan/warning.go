package plan

import (
	"math"
	"sort"
	"strconv"
)

// Early-warning rule codes; their thresholds are editable (warning_rules).
const (
	RuleWaitingGrowth   = "waiting_growth"   // waiting list grew by more than X %
	RuleRefusalsRose    = "refusals_rose"    // refusals rose by more than X %
	RuleUtilisationHigh = "utilisation_high" // utilisation above X % in two rounds running
	RuleIncomeFell      = "income_fell"      // income from one source fell by more than X %
	RuleStaffFell       = "staff_fell"       // staff (FTE) fell by more than X %
)

// RuleCodes in the order of the dashboard.
var RuleCodes = []string{RuleWaitingGrowth, RuleRefusalsRose, RuleUtilisationHigh, RuleIncomeFell, RuleStaffFell}

// Rule is an early-warning rule with its threshold (percent).
type Rule struct {
	Code      string  `json:"code"`
	Threshold float64 `json:"threshold"`
	Enabled   bool    `json:"enabled"`
}

// Flag is one warning: a service flagged by a rule, with the figures that
// explain why.
type Flag struct {
	ServiceID int64   `json:"service_id"`
	Rule      string  `json:"rule"`
	Source    string  `json:"source,omitempty"` // income source for income_fell
	Before    float64 `json:"before"`
	After     float64 `json:"after"`
	Change    float64 `json:"change"` // percent; for utilisation the current percent
	Threshold float64 `json:"threshold"`
}

// Evaluate applies the rules to the submitted figures of a round (cur) and
// of the round before it (prev), both by service id. A service missing in
// prev is not compared (it is new). The result is ordered by service, then
// rule order.
func Evaluate(rules []Rule, cur, prev map[int64]ReportData) []Flag {
	var out []Flag
	ids := make([]int64, 0, len(cur))
	for id := range cur {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		c := cur[id]
		p, ok := prev[id]
		if !ok {
			continue
		}
		for _, r := range rules {
			if !r.Enabled {
				continue
			}
			out = append(out, applyRule(r, id, c, p)...)
		}
	}
	return out
}

// growth is the change from a to b in percent; +Inf when a is 0 and b is not.
func growth(a, b float64) float64 {
	if a == 0 {
		if b == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return (b - a) * 100 / a
}

func applyRule(r Rule, id int64, c, p ReportData) []Flag {
	flag := func(before, after, change float64) []Flag {
		return []Flag{{ServiceID: id, Rule: r.Code, Before: before, After: after, Change: round1(change), Threshold: r.Threshold}}
	}
	switch r.Code {
	case RuleWaitingGrowth:
		if g := growth(float64(p.Waiting), float64(c.Waiting)); c.Waiting > p.Waiting && g > r.Threshold {
			return flag(float64(p.Waiting), float64(c.Waiting), g)
		}
	case RuleRefusalsRose:
		if g := growth(float64(p.Refused), float64(c.Refused)); c.Refused > p.Refused && g > r.Threshold {
			return flag(float64(p.Refused), float64(c.Refused), g)
		}
	case RuleUtilisationHigh:
		if c.Capacity > 0 && p.Capacity > 0 && c.Utilisation() > r.Threshold && p.Utilisation() > r.Threshold {
			return flag(round1(p.Utilisation()), round1(c.Utilisation()), c.Utilisation())
		}
	case RuleIncomeFell:
		var out []Flag
		for _, src := range IncomeSources {
			a, b := float64(p.Income[src]), float64(c.Income[src])
			if a > 0 && b < a && -growth(a, b) > r.Threshold {
				out = append(out, Flag{ServiceID: id, Rule: r.Code, Source: src, Before: a, After: b, Change: round1(growth(a, b)), Threshold: r.Threshold})
			}
		}
		return out
	case RuleStaffFell:
		a, b := p.FTE(), c.FTE()
		if a > 0 && b < a && -growth(a, b) > r.Threshold {
			return flag(round1(a), round1(b), growth(a, b))
		}
	}
	return nil
}

func round1(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	return math.Round(v*10) / 10
}

// ruleIndex orders flags like RuleCodes.
func ruleIndex(code string) int {
	for i, c := range RuleCodes {
		if c == code {
			return i
		}
	}
	return len(RuleCodes)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
