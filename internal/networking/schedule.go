package networking

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// The scheduler: who meets whom at which table in which round.
//
// A schedule is a proper edge colouring of the wish graph: people are
// vertices, the pairs that should meet are edges, a round is a colour (a
// matching: nobody twice in a round) and each edge gets exactly one colour
// (no pair twice). A round holds at most Tables pairs. The number of rounds
// is at least the lower bound max(Δ, ⌈|E|/tables⌉) (Δ: the most meetings one
// person wants; tables capped at ⌊n/2⌋, what n people can fill).
//
// How it is built:
//   - edges are inserted one by one with Δ colours, by a Kempe-chain swap when
//     no colour is free at both ends; in a bipartite graph such a swap always
//     succeeds (König's theorem), so bipartite wish graphs reach Δ;
//   - the edges this leaves are coloured by Misra–Gries with Δ + 1 colours,
//     so a general graph never needs more than Δ + 1;
//   - then the extra colour is emptied by local search (Kempe moves), and a
//     small instance that still needs Δ + 1 is searched exactly, which either
//     finds Δ rounds or proves that Δ is impossible;
//   - the round-robin circle method is a candidate too (n − 1 rounds for even
//     n, n for odd n), best for dense wishes;
//   - finally the rounds are made equitable (their sizes differ by at most
//     one, swapping two-coloured paths), which also holds the table capacity,
//     and tables are numbered so that people keep their table when they can.
//
// With a cap on rounds the most important pairs go first: must-meet, then
// mutual wishes, then one-sided ones; what does not fit is reported.

// Kind says why a pair meets; a higher kind is scheduled first under a cap.
type Kind int

// Kinds of meetings.
const (
	KindWish   Kind = 1 // one of them asked
	KindMutual Kind = 2 // both asked for each other
	KindMust   Kind = 3 // must meet
)

func (k Kind) String() string {
	switch k {
	case KindMust:
		return "must"
	case KindMutual:
		return "mutual"
	}
	return "wish"
}

// Person is one participant for the scheduler: an id and an organisation
// (people of the same organisation never meet; "" is no organisation).
type Person struct {
	ID  string
	Org string
}

// Pair is an unordered pair of ids.
type Pair [2]string

// Input is one scheduling problem.
type Input struct {
	People []Person
	// Wishes are pairs one (or, listed twice, both) of them want; Must the
	// pairs that have to meet; Avoid the pairs that must not.
	Wishes, Must, Avoid []Pair
	// Tables is the number of tables (pairs per round); 0 is as many as
	// the people can fill.
	Tables int
	// Rounds caps the number of rounds; 0 is no cap.
	Rounds int
	// Frozen are meetings already held (a re-plan after a no-show): these
	// pairs are not scheduled again.
	Frozen []Pair
}

// Meeting is one pair at one table in one round.
type Meeting struct {
	A, B  string
	Table int // 1-based
	Kind  Kind
}

// Reasons a pair is not scheduled.
const (
	ReasonSameOrg = "same_org" // both from the same organisation
	ReasonAvoid   = "avoid"    // one of them does not want to meet the other
	ReasonRounds  = "rounds"   // does not fit in the capped number of rounds
	ReasonHeld    = "held"     // they already met in a held round
)

// Unscheduled is a wished pair left out, with the reason.
type Unscheduled struct {
	Pair   Pair
	Kind   Kind
	Reason string
}

// Result is a schedule.
type Result struct {
	// Rounds lists each round's meetings by table.
	Rounds [][]Meeting
	// LowerBound is max(Δ, ⌈|E|/tables⌉) over the pairs that may meet.
	LowerBound int
	// Optimal is true when no schedule of all those pairs has fewer rounds:
	// the rounds reach the lower bound, or an exact search proved that the
	// bound cannot be reached (then rounds = bound + 1).
	Optimal bool
	// Unscheduled lists the wished and must pairs that are not in Rounds.
	Unscheduled []Unscheduled
	// Delta and Edges describe the graph of the pairs that may meet.
	Delta, Edges int
	// Tables is the number of tables used for the bound.
	Tables int
}

// InputError is bad input, with a Czech message.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErr(format string, a ...any) error { return &InputError{fmt.Sprintf(format, a...)} }

type edge struct {
	u, v int
	kind Kind
}

func pairKey(a, b int) [2]int {
	if a > b {
		a, b = b, a
	}
	return [2]int{a, b}
}

