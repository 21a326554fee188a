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

// `kpss retention workshops`: a dry run counts, the run erases the
// registration of a workshop held three years ago, a second run finds none.
func TestWorkshopRetentionCommand(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2023, 2, 1, 9, 0, 0, 0, time.UTC)
	if _, err := db.Exec(ctx, `INSERT INTO workshops (id, topic, state, created_at, updated_at) VALUES (1, 'Motivace uživatelů', 'held', ?, ?)`, at, at); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO workshop_blocks (workshop_id, starts_at, ends_at, code) VALUES (1, ?, ?, '123456')`, at, at.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO workshop_registrations (workshop_id, name, email, audience, needs, state, token, person_key, created_at, updated_at)
		VALUES (1, 'Věra Mikulová', 'vera@example.cz', 'carer', 'vozík', 'confirmed', 't1', 'e:vera@example.cz', ?, ?)`, at, at); err != nil {
		t.Fatal(err)
	}
	db.Close()
	workshopClock = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	defer func() { workshopClock = time.Now }()
	var out bytes.Buffer
	if err := run(ctx, []string{"retention", "workshops", "-db", dsn, "-dry-run"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "would erase 1") {
		t.Fatalf("dry run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "workshops", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "erased 1") {
		t.Fatalf("run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "workshops", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "erased 0") {
		t.Fatalf("second run: %v %s", err, out.String())
	}
}
