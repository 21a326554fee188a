package networking

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

func ids(n int) []Person {
	ps := make([]Person, n)
	for i := range ps {
		ps[i] = Person{ID: fmt.Sprintf("p%d", i), Org: fmt.Sprintf("o%d", i)}
	}
	return ps
}

func complete(n int) Input {
	in := Input{People: ids(n)}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			in.Wishes = append(in.Wishes, Pair{in.People[i].ID, in.People[j].ID})
		}
	}
	return in
}

func mustSchedule(t *testing.T, in Input) *Result {
	t.Helper()
	r, err := Schedule(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(in, r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCompleteGraphs(t *testing.T) {
	for n := 2; n <= 16; n++ {
		r := mustSchedule(t, complete(n))
		want := n - 1
		if n%2 == 1 {
			want = n
		}
		if len(r.Rounds) != want || !r.Optimal || len(r.Unscheduled) != 0 {
			t.Errorf("K_%d: %d rounds (want %d), optimal %v, unscheduled %d", n, len(r.Rounds), want, r.Optimal, len(r.Unscheduled))
		}
		if n%2 == 1 {
			// Each sits out exactly one round.
			byes := map[string]int{}
			for _, round := range r.Rounds {
				in := map[string]bool{}
				for _, m := range round {
					in[m.A], in[m.B] = true, true
				}
				for _, p := range ids(n) {
					if !in[p.ID] {
						byes[p.ID]++
					}
				}
			}
			for _, p := range ids(n) {
				if byes[p.ID] != 1 {
					t.Errorf("K_%d: %s sits out %d rounds", n, p.ID, byes[p.ID])
				}
			}
		}
	}
	for _, n := range []int{50, 51} {
		r := mustSchedule(t, complete(n))
		if want := n - 1 + n%2; len(r.Rounds) != want || !r.Optimal {
			t.Errorf("K_%d: %d rounds, want %d", n, len(r.Rounds), want)
		}
	}
}

func TestStar(t *testing.T) {
	in := Input{People: ids(9)}
	for i := 1; i < 9; i++ {
		in.Wishes = append(in.Wishes, Pair{"p0", in.People[i].ID})
	}
	r := mustSchedule(t, in)
	if len(r.Rounds) != 8 || r.LowerBound != 8 || !r.Optimal {
		t.Fatalf("star: %d rounds, bound %d, optimal %v", len(r.Rounds), r.LowerBound, r.Optimal)
	}
	for _, round := range r.Rounds {
		if len(round) != 1 || round[0].Table != 1 {
			t.Fatalf("star round %v", round)
		}
	}
}

// The Petersen graph has Δ = 3 and needs 4 colours; the exact search proves it.
func TestPetersenProvenOptimal(t *testing.T) {
	in := Input{People: ids(10)}
	add := func(a, b int) { in.Wishes = append(in.Wishes, Pair{in.People[a].ID, in.People[b].ID}) }
	for i := 0; i < 5; i++ {
		add(i, (i+1)%5)
		add(i, i+5)
		add(5+i, 5+(i+2)%5)
	}
	r := mustSchedule(t, in)
	if len(r.Rounds) != 4 || r.LowerBound != 3 || !r.Optimal {
		t.Fatalf("Petersen: %d rounds, bound %d, optimal %v", len(r.Rounds), r.LowerBound, r.Optimal)
	}
}

func randomInstance(rng *rand.Rand, n, orgs, perPerson int) Input {
	in := Input{People: make([]Person, n)}
	for i := range in.People {
		in.People[i] = Person{ID: fmt.Sprintf("u%02d", i), Org: fmt.Sprintf("org%d", rng.IntN(orgs))}
	}
	for i := 0; i < n; i++ {
		for w := 0; w < perPerson; w++ {
			j := rng.IntN(n)
			if j == i {
				continue
			}
			p := Pair{in.People[i].ID, in.People[j].ID}
			switch x := rng.IntN(20); {
			case x == 0:
				in.Must = append(in.Must, p)
			case x == 1:
				in.Avoid = append(in.Avoid, p)
			default:
				in.Wishes = append(in.Wishes, p)
			}
		}
	}
	// A must that is also avoided is bad input: drop such avoids.
	must := map[Pair]bool{}
	for _, p := range in.Must {
		must[p], must[Pair{p[1], p[0]}] = true, true
	}
	avoid := in.Avoid[:0]
	for _, p := range in.Avoid {
		if !must[p] {
			avoid = append(avoid, p)
		}
	}
	in.Avoid = avoid
	return in
}

func TestRandomInstances(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	atBound, total := 0, 0
	for i := 0; i < 300; i++ {
		in := randomInstance(rng, 50, 2+rng.IntN(20), 1+rng.IntN(8))
		in.Tables = []int{0, 25, 12, 8}[i%4]
		r := mustSchedule(t, in)
		tables := r.Tables
		if len(r.Rounds) < r.LowerBound {
			t.Fatalf("instance %d: %d rounds below bound %d", i, len(r.Rounds), r.LowerBound)
		}
		if limit := max(r.Delta+1, (r.Edges+tables-1)/tables); len(r.Rounds) > limit {
			t.Fatalf("instance %d: %d rounds above max(Δ+1, ⌈E/T⌉) = %d", i, len(r.Rounds), limit)
		}
		for _, u := range r.Unscheduled {
			if u.Reason == ReasonRounds {
				t.Fatalf("instance %d: %v left out without a cap", i, u)
			}
		}
		if r.Optimal != (len(r.Rounds) == r.LowerBound) && !(r.Optimal && len(r.Rounds) == r.LowerBound+1) {
			t.Fatalf("instance %d: optimal %v with %d rounds, bound %d", i, r.Optimal, len(r.Rounds), r.LowerBound)
		}
		total++
		if len(r.Rounds) == r.LowerBound {
			atBound++
		}
	}
	t.Logf("%d of %d random instances at the lower bound", atBound, total)
	if atBound*10 < total*9 {
		t.Errorf("only %d of %d at the bound", atBound, total)
	}
}

func TestBipartiteReachesBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		// Providers × municipalities: each wish joins the two sides.
		np := 10 + rng.IntN(30)
		nm := 50 - np
		in := Input{Tables: []int{0, 20, 10, 6}[i%4]}
		for j := 0; j < np; j++ {
			in.People = append(in.People, Person{ID: fmt.Sprintf("p%d", j), Org: fmt.Sprintf("prov%d", j%7)})
		}
		for j := 0; j < nm; j++ {
			in.People = append(in.People, Person{ID: fmt.Sprintf("m%d", j), Org: fmt.Sprintf("town%d", j)})
		}
		for j := 0; j < np*(1+rng.IntN(10)); j++ {
			in.Wishes = append(in.Wishes, Pair{fmt.Sprintf("p%d", rng.IntN(np)), fmt.Sprintf("m%d", rng.IntN(nm))})
		}
		r := mustSchedule(t, in)
		if len(r.Rounds) != r.LowerBound || !r.Optimal {
			t.Fatalf("bipartite instance %d: %d rounds, bound %d (Δ %d, %d pairs, %d tables)", i, len(r.Rounds), r.LowerBound, r.Delta, r.Edges, r.Tables)
		}
	}
}

func TestCapKeepsMustAndMutualFirst(t *testing.T) {
	in := Input{People: ids(6), Rounds: 2}
	// p0 wants everyone; p0–p5 must meet, p0–p4 is mutual.
	for i := 1; i < 6; i++ {
		in.Wishes = append(in.Wishes, Pair{"p0", in.People[i].ID})
	}
	in.Wishes = append(in.Wishes, Pair{"p4", "p0"})
	in.Must = []Pair{{"p5", "p0"}}
	r := mustSchedule(t, in)
	if len(r.Rounds) != 2 || r.Optimal {
		t.Fatalf("%d rounds, optimal %v", len(r.Rounds), r.Optimal)
	}
	got := map[Pair]Kind{}
	for _, round := range r.Rounds {
		for _, m := range round {
			got[Pair{m.A, m.B}], got[Pair{m.B, m.A}] = m.Kind, m.Kind
		}
	}
	if got[Pair{"p0", "p5"}] != KindMust || got[Pair{"p0", "p4"}] != KindMutual {
		t.Fatalf("must and mutual pairs not both kept: %v", r.Rounds)
	}
	if len(r.Unscheduled) != 3 {
		t.Fatalf("unscheduled %v", r.Unscheduled)
	}
	for _, u := range r.Unscheduled {
		if u.Reason != ReasonRounds || u.Kind != KindWish {
			t.Fatalf("unscheduled %v", u)
		}
	}
}

func TestImpossibleMustReported(t *testing.T) {
	in := Input{People: []Person{{"a", "X"}, {"b", "X"}, {"c", "Y"}}, Must: []Pair{{"a", "b"}, {"a", "c"}}, Wishes: []Pair{{"b", "c"}}, Avoid: []Pair{{"c", "b"}}}
	r := mustSchedule(t, in)
	reasons := map[Pair]string{}
	for _, u := range r.Unscheduled {
		reasons[u.Pair] = u.Reason
	}
	if reasons[Pair{"a", "b"}] != ReasonSameOrg || reasons[Pair{"b", "c"}] != ReasonAvoid || len(r.Rounds) != 1 {
		t.Fatalf("rounds %v, unscheduled %v", r.Rounds, r.Unscheduled)
	}
}

func TestBadInput(t *testing.T) {
	people := []Person{{"a", ""}, {"b", ""}}
	for name, in := range map[string]Input{
		"unknown":    {People: people, Wishes: []Pair{{"a", "z"}}},
		"self":       {People: people, Wishes: []Pair{{"a", "a"}}},
		"must+avoid": {People: people, Must: []Pair{{"a", "b"}}, Avoid: []Pair{{"b", "a"}}},
		"duplicate":  {People: append(people, Person{"a", ""})},
		"negative":   {People: people, Tables: -1},
		"empty id":   {People: []Person{{"", ""}}},
	} {
		_, err := Schedule(in)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Msg == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFrozenPairsNotRepeated(t *testing.T) {
	in := complete(6)
	in.Frozen = []Pair{{"p0", "p1"}, {"p2", "p3"}, {"p4", "p5"}}
	r := mustSchedule(t, in)
	if len(r.Rounds) != 4 || r.Edges != 12 {
		t.Fatalf("%d rounds for the 12 pairs left", len(r.Rounds))
	}
}

func TestTablesKeptWhenPossible(t *testing.T) {
	// p0 meets p1..p4 in turn: p0 never changes table.
	in := Input{People: ids(5)}
	for i := 1; i < 5; i++ {
		in.Wishes = append(in.Wishes, Pair{"p0", in.People[i].ID})
	}
	r := mustSchedule(t, in)
	for _, round := range r.Rounds {
		if round[0].Table != 1 {
			t.Fatalf("p0 moved: %v", r.Rounds)
		}
	}
}

// Odd cycles need three rounds though Δ = 2: n people fill only ⌊n/2⌋
// tables, so the bound is ⌈n / ⌊n/2⌋⌉ = 3.
func TestOddCycleProvenOptimal(t *testing.T) {
	for _, n := range []int{3, 5, 7, 9} {
		in := Input{People: ids(n)}
		for i := 0; i < n; i++ {
			in.Wishes = append(in.Wishes, Pair{in.People[i].ID, in.People[(i+1)%n].ID})
		}
		r := mustSchedule(t, in)
		if len(r.Rounds) != 3 || r.LowerBound != 3 || !r.Optimal {
			t.Errorf("C_%d: %d rounds, bound %d, optimal %v", n, len(r.Rounds), r.LowerBound, r.Optimal)
		}
	}
}

// Few tables: the bound is ⌈pairs / tables⌉ and the rounds reach it.
func TestTablesBind(t *testing.T) {
	in := complete(6)
	in.Tables = 2
	r := mustSchedule(t, in)
	if len(r.Rounds) != 8 || r.LowerBound != 8 || !r.Optimal {
		t.Fatalf("K_6 at 2 tables: %d rounds, bound %d", len(r.Rounds), r.LowerBound)
	}
	for _, round := range r.Rounds {
		if len(round) < 1 || len(round) > 2 {
			t.Fatalf("round of %d pairs", len(round))
		}
	}
}
