// Package ratelimit counts hits per key in the database, so that a limit
// holds across every replica of the server: sign-in attempts, anonymous
// public forms. A limit of max hits per window is checked over the current
// and the previous fixed window, weighted by how much of the previous one
// still overlaps the sliding window (a burst at a window's edge does not
// get through twice).
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

func windowOf(t time.Time, per time.Duration) time.Time { return t.UTC().Truncate(per) }

// Count returns the weighted number of hits of key in the sliding window
// of length per ending now.
func (l *Limiter) Count(ctx context.Context, key string, per time.Duration) (float64, error) {
	now := l.Now().UTC()
	cur := windowOf(now, per)
	prev := cur.Add(-per)
	rows, err := l.DB.Query(ctx, `SELECT window_at, hits FROM rate_limits WHERE bucket = ? AND window_at IN (?, ?)`, bucketKey(key, per), cur, prev)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n float64
	overlap := 1 - float64(now.Sub(cur))/float64(per)
	for rows.Next() {
		var w time.Time
		var hits int
		if err := rows.Scan(&w, &hits); err != nil {
			return 0, err
		}
		if w.UTC().Equal(cur) {
			n += float64(hits)
		} else {
			n += float64(hits) * overlap
		}
	}
	return n, rows.Err()
}

// Check reports whether one more hit of key stays within max per window
// (it records nothing).
func (l *Limiter) Check(ctx context.Context, key string, max int, per time.Duration) (bool, error) {
	n, err := l.Count(ctx, key, per)
	return n+1 <= float64(max), err
}

// Hit records one hit of key.
func (l *Limiter) Hit(ctx context.Context, key string, per time.Duration) error {
	w := windowOf(l.Now(), per)
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
