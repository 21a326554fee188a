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

// `kpss outbox` delivers what waits in the shared outbox, whichever module
// queued it (here to the log, no SMTP server configured), and says so; a
// second run finds nothing.
func TestOutboxCommand(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "cli.db")
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i, to := range []string{"clen1@example.cz", "clen2@example.cz", "poskytovatel@example.cz"} {
		module := "group"
		if i == 2 {
			module = "plan"
		}
		if _, err := db.Exec(ctx, `INSERT INTO outbox (module, kind, ref, recipient, message, state, next_at, created_at) VALUES (?, 'invitation', 'x:1', ?, ?, 'pending', ?, ?)`,
			module, to, `{"To":["`+to+`"],"Subject":"Pozvánka","Text":"Dobrý den"}`, at, at); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	outboxClock = func() time.Time { return at.Add(time.Hour) }
	defer func() { outboxClock = time.Now }()
	var out bytes.Buffer
	if err := run(ctx, []string{"outbox", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "sent 3,") || !strings.Contains(out.String(), "queued 0") {
		t.Fatalf("run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"outbox", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "sent 0,") {
		t.Fatalf("second run: %v %s", err, out.String())
	}
}
