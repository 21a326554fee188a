// Package ops is what an operator of kpss watches: Prometheus metrics of
// requests, latency, the outbox queue and the scheduled jobs; request ids in
// the logs; and the staff's page of e-mails and jobs (/sprava/posta).
package ops

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// Buckets are the latency histogram's upper bounds in seconds.
var Buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type reqKey struct{ route, method, code string }

type latency struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
}

// Metrics counts requests by route pattern (never by raw path: the label
// set stays small whatever clients ask for).
type Metrics struct {
	mu       sync.Mutex
	requests map[reqKey]uint64
	latency  map[string]*latency
	// Gauges are read when /metrics is scraped (queue lengths, job state).
	gauges []func(ctx context.Context, w io.Writer) error
}

// NewMetrics returns an empty registry.
func NewMetrics() *Metrics {
	return &Metrics{requests: map[reqKey]uint64{}, latency: map[string]*latency{}}
}

// Observe records one request.
func (m *Metrics) Observe(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	code := fmt.Sprintf("%dxx", status/100)
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{route, method, code}]++
	l := m.latency[route]
	if l == nil {
		l = &latency{counts: make([]uint64, len(Buckets)+1)}
		m.latency[route] = l
	}
	i := sort.SearchFloat64s(Buckets, sec)
	l.counts[i]++
	l.sum += sec
	l.n++
}

// Gauge adds a metric read at every scrape; fn writes Prometheus text.
func (m *Metrics) Gauge(fn func(ctx context.Context, w io.Writer) error) {
	m.mu.Lock()
	m.gauges = append(m.gauges, fn)
	m.mu.Unlock()
}

// Write writes every metric in the Prometheus text format (0.0.4).
func (m *Metrics) Write(ctx context.Context, w io.Writer) error {
	m.mu.Lock()
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	fmt.Fprintln(w, "# HELP kpss_http_requests_total HTTP requests by route pattern, method and status class.")
	fmt.Fprintln(w, "# TYPE kpss_http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "kpss_http_requests_total{route=%s,method=%s,code=%s} %d\n", quote(k.route), quote(k.method), quote(k.code), m.requests[k])
	}
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	fmt.Fprintln(w, "# HELP kpss_http_request_duration_seconds Time to answer a request, by route pattern.")
	fmt.Fprintln(w, "# TYPE kpss_http_request_duration_seconds histogram")
	for _, r := range routes {
		l := m.latency[r]
		var cum uint64
		for i, b := range Buckets {
			cum += l.counts[i]
			fmt.Fprintf(w, "kpss_http_request_duration_seconds_bucket{route=%s,le=\"%g\"} %d\n", quote(r), b, cum)
		}
		fmt.Fprintf(w, "kpss_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", quote(r), l.n)
		fmt.Fprintf(w, "kpss_http_request_duration_seconds_sum{route=%s} %s\n", quote(r), num(l.sum))
		fmt.Fprintf(w, "kpss_http_request_duration_seconds_count{route=%s} %d\n", quote(r), l.n)
	}
	gauges := append([]func(context.Context, io.Writer) error(nil), m.gauges...)
	m.mu.Unlock()
	for _, g := range gauges {
		if err := g(ctx, w); err != nil {
			return err
		}
	}
	return nil
}

func num(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "0"
	}
	return fmt.Sprintf("%g", f)
}

// quote makes a Prometheus label value.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// Label quotes a label value for gauges written elsewhere.
func Label(s string) string { return quote(s) }

type ridKey struct{}

// NewRequestID returns a fresh random request id.
func NewRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ValidRequestID accepts an id a proxy sent (X-Request-Id) if it is short
// and plain, so that it can go into logs as it is.
func ValidRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// WithRequestID puts the request id into ctx.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ridKey{}, id)
}

// RequestID returns the request id of ctx ("" outside a request).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ridKey{}).(string)
	return id
}

// LogHandler adds the request id of the context to every log record, so
// that all lines of one request can be found together.
type LogHandler struct{ slog.Handler }

// Handle implements slog.Handler.
func (h LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h LogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return LogHandler{h.Handler.WithAttrs(as)}
}

// WithGroup implements slog.Handler.
func (h LogHandler) WithGroup(name string) slog.Handler { return LogHandler{h.Handler.WithGroup(name)} }
