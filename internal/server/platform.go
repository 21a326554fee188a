package server

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"kpss/internal/account"
	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/ops"
	"kpss/internal/outbox"
	"kpss/internal/store"
)

// OutboxRetention is how long delivered e-mails are kept (they hold names
// and addresses): long enough to answer "did my invitation go out?".
const OutboxRetention = 90 * 24 * time.Hour

// addPlatformJobs schedules the platform's own work: the outbox worker
// (every replica runs one; claims keep each message to one sender), and the
// retention of delivered mail and of old rate-limit windows.
func (s *Server) addPlatformJobs() {
	ob, lim := s.env.Outbox, s.env.Limits
	s.env.AddJob(Job{Name: "outbox", Worker: true, Run: func(ctx context.Context) error { return ob.Run(ctx, 5*time.Second) }})
	s.env.AddJob(Job{Name: "outbox-retention", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
		_, err := ob.Purge(audit.WithActor(ctx, audit.Actor{Name: "retention"}), s.now().Add(-OutboxRetention))
		return err
	}})
	s.env.AddJob(Job{Name: "rate-limit-purge", Every: time.Hour, Run: func(ctx context.Context) error {
		_, err := lim.Purge(ctx, s.now().Add(-48*time.Hour))
		return err
	}})
}

// MetricsToken, when set (KPSS_METRICS_TOKEN), lets a scraper from another
// host read /metrics with "Authorization: Bearer <token>"; without it only
// loopback may.
func (s *Server) SetMetricsToken(t string) { s.metricsToken = t }

// reqInfo is filled in as a request goes through the server, for the
// metrics and the access log (the route pattern is known only in guard).
type reqInfo struct{ pattern string }

type infoKey struct{}

func setPattern(ctx context.Context, p string) {
	if i, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		i.pattern = p
	}
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines, flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives every request an id (the proxy's X-Request-Id when plain,
// else a new one; answered in the response header and added to every log
// line of the request), counts it in the metrics by route pattern, logs
// every 5xx, and every request when KPSS_ACCESS_LOG=1.
func (s *Server) observe(next http.Handler) http.Handler {
	access := os.Getenv("KPSS_ACCESS_LOG") == "1"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !ops.ValidRequestID(id) {
			id = ops.NewRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		info := &reqInfo{}
		ctx := context.WithValue(ops.WithRequestID(r.Context(), id), infoKey{}, info)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.Observe(info.pattern, r.Method, status, d)
		switch {
		case status >= 500:
			s.log.ErrorContext(ctx, "request failed", "method", r.Method, "path", r.URL.Path, "route", info.pattern, "status", status, "ms", d.Milliseconds())
		case access:
			s.log.InfoContext(ctx, "request", "method", r.Method, "path", r.URL.Path, "route", info.pattern, "status", status, "bytes", sw.bytes, "ms", d.Milliseconds())
		}
	})
}

// ready answers 200 when the database answers and every migration this
// binary knows is applied (a replica started against an old schema is not
// given traffic), 503 with the reason otherwise.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.db.SQL().PingContext(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return nil
	}
	ms, err := store.Migrations(s.db.Dialect())
	if err != nil {
		return err
	}
	var applied int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil || applied < len(ms) {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "migrations: %d of %d applied\n", applied, len(ms))
		return nil
	}
	fmt.Fprintln(w, "ready")
	return nil
}

// showMetrics writes the Prometheus metrics, to loopback or to a caller
// with the metrics token; anybody else gets the 404 page (the endpoint does
// not advertise itself).
func (s *Server) showMetrics(w http.ResponseWriter, r *http.Request) error {
	if !s.metricsAllowed(r) {
		return apperr.New(apperr.NotFound, "err.page_not_found")
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return s.metrics.Write(r.Context(), w)
}

func (s *Server) metricsAllowed(r *http.Request) bool {
	if s.metricsToken != "" {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.metricsToken)) == 1 {
			return true
		}
	}
	if r.Header.Get("X-Forwarded-For") != "" {
		return false // came through a proxy: not loopback whatever the socket says
	}
	ip := net.ParseIP(account.ClientIP(r))
	return ip != nil && ip.IsLoopback()
}

// addPlatformMetrics registers the gauges read at every scrape: the outbox
// by module and state, and every job's runs, failures and last end.
func (s *Server) addPlatformMetrics() {
	ob := s.env.Outbox
	s.metrics.Gauge(func(ctx context.Context, w io.Writer) error {
		counts, err := ob.Counts(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "# HELP kpss_outbox_messages E-mails in the outbox by module and state.")
		fmt.Fprintln(w, "# TYPE kpss_outbox_messages gauge")
		mods := make([]string, 0, len(counts))
		for m := range counts {
			mods = append(mods, m)
		}
		sort.Strings(mods)
		for _, m := range mods {
			for _, st := range []string{outbox.Pending, outbox.Failed, outbox.Sent, outbox.Superseded} {
				fmt.Fprintf(w, "kpss_outbox_messages{module=%s,state=%s} %d\n", ops.Label(m), ops.Label(st), counts[m][st])
			}
		}
		return nil
	})
	s.metrics.Gauge(func(ctx context.Context, w io.Writer) error {
		st, err := s.Scheduler().Statuses(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, "# HELP kpss_job_runs_total Runs of each scheduled job (all replicas).")
		fmt.Fprintln(w, "# TYPE kpss_job_runs_total counter")
		for _, j := range st {
			fmt.Fprintf(w, "kpss_job_runs_total{job=%s} %d\n", ops.Label(j.Name), j.Runs)
		}
		fmt.Fprintln(w, "# HELP kpss_job_failures_total Failed runs of each scheduled job.")
		fmt.Fprintln(w, "# TYPE kpss_job_failures_total counter")
		for _, j := range st {
			fmt.Fprintf(w, "kpss_job_failures_total{job=%s} %d\n", ops.Label(j.Name), j.Failures)
		}
		fmt.Fprintln(w, "# HELP kpss_job_last_end_seconds When each job last finished (Unix time).")
		fmt.Fprintln(w, "# TYPE kpss_job_last_end_seconds gauge")
		for _, j := range st {
			var t int64
			if j.LastEnd != nil {
				t = j.LastEnd.Unix()
			}
			fmt.Fprintf(w, "kpss_job_last_end_seconds{job=%s} %d\n", ops.Label(j.Name), t)
		}
		return nil
	})
}

// OpsHandler is what a worker process (KPSS_ROLE=worker) serves: health,
// readiness and metrics, no pages.
func (s *Server) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	wrap := func(h HandlerFunc) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := h(w, r); err != nil {
				http.Error(w, "not found", http.StatusNotFound)
			}
		})
	}
	mux.Handle("GET /healthz", wrap(s.health))
	mux.Handle("GET /readyz", wrap(s.ready))
	mux.Handle("GET /metrics", wrap(s.showMetrics))
	return s.observe(mux)
}
