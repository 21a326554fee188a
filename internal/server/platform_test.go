package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/mail"
	"kpss/internal/outbox"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// /readyz says ready on a migrated database; /metrics answers loopback and
// the token's holder, and is a 404 page to anyone else; every answer
// carries a request id, the proxy's when it sent a plain one.
func TestReadinessMetricsAndRequestIDs(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	if rec := e.do("GET", "/readyz", nil, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "ready") {
		t.Fatalf("readyz: %d %s", rec.Code, rec.Body.String())
	}
	e.do("GET", "/healthz", nil, nil)
	e.do("GET", "/katalog", nil, nil)

	get := func(remote, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = remote
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		return rec
	}
	if rec := get("203.0.113.5:4000", ""); rec.Code != http.StatusNotFound {
		t.Errorf("metrics to a stranger: %d", rec.Code)
	}
	rec := get("127.0.0.1:4000", "")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `kpss_http_requests_total{route="GET /healthz",method="GET",code="2xx"} 1`) ||
		!strings.Contains(body, `kpss_http_request_duration_seconds_count{route="GET /katalog"}`) ||
		!strings.Contains(body, "# TYPE kpss_job_runs_total counter") {
		t.Fatalf("metrics on loopback: %d\n%s", rec.Code, body)
	}
	e.srv.SetMetricsToken("tajny-token-pro-prometheus")
	if rec := get("203.0.113.5:4000", "Bearer tajny-token-pro-prometheus"); rec.Code != 200 {
		t.Errorf("metrics with the token: %d", rec.Code)
	}
	if rec := get("203.0.113.5:4000", "Bearer spatny"); rec.Code != http.StatusNotFound {
		t.Errorf("metrics with a wrong token: %d", rec.Code)
	}

	req := httptest.NewRequest("GET", "/healthz", nil)
	req.Header.Set("X-Request-Id", "proxy-42")
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); got != "proxy-42" {
		t.Errorf("request id %q, want the proxy's", got)
	}
	req.Header.Set("X-Request-Id", "bad id\nwith newline")
	rec = httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); len(got) != 16 {
		t.Errorf("request id %q, want a fresh one for a bad header", got)
	}
}

