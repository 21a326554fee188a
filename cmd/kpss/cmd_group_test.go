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

// `kpss outbox` delivers what waits in the groups' outbox (here to the log,
// no SMTP server configured) and says so; a second run finds nothing.
func TestGroupOutboxCommand(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if _, err := db.Exec(ctx, `INSERT INTO work_groups (kind, code, name, created_at, updated_at) VALUES ('working', 'PS-SEN', 'PS Senioři', ?, ?)`, at, at); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO meetings (group_id, starts_at, ends_at, state, created_at, updated_at) VALUES (1, ?, ?, 'invited', ?, ?)`, at.AddDate(0, 0, 7), at.AddDate(0, 0, 7).Add(2*time.Hour), at, at); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"clen1@example.cz", "clen2@example.cz"} {
		if _, err := db.Exec(ctx, `INSERT INTO group_outbox (meeting_id, kind, recipient, message, state, next_at, created_at) VALUES (1, 'invitation', ?, ?, 'pending', ?, ?)`,
			to, `{"To":["`+to+`"],"Subject":"Pozvánka: PS-SEN","Text":"Dobrý den"}`, at, at); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	groupClock = func() time.Time { return at.Add(time.Hour) }
	defer func() { groupClock = time.Now }()
	var out bytes.Buffer
	if err := run(ctx, []string{"outbox", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "sent 2,") || !strings.Contains(out.String(), "queued 0") {
		t.Fatalf("run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"outbox", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "sent 0,") {
		t.Fatalf("second run: %v %s", err, out.String())
	}
}
