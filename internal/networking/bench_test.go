package networking

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkSchedule1000x20 plans 1 000 people with 20 wishes each (about
// 20 000 pairs) from 60 organisations, with 100 tables.
func BenchmarkSchedule1000x20(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	in := randomInstance(rng, 1000, 60, 20)
	in.Must, in.Avoid = nil, nil
	in.Tables = 500
	b.ReportAllocs()
	var r *Result
	for b.Loop() {
		var err error
		if r, err = Schedule(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Rounds)), "rounds")
	b.ReportMetric(float64(r.LowerBound), "bound")
}

// BenchmarkRandom50 schedules 1 000 random 50-person instances and reports
// the share that reaches the lower bound.
func BenchmarkRandom50(b *testing.B) {
	for b.Loop() {
		rng := rand.New(rand.NewPCG(11, 12))
		at, over := 0, 0
		for i := 0; i < 1000; i++ {
			in := randomInstance(rng, 50, 2+rng.IntN(20), 1+rng.IntN(10))
			in.Tables = []int{0, 20, 12}[i%3]
			r, err := Schedule(in)
			if err != nil {
				b.Fatal(err)
			}
			if len(r.Rounds) == r.LowerBound {
				at++
			} else {
				over++
			}
		}
		b.ReportMetric(float64(at)/10, "%at_bound")
		b.ReportMetric(float64(over), "above")
	}
}
