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

// `kpss retention voice`: a dry run first, then the run, then nothing left.
func TestPlanVoiceRetentionCommand(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, day := range []string{"2021-03-01", "2025-11-20"} {
		d, _ := store.ParseDate(day)
		if _, err := db.Exec(ctx, `INSERT INTO voice_inputs (day, source, text, created_at, updated_at) VALUES (?, 'consultation', ?, ?, ?)`,
			d, "Paní Malá, malá@example.cz, chce delší provoz.", at, at); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	planClock = func() time.Time { return time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC) }
	defer func() { planClock = time.Now }()
	var out bytes.Buffer
	if err := run(ctx, []string{"retention", "voice", "-db", dsn, "-dry-run"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "zkouška") || !strings.Contains(out.String(), "2023-03-01") || !strings.Contains(out.String(), "would anonymise 1") {
		t.Fatalf("dry run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "voice", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "anonymised 1 (text se změnil u 1") {
		t.Fatalf("run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "voice", "-db", dsn, "-months", "1"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "anonymised 1") {
		t.Fatalf("shorter period: %v %s", err, out.String())
	}
	db, _ = openDB(ctx, dsn)
	defer db.Close()
	var left int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM voice_inputs WHERE text LIKE '%Malá%'`).Scan(&left)
	if left != 0 {
		t.Fatalf("%d inputs still name someone", left)
	}
}
