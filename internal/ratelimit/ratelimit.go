// Package ratelimit counts hits per key in the database, so that a limit
// holds across every replica of the server: sign-in attempts, anonymous
// public forms. Hits are counted in slots of a tenth of the window, so the
// sliding window is exact to a tenth (a hit leaves the count at most that
// much early) and a key costs at most eleven small rows.
package ratelimit

import (
	"context"
	"time"

	"kpss/internal/store"
)

// Limiter counts hits in the rate_limits table.
type Limiter struct {
	DB  *store.DB
	Now func() time.Time
}

// New returns a limiter over db.
func New(db *store.DB, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{DB: db, Now: now}
}

func slot(per time.Duration) time.Duration { return max(per/10, time.Second) }

// Count returns the number of hits of key in the window of length per
// ending now, and when the oldest of them leaves the window.
func (l *Limiter) count(ctx context.Context, key string, per time.Duration) (int, time.Time, error) {
	now := l.Now().UTC()
	from := now.Add(-per)
	// The slot holding from is partly outside: it is left out, which lets a
	// hit go a tenth of the window early at most.
	rows, err := l.DB.Query(ctx, `SELECT window_at, hits FROM rate_limits WHERE bucket = ? AND window_at > ?`, bucketKey(key, per), from)
	if err != nil {
		return 0, time.Time{}, err
	}
	defer rows.Close()
	var n int
	var oldest *time.Time
	for rows.Next() {
		var w time.Time
		var hits int
		if err := rows.Scan(&w, &hits); err != nil {
			return 0, time.Time{}, err
		}
		n += hits
		if oldest == nil || w.Before(*oldest) {
			oldest = &w
		}
	}
	if err := rows.Err(); err != nil {
		return 0, time.Time{}, err
	}
	free := now
	if oldest != nil {
		free = oldest.UTC().Add(per)
	}
	return n, free, nil
}

// Count returns the number of hits of key in the sliding window of length
// per ending now.
func (l *Limiter) Count(ctx context.Context, key string, per time.Duration) (int, error) {
	n, _, err := l.count(ctx, key, per)
	return n, err
}

// Check reports whether one more hit of key stays within max per window
// (it records nothing).
func (l *Limiter) Check(ctx context.Context, key string, max int, per time.Duration) (bool, error) {
	n, err := l.Count(ctx, key, per)
	return n+1 <= max, err
}

// Wait is how long until key may hit again under max per window (0: now).
func (l *Limiter) Wait(ctx context.Context, key string, max int, per time.Duration) (time.Duration, error) {
	n, free, err := l.count(ctx, key, per)
	if err != nil || n < max {
		return 0, err
	}
	return free.Sub(l.Now().UTC()), nil
}

// Hit records one hit of key.
func (l *Limiter) Hit(ctx context.Context, key string, per time.Duration) error {
	w := l.Now().UTC().Truncate(slot(per))
	_, err := l.DB.Exec(ctx, `INSERT INTO rate_limits (bucket, window_at, hits) VALUES (?, ?, 1)
		ON CONFLICT (bucket, window_at) DO UPDATE SET hits = rate_limits.hits + 1`, bucketKey(key, per), w)
	return err
}

// Allow records a hit of key and reports whether it was within max per
// window; a refused hit is recorded too (hammering does not reset the
// count).
func (l *Limiter) Allow(ctx context.Context, key string, max int, per time.Duration) (bool, error) {
	ok, err := l.Check(ctx, key, max, per)
	if err != nil {
		return true, err // a failing limiter does not lock people out
	}
	return ok, l.Hit(ctx, key, per)
}

// Reset forgets the hits of key (a successful sign-in).
func (l *Limiter) Reset(ctx context.Context, key string, per time.Duration) error {
	_, err := l.DB.Exec(ctx, `DELETE FROM rate_limits WHERE bucket = ?`, bucketKey(key, per))
	return err
}

// Purge deletes windows that ended before cutoff (they may name addresses).
func (l *Limiter) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	r, err := l.DB.Exec(ctx, `DELETE FROM rate_limits WHERE window_at < ?`, cutoff.UTC())
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// bucketKey keeps limits of one key with different windows apart.
func bucketKey(key string, per time.Duration) string { return key + "|" + per.String() }
