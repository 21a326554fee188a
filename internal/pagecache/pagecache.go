// Package pagecache keeps rendered public answers in memory, valid while a
// version read from the database is the one they were rendered at. The
// version grows with every change (internal/stamp), so a page is never
// served stale after the commit of a change, on any replica; and each
// replica's memory is bounded (entries and bytes).
package pagecache

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// MaxBytes bounds the memory one cache holds (a flood of distinct URLs must
// not exhaust memory).
const MaxBytes = 64 << 20

// Page is a cached answer.
type Page struct {
	Status int
	Header http.Header
	Body   []byte
	// Gzip is Body compressed, made once when the page is kept (text over
	// 1 KB); nil when not worth it.
	Gzip []byte
}

// Cache holds pages of one version.
type Cache struct {
	mu      sync.RWMutex
	version int64
	pages   map[string]Page
	max     int // pages
	bytes   int
}

// New returns a cache of at most max pages.
func New(max int) *Cache { return &Cache{pages: map[string]Page{}, max: max} }

// Get returns the page of key rendered at version.
func (c *Cache) Get(version int64, key string) (Page, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return Page{}, false
	}
	p, ok := c.pages[key]
	return p, ok
}

// Put keeps p under key for version; a new version, or a full cache,
// starts over (simple and bounded).
func (c *Cache) Put(version int64, key string, p Page) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(p.Body) > MaxBytes/4 {
		return
	}
	if c.version != version || len(c.pages) >= c.max || c.bytes+len(p.Body) > MaxBytes {
		c.pages = map[string]Page{}
		c.version = version
		c.bytes = 0
	}
	if p.Gzip == nil && len(p.Body) > 1024 && p.Header.Get("Content-Encoding") == "" && compressible(p.Header.Get("Content-Type")) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		zw.Write(p.Body)
		zw.Close()
		if buf.Len() < len(p.Body)*9/10 {
			p.Gzip = buf.Bytes()
		}
	}
	c.pages[key] = p
	c.bytes += len(p.Body) + len(p.Gzip)
}

func compressible(t string) bool {
	return strings.HasPrefix(t, "text/") || strings.Contains(t, "json") || strings.Contains(t, "xml") || strings.Contains(t, "calendar")
}

// Len returns how many pages are kept (tests).
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.pages)
}

// Recorder buffers an answer so that it can be cached.
type Recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{header: http.Header{}} }

func (r *Recorder) Header() http.Header         { return r.header }
func (r *Recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *Recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// Page returns what was recorded, and whether it may be cached: a 200
// that sets no cookie.
func (r *Recorder) Page() (Page, bool) {
	st := r.status
	if st == 0 {
		st = http.StatusOK
	}
	p := Page{Status: st, Header: r.header, Body: r.buf.Bytes()}
	return p, st == http.StatusOK && len(r.header.Values("Set-Cookie")) == 0
}

// Write sends p to w, gzipped when r takes gzip and p has it.
func Write(w http.ResponseWriter, r *http.Request, p Page) {
	h := w.Header()
	for k, v := range p.Header {
		h[k] = v
	}
	body := p.Body
	if p.Gzip != nil {
		h.Add("Vary", "Accept-Encoding")
		if AcceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body = p.Gzip
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// AcceptsGzip reports whether r's Accept-Encoding takes gzip.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		enc = strings.TrimSpace(enc)
		if enc != "gzip" && enc != "*" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		return q > 0
	}
	return false
}
