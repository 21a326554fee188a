package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"kpss/internal/ratelimit"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// Five answers an hour from one address: the sixth is refused, also when
// it comes to another replica (another limiter on the same database), and
// the limit frees up as the sliding window moves on.
func TestLimitAcrossReplicas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
		now := func() time.Time { return clock }
		a, b := ratelimit.New(db, now), ratelimit.New(db, now)
		for i := range 5 {
			l := a
			if i%2 == 1 {
				l = b
			}
			if ok, err := l.Allow(ctx, "survey:10.0.0.1", 5, time.Hour); err != nil || !ok {
				t.Fatalf("hit %d refused: %v", i+1, err)
			}
		}
		if ok, _ := b.Allow(ctx, "survey:10.0.0.1", 5, time.Hour); ok {
			t.Fatal("the sixth hit within the hour was allowed")
		}
		if ok, _ := a.Allow(ctx, "survey:10.0.0.2", 5, time.Hour); !ok {
			t.Fatal("another address was refused")
		}
		// Sixty minutes on, the first hits leave the window, one slot at a time.
		if w, _ := a.Wait(ctx, "survey:10.0.0.1", 5, time.Hour); w != time.Hour {
			t.Errorf("wait %v, want an hour (all hits in one slot)", w)
		}
		clock = clock.Add(59 * time.Minute)
		if ok, _ := a.Check(ctx, "survey:10.0.0.1", 5, time.Hour); ok {
			t.Error("free again before the hour passed")
		}
		clock = clock.Add(time.Minute)
		if n, _ := a.Count(ctx, "survey:10.0.0.1", time.Hour); n != 0 {
			t.Errorf("count %d an hour on, want 0", n)
		}
		if ok, _ := a.Check(ctx, "survey:10.0.0.1", 5, time.Hour); !ok {
			t.Error("still refused after the hour")
		}
		a.Hit(ctx, "survey:10.0.0.1", time.Hour)
		if err := a.Reset(ctx, "survey:10.0.0.1", time.Hour); err != nil {
			t.Fatal(err)
		}
		if n, _ := a.Count(ctx, "survey:10.0.0.1", time.Hour); n != 0 {
			t.Errorf("after reset %v", n)
		}
		if n, err := a.Purge(ctx, clock); err != nil || n != 1 { // 10.0.0.2's slot
			t.Errorf("purge: %d %v", n, err)
		}
	})
}

// BenchmarkAllow: one check and hit of a limit (a public form's submit).
func BenchmarkAllow(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			db := storetest.New(b, engine)
			l := ratelimit.New(db, nil)
			ctx := context.Background()
			for i := range b.N {
				if _, err := l.Allow(ctx, "bench:"+string(rune('a'+i%20)), 1000000, time.Hour); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
