package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kpss/internal/account"
	"kpss/internal/audit"
	"kpss/internal/auth"
	"kpss/internal/demo"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

const demoPassword = "demo-heslo-2026"

// fastArgon keeps sign-ins cheap in tests; production uses auth.DefaultArgon2.
var fastArgon = auth.Argon2Params{Time: 1, Memory: 64, Threads: 1}

type testEnv struct {
	t   testing.TB
	srv *Server
	db  *store.DB
	ids demoIDs
}

type demoIDs struct {
	charita, otherOrg, otrokovice, social, seniors, person, targetUser int64
}

// newTestEnv starts a server on a fresh database of engine with the demo region.
func newTestEnv(t testing.TB, engine string) *testEnv {
	t.Helper()
	var db *store.DB
	if engine == "sqlite" {
		db = sqliteDemoCopy(t)
	} else {
		db = storetest.New(t, engine)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(Deps{DB: db, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv.Auth().Argon = fastArgon
	ctx := context.Background()
	if engine != "sqlite" {
		if _, err := demo.Load(ctx, demo.Deps{DB: db, Auth: srv.Auth(), Partners: partner.NewService(db, audit.New(), time.Now), Now: time.Now}, demoPassword); err != nil {
			t.Fatal(err)
		}
	}
	e := &testEnv{t: t, srv: srv, db: db}
	id := func(q string, args ...any) int64 {
		var v int64
		if err := db.QueryRow(ctx, q, args...).Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	e.ids = demoIDs{
		charita:    id(`SELECT id FROM organisations WHERE name = ?`, "Charita sv. Anežky Otrokovice"),
		otherOrg:   id(`SELECT id FROM organisations WHERE name = ?`, "Naděje Otrokovice"),
		otrokovice: id(`SELECT id FROM municipalities WHERE name = ?`, "Otrokovice"),
		social:     id(`SELECT id FROM departments WHERE name = ?`, "Odbor sociálních věcí"),
		seniors:    id(`SELECT id FROM target_groups WHERE code = ?`, "SEN"),
		person:     id(`SELECT id FROM people ORDER BY id LIMIT 1`),
	}
	u, err := srv.Auth().CreateUser(ctx, auth.UserInput{Login: "cil-testu", Role: auth.RoleMember, Active: true}, "heslo-pro-test-1", false)
	if err != nil {
		t.Fatal(err)
	}
	e.ids.targetUser = u.ID
	return e
}

// The SQLite demo database is built once per test binary and copied for
// each test: loading every module's demo data takes far longer than copying
// a file, and most of this package's tests start from the demo region.
var sqliteDemo struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// sqliteDemoCopy returns a fresh SQLite database holding the demo region.
func sqliteDemoCopy(t testing.TB) *store.DB {
	t.Helper()
	sqliteDemo.once.Do(func() {
		sqliteDemo.dir, sqliteDemo.err = os.MkdirTemp("", "kpss-demo-")
		if sqliteDemo.err != nil {
			return
		}
		sqliteDemo.path = filepath.Join(sqliteDemo.dir, "demo.db")
		sqliteDemo.err = buildSQLiteDemo(sqliteDemo.path)
	})
	if sqliteDemo.err != nil {
		t.Fatalf("demo database: %v", sqliteDemo.err)
	}
	path := filepath.Join(t.TempDir(), "kpss.db")
	src, err := os.ReadFile(sqliteDemo.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func buildSQLiteDemo(path string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		return err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return err
	}
	srv, err := New(Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		db.Close()
		return err
	}
	srv.Auth().Argon = fastArgon
	if _, err := demo.Load(ctx, demo.Deps{DB: db, Auth: srv.Auth(), Partners: partner.NewService(db, audit.New(), time.Now), Now: time.Now}, demoPassword); err != nil {
		db.Close()
		return err
	}
	// One file, no write-ahead log beside it, so that a plain copy is whole.
	if _, err := db.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sqliteDemo.dir != "" {
		os.RemoveAll(sqliteDemo.dir)
	}
	os.Exit(code)
}

// session signs login in and returns its session cookie.
func (e *testEnv) session(login string) *http.Cookie {
	e.t.Helper()
	token, _, err := e.srv.Auth().SignIn(context.Background(), login, demoPassword, "127.0.0.1", "test")
	if err != nil {
		e.t.Fatalf("sign in %s: %v", login, err)
	}
	return &http.Cookie{Name: account.SessionCookie, Value: token}
}

// token creates an API token for login.
func (e *testEnv) token(login string) string {
	e.t.Helper()
	u, err := e.srv.Auth().FindUserByLogin(context.Background(), login)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.srv.Auth().CreateToken(context.Background(), u.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// do sends a same-origin request (as a browser form would) and returns the answer.
func (e *testEnv) do(method, target string, form url.Values, c *http.Cookie) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

func storetestEngines() []string { return storetest.Engines() }

// deliver runs the shared outbox once, as the worker of `kpss serve` would:
// the e-mails the requests so far queued go to the server's mail sender.
func (e *testEnv) deliver() {
	e.t.Helper()
	if _, err := e.srv.Env().Outbox.Process(context.Background()); err != nil {
		e.t.Fatalf("outbox: %v", err)
	}
}

// runOutboxWorker runs the outbox worker as under `kpss serve` until the
// test ends (browser tests, where mail must arrive on its own).
func runOutboxWorker(t testing.TB, srv *Server) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Env().Outbox.Run(ctx, 100*time.Millisecond)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}
