// Package storetest gives tests a fresh, migrated database on every engine:
// SQLite always, PostgreSQL too when KPSS_TEST_POSTGRES_DSN is set. Each
// PostgreSQL store lives in its own schema, dropped at the end, so packages
// can run in parallel.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kpss/internal/store"
)

// Engines returns the engines the tests run on.
func Engines() []string {
	if os.Getenv("KPSS_TEST_POSTGRES_DSN") != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Each runs fn as a subtest on each engine with a fresh migrated store.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) {
			fn(t, New(t, engine))
		})
	}
}

// New opens a fresh, migrated store on engine ("sqlite" or "postgres").
func New(t testing.TB, engine string) *store.DB {
	t.Helper()
	ctx := context.Background()
	var dsn string
	switch engine {
	case "sqlite":
		dsn = "sqlite:" + filepath.Join(t.TempDir(), "kpss.db")
	case "postgres":
		base := os.Getenv("KPSS_TEST_POSTGRES_DSN")
		if base == "" {
			t.Fatal("storetest: KPSS_TEST_POSTGRES_DSN is not set")
		}
		dsn = NewPostgresSchema(t, base)
	default:
		t.Fatalf("storetest: unknown engine %q", engine)
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", engine, err)
	}
	return db
}

// NewPostgresSchema creates an empty schema in the database of base and returns
// a DSN whose search_path points at it; the schema is dropped at cleanup.
func NewPostgresSchema(t testing.TB, base string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := store.Open(ctx, base)
	if err != nil {
		t.Fatalf("storetest: open postgres: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("storetest: drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: bad postgres DSN: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Name returns a readable name of the engine of db, for messages.
func Name(db *store.DB) string { return strings.ToUpper(fmt.Sprint(db.Dialect())) }
