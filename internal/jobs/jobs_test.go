package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kpss/internal/jobs"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// Two replicas with the same jobs: a due job runs on one of them only, it
// is not run again before Every has passed, and a failure is recorded.
func TestJobRunsOnceAcrossReplicas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		var digests, broken atomic.Int32
		list := []jobs.Job{
			{Name: "digest", Every: time.Hour, Run: func(context.Context) error { digests.Add(1); time.Sleep(20 * time.Millisecond); return nil }},
			{Name: "broken", Every: time.Hour, Run: func(context.Context) error { broken.Add(1); return errors.New("SMTP nedostupné") }},
			{Name: "worker", Worker: true, Run: func(context.Context) error { t.Error("a worker job ran as scheduled"); return nil }},
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a, b := jobs.New(db, log, now, list), jobs.New(db, log, now, list)
		a.Holder, b.Holder = "a", "b"
		var wg sync.WaitGroup
		for _, s := range []*jobs.Scheduler{a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); s.RunDue(ctx) }()
		}
		wg.Wait()
		if digests.Load() != 1 || broken.Load() != 1 {
			t.Fatalf("digest ran %d×, broken %d× (want once each)", digests.Load(), broken.Load())
		}
		mu.Lock()
		clock = clock.Add(30 * time.Minute)
		mu.Unlock()
		a.RunDue(ctx)
		b.RunDue(ctx)
		if digests.Load() != 1 {
			t.Fatalf("ran again before an hour passed")
		}
		mu.Lock()
		clock = clock.Add(31 * time.Minute)
		mu.Unlock()
		b.RunDue(ctx)
		if digests.Load() != 2 {
			t.Fatalf("not run when due again: %d", digests.Load())
		}
		st, err := a.Statuses(ctx)
		if err != nil || len(st) != 2 {
			t.Fatalf("statuses: %+v %v", st, err)
		}
		for _, s := range st {
			switch s.Name {
			case "broken":
				if s.Runs != 2 || s.Failures != 2 || s.LastError != "SMTP nedostupné" {
					t.Errorf("broken: %+v", s)
				}
			case "digest":
				if s.Runs != 2 || s.Failures != 0 || s.Running {
					t.Errorf("digest: %+v", s)
				}
			}
		}
	})
}

// A replica that died holding a job's lease gives it up when the lease ends.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		now := func() time.Time { return clock }
		j := jobs.Job{Name: "retention", Every: 24 * time.Hour, Run: func(context.Context) error { return nil }}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		dead, live := jobs.New(db, log, now, []jobs.Job{j}), jobs.New(db, log, now, []jobs.Job{j})
		if ok, _ := dead.Claim(ctx, j); !ok {
			t.Fatal("first claim failed")
		}
		if ok, _ := live.Claim(ctx, j); ok {
			t.Fatal("claimed a held lease")
		}
		clock = clock.Add(jobs.Lease + time.Minute)
		if n, err := live.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("expired lease not taken over: %d %v", n, err)
		}
	})
}
