package store_test

import (
	"context"
	"testing"
	"time"

	"kpss/internal/store"
	"kpss/internal/storetest"
)

// Migration 0021 lets a suggestion wait without a municipality. On SQLite it
// rebuilds the table: run again over suggestions that have history, photos
// and a duplicate, it keeps every row and every link, and a suggestion
// without a municipality can be stored on both engines.
func TestMigrationUnlocatedKeepsSuggestions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		muni, err := store.InsertID(ctx, db, `INSERT INTO municipalities (name, kind, zuj, partner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			"Bělov", "municipality", "585092", true, now, now)
		if err != nil {
			t.Fatal(err)
		}
		cat, err := store.InsertID(ctx, db, `INSERT INTO suggestion_categories (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, "doprava", "Doprava", now, now)
		if err != nil {
			t.Fatal(err)
		}
		add := func(code string, muni any, dup any) int64 {
			id, err := store.InsertID(ctx, db, `INSERT INTO suggestions (code, text, category_id, municipality_id, source, state, duplicate_of, received_at, created_at, updated_at, lang)
				VALUES (?, ?, ?, ?, 'web', 'new', ?, ?, ?, ?, 'en')`, code, "Podnět "+code, cat, muni, dup, now, now, now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, `INSERT INTO suggestion_events (suggestion_id, at, kind, to_state) VALUES (?, ?, 'created', 'new')`, id, now); err != nil {
				t.Fatal(err)
			}
			return id
		}
		a := add("AAAA-1111", muni, nil)
		b := add("BBBB-2222", muni, a)
		if _, err := db.Exec(ctx, `INSERT INTO suggestion_photos (suggestion_id, content_type, data) VALUES (?, 'image/jpeg', ?)`, b, []byte{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == store.SQLite {
			ms, err := store.Migrations(store.SQLite)
			if err != nil {
				t.Fatal(err)
			}
			var sql string
			for _, m := range ms {
				if m.Version == 21 {
					sql = m.SQL
				}
			}
			if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, sql); return err }); err != nil {
				t.Fatalf("rebuild over data: %v", err)
			}
		}
		c := add("CCCC-3333", nil, nil)
		var n, events, photos, dups int
		var lang string
		if err := db.QueryRow(ctx, `SELECT COUNT(*), MIN(lang) FROM suggestions`).Scan(&n, &lang); err != nil {
			t.Fatal(err)
		}
		db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestion_events`).Scan(&events)
		db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestion_photos WHERE suggestion_id = ?`, b).Scan(&photos)
		db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions WHERE duplicate_of = ?`, a).Scan(&dups)
		if n != 3 || events != 3 || photos != 1 || dups != 1 || lang != "en" {
			t.Errorf("after the migration: %d suggestions, %d events, %d photos, %d duplicates, lang %q", n, events, photos, dups, lang)
		}
		var unlocated int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions WHERE municipality_id IS NULL`).Scan(&unlocated)
		if unlocated != 1 || c == 0 {
			t.Errorf("%d suggestions without a municipality, want 1", unlocated)
		}
		// Foreign keys still hold: a suggestion of a municipality that does
		// not exist is refused.
		if _, err := db.Exec(ctx, `INSERT INTO suggestions (code, text, category_id, municipality_id, source, state, received_at, created_at, updated_at)
			VALUES ('DDDD-4444', 'x', ?, 999999, 'web', 'new', ?, ?, ?)`, cat, now, now, now); err == nil {
			t.Error("a suggestion of an unknown municipality was stored")
		}
		if db.Dialect() == store.SQLite {
			rows, err := db.Query(ctx, `PRAGMA foreign_key_check`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			if rows.Next() {
				t.Error("foreign_key_check reports a broken link after the rebuild")
			}
		}
	})
}
