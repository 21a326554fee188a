package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kpss/internal/store"
)

// `kpss retention grant`: contacts of applications decided over ten years
// ago are erased, a dry run first; newer ones stay.
func TestGrantRetentionCommand(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)
	org, err := store.InsertID(ctx, db, `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES ('Charita', 'provider', ?, ?)`, at, at)
	if err != nil {
		t.Fatal(err)
	}
	for i, decided := range []store.Date{store.NewDate(2014, 4, 20), store.NewDate(2024, 4, 20)} {
		call, err := store.InsertID(ctx, db, `INSERT INTO grant_calls (year, title, budget, max_request, scale_max, apply_from, apply_until, decision_date, created_at, updated_at)
			VALUES (?, 'Výzva', 1000, 500, 5, ?, ?, ?, ?, ?)`, 2014+10*i, decided, decided, decided, at, at)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO grant_applications (call_id, organisation_id, state, contact_name, contact_email, created_at, updated_at)
			VALUES (?, ?, 'passed', 'Jana Malá', 'mala@example.cz', ?, ?)`, call, org, at, at); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	grantClock = func() time.Time { return time.Date(2026, time.December, 8, 12, 0, 0, 0, time.UTC) }
	defer func() { grantClock = time.Now }()
	var out bytes.Buffer
	if err := run(ctx, []string{"retention", "grant", "-db", dsn, "-dry-run"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "would be erased from 1 applications") {
		t.Fatalf("dry run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "grant", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "erased from 1 applications") {
		t.Fatalf("run: %v %s", err, out.String())
	}
	db, _ = openDB(ctx, dsn)
	defer db.Close()
	var left int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM grant_applications WHERE contact_name = 'Jana Malá'`).Scan(&left)
	if left != 1 {
		t.Errorf("%d contacts left, want the 2024 one", left)
	}
}
