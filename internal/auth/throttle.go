package auth

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Throttle counts failed sign-ins per account: after Max failures within
// Window, further attempts are refused until the oldest failure ages out.
type Throttle struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewThrottle returns the default throttle: 5 failures a minute.
func NewThrottle(now func() time.Time) *Throttle {
	return &Throttle{Max: 5, Window: time.Minute, Now: now, failures: map[string][]time.Time{}}
}

func (t *Throttle) recent(key string) []time.Time {
	cut := t.Now().Add(-t.Window)
	kept := t.failures[key][:0]
	for _, at := range t.failures[key] {
		if at.After(cut) {
			kept = append(kept, at)
		}
	}
	if len(kept) == 0 {
		delete(t.failures, key)
	} else {
		t.failures[key] = kept
	}
	return kept
}

// Blocked reports whether key is blocked now, and for how long.
func (t *Throttle) Blocked(key string) (bool, time.Duration) {
	key = strings.ToLower(key)
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.recent(key)
	if len(r) < t.Max {
		return false, 0
	}
	wait := r[len(r)-t.Max].Add(t.Window).Sub(t.Now())
	if wait < time.Second {
		wait = time.Second
	}
	return true, wait
}

// Fail records a failed attempt for key.
func (t *Throttle) Fail(key string) {
	key = strings.ToLower(key)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failures[key] = append(t.recent(key), t.Now())
}

// Reset forgets the failures of key (after a successful sign-in).
func (t *Throttle) Reset(key string) {
	key = strings.ToLower(key)
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, key)
}

// Sign-in throttling: with Service.Limits set, the failures are counted in
// the database, so that five failures a minute hold across every replica
// (an attacker spreading guesses over replicas gains nothing); without it,
// or while the database fails, in this process's Throttle.

func signinKey(login string) string { return "signin:" + strings.ToLower(login) }

func (s *Service) throttled(ctx context.Context, login string) (bool, time.Duration) {
	if s.Limits != nil {
		ok, err := s.Limits.Check(ctx, signinKey(login), s.Throttle.Max, s.Throttle.Window)
		if err == nil {
			if ok {
				return false, 0
			}
			wait, _ := s.Limits.Wait(ctx, signinKey(login), s.Throttle.Max, s.Throttle.Window)
			return true, max(wait, time.Second)
		}
	}
	return s.Throttle.Blocked(login)
}

func (s *Service) failed(ctx context.Context, login string) {
	if s.Limits != nil && s.Limits.Hit(ctx, signinKey(login), s.Throttle.Window) == nil {
		return
	}
	s.Throttle.Fail(login)
}

func (s *Service) succeeded(ctx context.Context, login string) {
	if s.Limits != nil {
		_ = s.Limits.Reset(ctx, signinKey(login), s.Throttle.Window)
	}
	s.Throttle.Reset(login)
}
