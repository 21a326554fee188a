package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// `kpss retention people`: a dry run names the count, the run anonymises,
// a second run finds nobody.
func TestPeopleRetentionCommand(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
	for i, archived := range []bool{true, false} {
		var when *time.Time
		if archived {
			when = &at
		}
		if _, err := db.Exec(ctx, `INSERT INTO people (name, email, archived, archived_at, search, sort_key, created_at, updated_at) VALUES (?, ?, ?, ?, '', '', ?, ?)`,
			[]string{"Alena Archivovaná", "Ivo Činný"}[i], "osoba@example.cz", archived, when, at, at); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	partnerClock = func() time.Time { return time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC) }
	defer func() { partnerClock = time.Now }()
	var out bytes.Buffer
	if err := run(ctx, []string{"retention", "people", "-db", dsn, "-dry-run"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "zkouška") || !strings.Contains(out.String(), "2023-03-01") || !strings.Contains(out.String(), "would anonymise 1") {
		t.Fatalf("dry run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "people", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "anonymised 1") {
		t.Fatalf("run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "people", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "anonymised 0") {
		t.Fatalf("second run: %v %s", err, out.String())
	}
	db, _ = openDB(ctx, dsn)
	defer db.Close()
	var names string
	db.QueryRow(ctx, `SELECT name || '|' || email FROM people WHERE archived ORDER BY id`).Scan(&names)
	if names != "Anonymizovaná osoba|" {
		t.Fatalf("archived person now %q", names)
	}
}
