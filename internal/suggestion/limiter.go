package suggestion

import (
	"context"

	"kpss/internal/ratelimit"
	"sync"
	"time"
)

// Limiter allows at most N events per key (an IP address) in a sliding
// window. With Shared set the events are counted in the database, so the
// limit holds across every replica; without, in this process's memory.
type Limiter struct {
	N      int
	Window time.Duration
	Now    func() time.Time // replaceable in tests
	Shared *ratelimit.Limiter

	mu   sync.Mutex
	hits map[string][]time.Time
}

// NewLimiter returns a limiter of n events per window.
func NewLimiter(n int, window time.Duration) *Limiter {
	return &Limiter{N: n, Window: window, Now: time.Now, hits: map[string][]time.Time{}}
}

// Check reports whether key may do one more event now, and if not, in how
// many seconds it may. It does not count the event (Add does).
func (l *Limiter) Check(key string) (bool, int) {
	if l.Shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		ok, err := l.Shared.Check(ctx, "suggestion-form:"+key, l.N, l.Window)
		if err == nil {
			if ok {
				return true, 0
			}
			wait, _ := l.Shared.Wait(ctx, "suggestion-form:"+key, l.N, l.Window)
			return false, int(wait.Seconds()) + 1
		}
		// The database failing: fall back to this process's count.
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	hs := l.prune(key, now)
	if len(hs) < l.N {
		return true, 0
	}
	wait := int(hs[0].Add(l.Window).Sub(now).Seconds()) + 1
	return false, wait
}

// Add counts one event of key.
func (l *Limiter) Add(key string) {
	if l.Shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if l.Shared.Hit(ctx, "suggestion-form:"+key, l.Window) == nil {
			return
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	l.hits[key] = append(l.prune(key, now), now)
	// Forget idle keys now and then, so the map does not grow forever.
	if len(l.hits) > 10000 {
		for k := range l.hits {
			if len(l.prune(k, now)) == 0 {
				delete(l.hits, k)
			}
		}
	}
}

func (l *Limiter) prune(key string, now time.Time) []time.Time {
	hs := l.hits[key]
	i := 0
	for i < len(hs) && !hs[i].After(now.Add(-l.Window)) {
		i++
	}
	hs = hs[i:]
	l.hits[key] = hs
	return hs
}