// Schedule plans the rounds. Errors: *InputError for an unknown id, a pair of
// a person with themself, a must-meet pair that is also to be avoided, a
// duplicate or empty id.
func Schedule(in Input) (*Result, error) {
	idx := make(map[string]int, len(in.People))
	for _, p := range in.People {
		if strings.TrimSpace(p.ID) == "" {
			return nil, inputErr("Účastník nemá identifikátor (id).")
		}
		if _, dup := idx[p.ID]; dup {
			return nil, inputErr("Účastník %q je uveden dvakrát.", p.ID)
		}
		idx[p.ID] = len(idx)
	}
	if in.Tables < 0 || in.Rounds < 0 {
		return nil, inputErr("Počet stolů a kol nesmí být záporný.")
	}
	resolve := func(list string, ps []Pair) ([][2]int, error) {
		out := make([][2]int, 0, len(ps))
		for _, p := range ps {
			a, ok := idx[p[0]]
			if !ok {
				return nil, inputErr("Neznámý účastník %q v seznamu %s.", p[0], list)
			}
			b, ok := idx[p[1]]
			if !ok {
				return nil, inputErr("Neznámý účastník %q v seznamu %s.", p[1], list)
			}
			if a == b {
				return nil, inputErr("Dvojice %q s %q v seznamu %s: účastník se nemůže setkat sám se sebou.", p[0], p[1], list)
			}
			out = append(out, pairKey(a, b))
		}
		return out, nil
	}
	wishes, err := resolve("wishes", in.Wishes)
	if err != nil {
		return nil, err
	}
	must, err := resolve("must", in.Must)
	if err != nil {
		return nil, err
	}
	avoid, err := resolve("avoid", in.Avoid)
	if err != nil {
		return nil, err
	}
	frozen, err := resolve("frozen", in.Frozen)
	if err != nil {
		return nil, err
	}
	avoided := map[[2]int]bool{}
	for _, k := range avoid {
		avoided[k] = true
	}
	held := map[[2]int]bool{}
	for _, k := range frozen {
		held[k] = true
	}
	kinds := map[[2]int]Kind{}
	var order [][2]int
	for _, k := range wishes {
		switch kinds[k] {
		case 0:
			kinds[k] = KindWish
			order = append(order, k)
		case KindWish:
			kinds[k] = KindMutual
		}
	}
	for _, k := range must {
		if avoided[k] {
			return nil, inputErr("Dvojice %q a %q se má setkat (must) a zároveň se nemá setkat (avoid).", in.People[k[0]].ID, in.People[k[1]].ID)
		}
		if kinds[k] == 0 {
			order = append(order, k)
		}
		kinds[k] = KindMust
	}
	n := len(in.People)
	res := &Result{Rounds: [][]Meeting{}, Unscheduled: []Unscheduled{}}
	var edges []edge
	for _, k := range order {
		pair := Pair{in.People[k[0]].ID, in.People[k[1]].ID}
		switch {
		case held[k]:
			// Met already; not a wish left open.
		case in.People[k[0]].Org != "" && in.People[k[0]].Org == in.People[k[1]].Org:
			res.Unscheduled = append(res.Unscheduled, Unscheduled{pair, kinds[k], ReasonSameOrg})
		case avoided[k]:
			res.Unscheduled = append(res.Unscheduled, Unscheduled{pair, kinds[k], ReasonAvoid})
		default:
			edges = append(edges, edge{k[0], k[1], kinds[k]})
		}
	}
	deg := make([]int, n)
	for _, e := range edges {
		deg[e.u]++
		deg[e.v]++
	}
	delta := 0
	for _, d := range deg {
		delta = max(delta, d)
	}
	tables := n / 2
	if in.Tables > 0 {
		tables = min(in.Tables, tables)
	}
	res.Delta, res.Edges, res.Tables = delta, len(edges), tables
	if len(edges) == 0 {
		res.Optimal = true
		return res, nil
	}
	if tables == 0 {
		tables = 1
	}
	lb := max(delta, ceilDiv(len(edges), tables))
	res.LowerBound = lb

	rng := rand.New(rand.NewPCG(20261208, uint64(n)*1000003+uint64(len(edges))))
	c, proven := bestColouring(n, edges, delta, rng)
	k := max(c.used(), ceilDiv(len(edges), tables))
	optimal := k == lb || (proven && lb == delta && k == delta+1)
	if in.Rounds > 0 && k > in.Rounds {
		// Too many rounds: keep the most important pairs in the cap.
		c, res.Unscheduled = cappedColouring(n, edges, in.Rounds, tables, deg, rng, res.Unscheduled, in.People)
		k = in.Rounds
		optimal = false
	}
	c.equalize(k)
	res.Rounds = c.rounds(k, in.People)
	res.Optimal = optimal
	return res, nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// colouring is a proper partial edge colouring with up to kmax colours, of
// which the first k are in use.
type colouring struct {
	n, kmax, k int
	edges      []edge
	col        []int // colour of each edge, -1 uncoloured
	at         []int // at[v*kmax+c]: the edge of colour c at v, -1 none
	rng        *rand.Rand
}

func newColouring(n int, edges []edge, kmax int, rng *rand.Rand) *colouring {
	c := &colouring{n: n, kmax: kmax, k: kmax, edges: edges, col: make([]int, len(edges)), at: make([]int, n*kmax), rng: rng}
	for i := range c.col {
		c.col[i] = -1
	}
	for i := range c.at {
		c.at[i] = -1
	}
	return c
}

func (c *colouring) other(e, x int) int {
	if c.edges[e].u == x {
		return c.edges[e].v
	}
	return c.edges[e].u
}

func (c *colouring) free(v, col int) bool { return c.at[v*c.kmax+col] < 0 }

func (c *colouring) set(e, col int) {
	c.col[e] = col
	c.at[c.edges[e].u*c.kmax+col] = e
	c.at[c.edges[e].v*c.kmax+col] = e
}

func (c *colouring) unset(e int) {
	col := c.col[e]
	if col < 0 {
		return
	}
	c.at[c.edges[e].u*c.kmax+col] = -1
	c.at[c.edges[e].v*c.kmax+col] = -1
	c.col[e] = -1
}

// used is the number of colours that have an edge (colours are compacted).
func (c *colouring) used() int {
	seen := make([]bool, c.kmax)
	n := 0
	for _, col := range c.col {
		if col >= 0 && !seen[col] {
			seen[col] = true
			n++
		}
	}
	return n
}

// chain returns the edges of the path starting at x whose colours alternate
// first, second, first … (x must miss colour second).
func (c *colouring) chain(x, first, second int, buf []int) []int {
	buf = buf[:0]
	cur, other := first, second
	for {
		e := c.at[x*c.kmax+cur]
		if e < 0 || (len(buf) > 0 && e == buf[0]) {
			return buf
		}
		buf = append(buf, e)
		x = c.other(e, x)
		cur, other = other, cur
	}
}

// swapChain swaps colours a and b along the chain starting at x with an
// a-edge (x misses b); it returns the last vertex of the chain.
func (c *colouring) swapChain(x, a, b int, buf []int) ([]int, int) {
	buf = c.chain(x, a, b, buf)
	cols := make([]int, len(buf))
	for i, e := range buf {
		cols[i] = c.col[e]
		c.unset(e)
	}
	end := x
	for i, e := range buf {
		if cols[i] == a {
			c.set(e, b)
		} else {
			c.set(e, a)
		}
		end = c.other(e, end)
	}
	return buf, end
}

// chainEnd returns the last vertex of the chain from x alternating a, b.
func (c *colouring) chainEnd(x, a, b int) int {
	cur, other := a, b
	start := -1
	for {
		e := c.at[x*c.kmax+cur]
		if e < 0 || e == start {
			return x
		}
		if start < 0 {
			start = e
		}
		x = c.other(e, x)
		cur, other = other, cur
	}
}

// insert colours edge e with one of the first k colours, swapping one Kempe
// chain when needed; false when no swap helps.
func (c *colouring) insert(e int, buf []int) bool {
	u, v := c.edges[e].u, c.edges[e].v
	var fu, fv []int
	for col := 0; col < c.k; col++ {
		a, b := c.free(u, col), c.free(v, col)
		if a && b {
			c.set(e, col)
			return true
		}
		if a {
			fu = append(fu, col)
		}
		if b {
			fv = append(fv, col)
		}
	}
	for _, a := range fu {
		for _, b := range fv {
			// The a/b chain from v starts with v's a-edge; unless it ends at
			// u, swapping it frees a at v while a stays free at u.
			if c.chainEnd(v, a, b) != u {
				c.swapChain(v, a, b, buf)
				c.set(e, a)
				return true
			}
			if c.chainEnd(u, b, a) != v {
				c.swapChain(u, b, a, buf)
				c.set(e, b)
				return true
			}
		}
	}
	return false
}

func (c *colouring) hasFree(x int) bool {
	for col := 0; col < c.k; col++ {
		if c.free(x, col) {
			return true
		}
	}
	return false
}

// shake swaps a random Kempe chain at x (keeps the colouring proper).
func (c *colouring) shake(x int, buf []int) {
	if c.k < 2 {
		return
	}
	a := c.rng.IntN(c.k)
	b := c.rng.IntN(c.k - 1)
	if b >= a {
		b++
	}
	if !c.free(x, b) {
		a, b = b, a
	}
	if !c.free(x, b) {
		// x has both colours: the chain through x is a path or a cycle;
		// swap the part from x's a-edge when it is a path from elsewhere.
		e := c.at[x*c.kmax+a]
		y := c.other(e, x)
		if c.free(y, b) {
			c.swapChain(y, a, b, buf)
		}
		return
	}
	c.swapChain(x, a, b, buf)
}

// insertHard tries insert, shaking the neighbourhood when it fails.
func (c *colouring) insertHard(e int, tries int, buf []int) bool {
	if c.insert(e, buf) {
		return true
	}
	u, v := c.edges[e].u, c.edges[e].v
	if !c.hasFree(u) || !c.hasFree(v) {
		return false
	}
	for i := 0; i < tries; i++ {
		x := u
		if i%2 == 1 {
			x = v
		}
		// Shake at the ends or at a neighbour of them.
		if c.rng.IntN(3) == 0 {
			if col := c.rng.IntN(c.k); !c.free(x, col) {
				x = c.other(c.at[x*c.kmax+col], x)
			}
		}
		c.shake(x, buf)
		if c.insert(e, buf) {
			return true
		}
	}
	return false
}

// misraGries colours the uncoloured edge e with kmax = Δ+1 colours; it
// always succeeds (Misra & Gries 1992).
func (c *colouring) misraGries(e int, buf []int) {
	u, v := c.edges[e].u, c.edges[e].v
	// The maximal fan of u starting at v: fan[i] are edges at u, fan[0] = e.
	fan := []int{e}
	verts := []int{v}
	inFan := map[int]bool{v: true}
	for {
		last := verts[len(verts)-1]
		grown := false
		for col := 0; col < c.kmax; col++ {
			if !c.free(last, col) {
				continue
			}
			f := c.at[u*c.kmax+col]
			if f < 0 {
				continue
			}
			w := c.other(f, u)
			if inFan[w] {
				continue
			}
			fan = append(fan, f)
			verts = append(verts, w)
			inFan[w] = true
			grown = true
			break
		}
		if !grown {
			break
		}
	}
	cu, dl := -1, -1
	last := verts[len(verts)-1]
	for col := 0; col < c.kmax; col++ {
		if cu < 0 && c.free(u, col) {
			cu = col
		}
		if dl < 0 && c.free(last, col) {
			dl = col
		}
	}
	if cu != dl && !c.free(u, dl) {
		// Invert the cd-path from u (it starts with u's d-edge).
		c.swapChain(u, dl, cu, buf)
	}
	d := dl
	// The first w of the fan with d free whose prefix is still a fan.
	w := -1
	for i := range verts {
		if i > 0 {
			// fan property: colour of fan[i] free on verts[i-1]
			if !c.free(verts[i-1], c.col[fan[i]]) {
				break
			}
		}
		if c.free(verts[i], d) {
			w = i
			break
		}
	}
	if w < 0 {
		panic("networking: Misra–Gries found no fan vertex")
	}
	cols := make([]int, w)
	for i := 0; i < w; i++ {
		cols[i] = c.col[fan[i+1]]
	}
	for i := 1; i <= w; i++ {
		c.unset(fan[i])
	}
	for i := 0; i < w; i++ {
		c.set(fan[i], cols[i])
	}
	c.set(fan[w], d)
}

// compact renumbers the colours in use to 0 … used-1.
func (c *colouring) compact() {
	m := make([]int, c.kmax)
	for i := range m {
		m[i] = -1
	}
	next := 0
	for _, col := range c.col {
		if col >= 0 && m[col] < 0 {
			m[col] = next
			next++
		}
	}
	cols := slices.Clone(c.col)
	for e := range c.col {
		c.unset(e)
	}
	for e, col := range cols {
		if col >= 0 {
			c.set(e, m[col])
		}
	}
}

// bestColouring colours all edges with as few colours as it can find; proven
// is true when Δ colours were shown to be impossible.
func bestColouring(n int, edges []edge, delta int, rng *rand.Rand) (*colouring, bool) {
	c := newColouring(n, edges, delta+1, rng)
	c.k = delta
	buf := make([]int, 0, 64)
	order := make([]int, len(edges))
	for i := range order {
		order[i] = i
	}
	var left []int
	for _, e := range order {
		if !c.insertHard(e, 8, buf) {
			left = append(left, e)
		}
	}
	if len(left) > 0 {
		c.k = delta + 1
		for _, e := range left {
			if !c.insert(e, buf) {
				c.misraGries(e, buf)
			}
		}
		// Local search: empty the extra colour into the first Δ.
		for attempt := 0; attempt < 30 && c.classSize(delta) > 0; attempt++ {
			var extra []int
			for e, col := range c.col {
				if col == delta {
					extra = append(extra, e)
				}
			}
			c.k = delta
			for _, e := range extra {
				c.unset(e)
				if !c.insertHard(e, 40, buf) {
					c.set(e, delta) // stays in the extra round
				}
			}
			c.k = delta + 1
		}
	}
	proven := false
	if c.classSize(delta) > 0 {
		if alt := circle(n, edges, rng); alt != nil && alt.used() < c.used() {
			c = alt
		}
	}
	if c.used() > delta && len(edges) <= exactLimit {
		if ex, ok := exact(n, edges, delta, rng); ex != nil {
			c = ex
		} else if ok {
			proven = true
		}
	}
	c.compact()
	return c, proven
}

func (c *colouring) classSize(col int) int {
	n := 0
	for _, x := range c.col {
		if x == col {
			n++
		}
	}
	return n
}

// circle is the round-robin circle method restricted to the edges: person
// n-1 (or a ghost for odd n) stays, the others rotate.
func circle(n int, edges []edge, rng *rand.Rand) *colouring {
	m := n
	if m%2 == 1 {
		m++
	}
	rounds := m - 1
	id := make(map[[2]int]int, len(edges))
	for i, e := range edges {
		id[pairKey(e.u, e.v)] = i
	}
	c := newColouring(n, edges, max(rounds, 1), rng)
	for r := 0; r < rounds; r++ {
		pairUp := func(a, b int) {
			if a >= n || b >= n {
				return
			}
			if e, ok := id[pairKey(a, b)]; ok {
				c.set(e, r)
			}
		}
		pairUp(r, m-1)
		for i := 1; i < m/2; i++ {
			pairUp((r+i)%(m-1), (r-i+m-1)%(m-1))
		}
	}
	c.compact()
	return c
}

// exactLimit is the largest number of pairs searched exactly.
const exactLimit = 45

// exact searches a Δ-colouring by backtracking: it returns one, or nil and
// true when none exists, or nil and false when the search gave up.
func exact(n int, edges []edge, delta int, rng *rand.Rand) (*colouring, bool) {
	c := newColouring(n, edges, delta, rng)
	// Order: the edges of the busiest people first, neighbours together.
	order := make([]int, len(edges))
	for i := range order {
		order[i] = i
	}
	deg := make([]int, n)
	for _, e := range edges {
		deg[e.u]++
		deg[e.v]++
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(deg[edges[b].u]+deg[edges[b].v], deg[edges[a].u]+deg[edges[a].v])
	})
	budget := 3_000_000
	var rec func(i, maxCol int) bool
	rec = func(i, maxCol int) bool {
		if i == len(order) {
			return true
		}
		budget--
		if budget < 0 {
			return false
		}
		e := order[i]
		u, v := edges[e].u, edges[e].v
		// Colours above maxCol+1 are symmetric: try only one new colour.
		for col := 0; col < delta && col <= maxCol+1; col++ {
			if c.free(u, col) && c.free(v, col) {
				c.set(e, col)
				if rec(i+1, max(maxCol, col)) {
					return true
				}
				c.unset(e)
				if budget < 0 {
					return false
				}
			}
		}
		return false
	}
	if rec(0, -1) {
		return c, true
	}
	return nil, budget >= 0
}

