// Package stamp keeps a generation number per topic ("municipality",
// "catalog_service" …) in the database: every audited change bumps the
// generation of its entity in the change's own transaction, so a cache keyed
// by the generations it depends on is right on every replica at once,
// without the replicas talking to each other.
package stamp

import (
	"context"
	"sort"

	"kpss/internal/store"
)

type localKey struct{}

// Bump raises topic's generation when q's transaction commits (at once
// when q is the database). The topics a transaction touches are written
// once each, just before the commit, in a fixed order (no deadlock between
// two transactions bumping the same topics).
func Bump(ctx context.Context, q store.Q, topic string) error {
	tx, ok := q.(*store.Tx)
	if !ok {
		return upsert(ctx, q, []string{topic})
	}
	first := false
	set := tx.Local(localKey{}, func() any { first = true; return map[string]bool{} }).(map[string]bool)
	set[topic] = true
	if first {
		tx.BeforeCommit(func(ctx context.Context) error {
			topics := make([]string, 0, len(set))
			for t := range set {
				topics = append(topics, t)
			}
			sort.Strings(topics)
			return upsert(ctx, tx, topics)
		})
	}
	return nil
}

func upsert(ctx context.Context, q store.Q, topics []string) error {
	for _, t := range topics {
		if _, err := q.Exec(ctx, `INSERT INTO stamps (topic, gen) VALUES (?, 1) ON CONFLICT (topic) DO UPDATE SET gen = stamps.gen + 1`, t); err != nil {
			return err
		}
	}
	return nil
}

// Sum returns the sum of the generations of topics (it grows whenever one
// of them changes): one query.
func Sum(ctx context.Context, q store.Q, topics ...string) (int64, error) {
	if len(topics) == 0 {
		return 0, nil
	}
	args := make([]any, len(topics))
	for i, t := range topics {
		args[i] = t
	}
	var n int64
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(gen), 0) FROM stamps WHERE topic IN (`+store.Placeholders(len(topics))+`)`, args...).Scan(&n)
	return n, err
}

// Total returns the sum of every topic's generation: it grows with any
// audited change at all (the public page cache's version). One query.
func Total(ctx context.Context, q store.Q) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(gen), 0) FROM stamps`).Scan(&n)
	return n, err
}

// SumSQL is Sum as a scalar subquery with its arguments, to add to another
// query (a cache's version in the same round trip).
func SumSQL(topics ...string) (string, []any) {
	args := make([]any, len(topics))
	for i, t := range topics {
		args[i] = t
	}
	return `(SELECT COALESCE(SUM(gen), 0) FROM stamps WHERE topic IN (` + store.Placeholders(len(topics)) + `))`, args
}