// The coordinator sees the e-mails that could not be delivered on the
// operations page, with the mail server's answer, and puts them back in the
// queue with one click (audited); a provider may not.
func TestCoordinatorRetriesUndeliveredMail(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	ctx := context.Background()
	ob := e.srv.Env().Outbox
	ob.Mail = failing{}
	m := outbox.Message{Module: "suggestion", Kind: "state", Ref: "suggestion:1",
		Mail: mail.Message{To: []string{"eva.mala@example.cz"}, Subject: "Váš podnět je vyřešený", Text: "Dobrý den"}}
	if err := ob.Enqueue(ctx, e.db, m); err != nil {
		t.Fatal(err)
	}
	// Give up at once: the last attempt.
	e.db.Exec(ctx, `UPDATE outbox SET attempts = ?`, outbox.MaxAttempts-1)
	ob.Process(ctx)

	c := e.session("koordinator")
	body := e.do("GET", "/sprava/posta", nil, c).Body.String()
	for _, want := range []string{"Váš podnět je vyřešený", "eva.mala@example.cz", "Nedoručeno", "550 mailbox unavailable", "1 e-mail se nepodařilo doručit.", "Podněty"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	if rec := e.do("POST", "/sprava/posta/znovu", nil, e.session("poskytovatel")); rec.Code != http.StatusForbidden {
		t.Errorf("a provider retried: %d", rec.Code)
	}
	if rec := e.do("POST", "/sprava/posta/znovu", nil, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("retry: %d %s", rec.Code, rec.Body.String())
	}
	if st, _ := ob.Status(ctx, "suggestion:1"); st.Pending != 1 || st.Failed != 0 {
		t.Errorf("after retry: %+v", st)
	}
	var audits int
	e.db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'outbox' AND action = 'mail_retry' AND actor_name = 'koordinator'`).Scan(&audits)
	if audits != 1 {
		t.Errorf("%d audit rows", audits)
	}
	if rec := e.do("POST", "/sprava/posta/znovu", nil, c); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Žádný nedoručený e-mail") {
		t.Errorf("a second retry: %d", rec.Code)
	}
}

type failing struct{}

func (failing) Send(context.Context, mail.Message) error {
	return errors.New("550 mailbox unavailable")
}

// Two replicas on one PostgreSQL database: a scheduled job runs once per
// schedule whichever replica's scheduler looks first, an e-mail queued on
// one is delivered once by the workers of both, and five failed sign-ins
// spread over the replicas block the sixth on either.
func TestTwoReplicasOnOneDatabase(t *testing.T) {
	for _, engine := range storetest.Engines() {
		if engine != "postgres" {
			continue // SQLite is one process's file: one replica
		}
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t, engine)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			mem := &mail.Memory{}
			second, err := New(Deps{DB: reopen(t, e.db), Log: log, Mail: mem})
			if err != nil {
				t.Fatal(err)
			}
			second.Auth().Argon = fastArgon
			e.srv.Env().Outbox.Mail = mem
			ctx := context.Background()

			var runs atomic.Int32
			job := Job{Name: "test-digest", Every: time.Hour, Run: func(context.Context) error { runs.Add(1); time.Sleep(50 * time.Millisecond); return nil }}
			a, b := e.srv.Scheduler(), second.Scheduler()
			a.Jobs, b.Jobs = []Job{job}, []Job{job}
			a.Holder, b.Holder = "replica-a", "replica-b"
			var wg sync.WaitGroup
			for _, s := range []interface {
				RunDue(context.Context) (int, error)
			}{a, b} {
				wg.Add(1)
				go func() { defer wg.Done(); s.RunDue(ctx) }()
			}
			wg.Wait()
			if runs.Load() != 1 {
				t.Errorf("the job ran %d times on two replicas", runs.Load())
			}

			m := outbox.Message{Module: "group", Kind: "invitation", Ref: "group:meeting:1",
				Mail: mail.Message{To: []string{"clen@example.cz"}, Subject: "Pozvánka", Text: "Dobrý den"}}
			for range 20 {
				if err := e.srv.Env().Outbox.Enqueue(ctx, e.db, m); err != nil {
					t.Fatal(err)
				}
			}
			wg.Add(2)
			go func() { defer wg.Done(); e.srv.Env().Outbox.Process(ctx) }()
			go func() { defer wg.Done(); second.Env().Outbox.Process(ctx) }()
			wg.Wait()
			if n := len(mem.Messages()); n != 20 {
				t.Errorf("%d deliveries of 20 messages by two workers", n)
			}

			// Replica A caches the public catalogue; replica B renames a
			// municipality; A's next answer shows the new name.
			page := func(srv *Server) string {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest("GET", "/katalog", nil))
				return rec.Body.String()
			}
			if !strings.Contains(page(e.srv), "Otrokovice") || strings.Contains(page(e.srv), "Otrokovice-město") {
				t.Fatal("the catalogue does not show Otrokovice")
			}
			pt := second.Env().Partners
			mun, err := pt.FindMunicipalityByID(ctx, e.ids.otrokovice)
			if err != nil {
				t.Fatal(err)
			}
			mun.Name = "Otrokovice-město"
			if _, err := pt.UpdateMunicipality(ctx, mun.ID, *mun); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(page(e.srv), "Otrokovice-město") {
				t.Error("replica A still serves the old municipality name from its cache")
			}

			for i := range 5 {
				srv := e.srv
				if i%2 == 1 {
					srv = second
				}
				if _, _, err := srv.Auth().SignIn(ctx, "koordinator", "spatne-heslo", "203.0.113.9", "test"); apperr.CodeOf(err) != apperr.Unauthorized {
					t.Fatalf("failure %d: %v", i+1, err)
				}
			}
			for _, srv := range []*Server{e.srv, second} {
				if _, _, err := srv.Auth().SignIn(ctx, "koordinator", demoPassword, "203.0.113.9", "test"); apperr.CodeOf(err) != apperr.TooMany {
					t.Errorf("the sixth attempt was not throttled: %v", err)
				}
			}
		})
	}
}

// reopen opens a second connection pool to db's database (another replica).
func reopen(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	dsn := db.DSN()
	other, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}