// cappedColouring schedules as many pairs as fit in rounds × tables, the
// most important first.
func cappedColouring(n int, edges []edge, rounds, tables int, deg []int, rng *rand.Rand, un []Unscheduled, people []Person) (*colouring, []Unscheduled) {
	order := make([]int, len(edges))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if d := cmp.Compare(edges[b].kind, edges[a].kind); d != 0 {
			return d
		}
		return cmp.Compare(deg[edges[a].u]+deg[edges[a].v], deg[edges[b].u]+deg[edges[b].v])
	})
	c := newColouring(n, edges, rounds, rng)
	buf := make([]int, 0, 64)
	placed := 0
	for _, e := range order {
		if placed < rounds*tables && c.insertHard(e, 20, buf) {
			placed++
			continue
		}
		un = append(un, Unscheduled{Pair{people[edges[e].u].ID, people[edges[e].v].ID}, edges[e].kind, ReasonRounds})
	}
	return c, un
}

// equalize makes k rounds whose sizes differ by at most one: while the
// largest round a has two pairs more than the smallest b, an a/b path with
// more a-edges exists; swapping it moves one pair from a to b.
func (c *colouring) equalize(k int) {
	if k > c.kmax {
		// Widen the palette.
		nc := newColouring(c.n, c.edges, k, c.rng)
		for e, col := range c.col {
			if col >= 0 {
				nc.set(e, col)
			}
		}
		*c = *nc
	}
	c.k = k
	size := make([]int, k)
	for _, col := range c.col {
		if col >= 0 {
			size[col]++
		}
	}
	buf := make([]int, 0, 64)
	for {
		a, b := 0, 0
		for i := range size {
			if size[i] > size[a] {
				a = i
			}
			if size[i] < size[b] {
				b = i
			}
		}
		if size[a]-size[b] <= 1 {
			return
		}
		// A path end with an a-edge and no b-edge whose path ends in an
		// a-edge too has one more a than b.
		done := false
		for x := 0; x < c.n && !done; x++ {
			if c.free(x, a) || !c.free(x, b) {
				continue
			}
			chain := c.chain(x, a, b, buf)
			if len(chain)%2 == 1 {
				c.swapChain(x, a, b, buf)
				size[a]--
				size[b]++
				done = true
			}
		}
		if !done {
			return // cannot happen; keep what we have
		}
	}
}

