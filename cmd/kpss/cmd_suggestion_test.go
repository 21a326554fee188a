package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/demo"
	"kpss/internal/partner"
	"kpss/internal/server"
	"kpss/internal/store"
)

// The coordinator imports a year of suggestions from Excel (saved as CSV):
// a bad file is refused with a line-by-line report and imports nothing; the
// corrected one imports; retention with a dry run first.
func TestSuggestionImportAndRetentionCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "cli.db")
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil {
		_, err = demo.Load(ctx, demo.Deps{DB: db, Auth: srv.Auth(), Partners: partner.NewService(db, audit.New(), time.Now), Now: time.Now}, "demo-heslo-2026")
	}
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions`).Scan(&n)
		return n
	}
	before := count()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("received_at;text;category;municipality\n2020-02-03;Chybí lavička;Doprava;Otrokovice\n2020-02-04;Rozbitý chodník;Doprava;Kroměříž\n"), 0o600)
	var out bytes.Buffer
	err = run(ctx, []string{"import", "suggestions", "-db", dsn, bad}, nil, &out, io.Discard)
	if err == nil || !strings.Contains(out.String(), "řádek 3: neznámá obec „Kroměříž“") || count() != before {
		t.Fatalf("bad import: err %v, stored %d\n%s", err, count()-before, out.String())
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("received_at;text;category;municipality;state;closed_at;answer\n2020-02-03;Chybí lavička;Doprava;Otrokovice;vyřešeno;2020-02-20;Lavička osazena\n"), 0o600)
	out.Reset()
	if err := run(ctx, []string{"import", "suggestions", "-db", dsn, good}, nil, &out, io.Discard); err != nil || count() != before+1 {
		t.Fatalf("good import: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "-db", dsn, "-dry-run", "-months", "36"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "zkouška") {
		t.Fatalf("dry run: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"retention", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "anonymizováno") {
		t.Fatalf("retention: %v %s", err, out.String())
	}
	var left int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestions WHERE closed_at < ? AND contact_email <> ''`, time.Now().AddDate(-3, 0, 0)).Scan(&left)
	if left != 0 {
		t.Errorf("%d old suggestions keep an e-mail", left)
	}
	out.Reset()
	if err := run(ctx, []string{"generate", "suggestions", "-db", dsn, "-n", "1200"}, nil, &out, io.Discard); err != nil || count() != before+1+1200 {
		t.Fatalf("generate: %v %s", err, out.String())
	}
	// The statistics' tallies rebuilt from the suggestions are the ones kept
	// up to date by every change.
	sum := func() (n int64) {
		db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM suggestion_tallies WHERE unit = 'd' AND kind = 'received' AND dim = 'category'`).Scan(&n)
		return n
	}
	kept := sum()
	out.Reset()
	if err := run(ctx, []string{"rebuild", "suggestions", "-db", dsn}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "souhrny přepočítány") {
		t.Fatalf("rebuild: %v %s", err, out.String())
	}
	if got := sum(); got != kept || got != int64(count()) {
		t.Errorf("received in the tallies: kept %d, rebuilt %d, suggestions %d", kept, got, count())
	}
	_ = store.Paging{}
}
