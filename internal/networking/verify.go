package networking

import (
	"errors"
	"fmt"
)

// Verify checks a schedule against its input: nobody twice in a round, no
// pair twice, no pair of one organisation or to be avoided, the tables held,
// the rounds balanced (sizes differ by at most one), the cap held, and every
// wished or must pair either scheduled or reported as unscheduled. It
// returns every violation found, joined.
func Verify(in Input, r *Result) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	org := map[string]string{}
	for _, p := range in.People {
		org[p.ID] = p.Org
	}
	key := func(a, b string) Pair {
		if a > b {
			a, b = b, a
		}
		return Pair{a, b}
	}
	avoid := map[Pair]bool{}
	for _, p := range in.Avoid {
		avoid[key(p[0], p[1])] = true
	}
	met := map[Pair]int{}
	for _, p := range in.Frozen {
		met[key(p[0], p[1])] = -1
	}
	tables := in.Tables
	minSize, maxSize := -1, 0
	for ri, round := range r.Rounds {
		seen := map[string]bool{}
		tabs := map[int]bool{}
		if tables > 0 && len(round) > tables {
			bad("round %d has %d pairs for %d tables", ri+1, len(round), tables)
		}
		if minSize < 0 || len(round) < minSize {
			minSize = len(round)
		}
		maxSize = max(maxSize, len(round))
		for _, m := range round {
			if _, ok := org[m.A]; !ok {
				bad("round %d: unknown %q", ri+1, m.A)
			}
			if _, ok := org[m.B]; !ok {
				bad("round %d: unknown %q", ri+1, m.B)
			}
			if m.A == m.B {
				bad("round %d: %q meets themself", ri+1, m.A)
			}
			for _, x := range []string{m.A, m.B} {
				if seen[x] {
					bad("round %d: %q twice", ri+1, x)
				}
				seen[x] = true
			}
			if m.Table < 1 || (tables > 0 && m.Table > tables) || tabs[m.Table] {
				bad("round %d: table %d out of range or taken twice", ri+1, m.Table)
			}
			tabs[m.Table] = true
			k := key(m.A, m.B)
			if met[k] != 0 {
				bad("pair %v meets twice", k)
			}
			met[k]++
			if org[m.A] != "" && org[m.A] == org[m.B] {
				bad("pair %v of one organisation %q", k, org[m.A])
			}
			if avoid[k] {
				bad("pair %v is to be avoided", k)
			}
		}
	}
	if maxSize-minSize > 1 && minSize >= 0 {
		bad("round sizes %d to %d differ by more than one", minSize, maxSize)
	}
	if in.Rounds > 0 && len(r.Rounds) > in.Rounds {
		bad("%d rounds for a cap of %d", len(r.Rounds), in.Rounds)
	}
	if len(r.Rounds) < r.LowerBound && len(r.Unscheduled) == 0 {
		bad("%d rounds below the lower bound %d", len(r.Rounds), r.LowerBound)
	}
	un := map[Pair]bool{}
	for _, u := range r.Unscheduled {
		k := key(u.Pair[0], u.Pair[1])
		if met[k] > 0 {
			bad("pair %v both scheduled and unscheduled", k)
		}
		un[k] = true
	}
	for _, list := range [][]Pair{in.Wishes, in.Must} {
		for _, p := range list {
			k := key(p[0], p[1])
			if met[k] == 0 && !un[k] {
				bad("wished pair %v neither scheduled nor reported", k)
			}
		}
	}
	return errors.Join(errs...)
}