// rounds lists the meetings of each of the k rounds with table numbers:
// a person keeps the previous round's table when it is free.
func (c *colouring) rounds(k int, people []Person) [][]Meeting {
	byRound := make([][]int, k)
	for e, col := range c.col {
		if col >= 0 {
			byRound[col] = append(byRound[col], e)
		}
	}
	// Larger rounds first, then a stable order.
	slices.SortStableFunc(byRound, func(a, b []int) int { return cmp.Compare(len(b), len(a)) })
	lastTable := make([]int, c.n)
	out := make([][]Meeting, 0, k)
	for _, es := range byRound {
		if len(es) == 0 {
			continue
		}
		taken := make([]bool, len(es)+2)
		table := make([]int, len(es))
		for i, e := range es {
			for _, x := range []int{c.edges[e].u, c.edges[e].v} {
				if t := lastTable[x]; t > 0 && t <= len(es) && !taken[t] && table[i] == 0 {
					table[i] = t
					taken[t] = true
				}
			}
		}
		next := 1
		for i := range es {
			if table[i] == 0 {
				for taken[next] {
					next++
				}
				table[i] = next
				taken[next] = true
			}
		}
		ms := make([]Meeting, len(es))
		for i, e := range es {
			ed := c.edges[e]
			lastTable[ed.u], lastTable[ed.v] = table[i], table[i]
			ms[i] = Meeting{A: people[ed.u].ID, B: people[ed.v].ID, Table: table[i], Kind: ed.kind}
		}
		slices.SortFunc(ms, func(a, b Meeting) int { return cmp.Compare(a.Table, b.Table) })
		out = append(out, ms)
	}
	return out
}

// ReasonText says in Czech why a pair is left out.
func ReasonText(u Unscheduled) string {
	who := fmt.Sprintf("%s a %s", u.Pair[0], u.Pair[1])
	switch u.Reason {
	case ReasonSameOrg:
		return who + " jsou ze stejné organizace; ti se na seznamce nepotkávají."
	case ReasonAvoid:
		return who + ": jeden z nich si setkání nepřeje."
	case ReasonHeld:
		return who + " se už setkali v odehraném kole."
	}
	if u.Kind == KindMust {
		return who + " se mají setkat, ale do povoleného počtu kol se setkání nevejde (jeden z nich má víc povinných setkání než kol, nebo nestačí stoly)."
	}
	return who + ": do povoleného počtu kol se setkání nevešlo; přednost dostala povinná a vzájemná přání."
}
