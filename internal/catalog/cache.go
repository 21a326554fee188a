package catalog

import (
	"bytes"
	"net/http"
	"sync"

	"kpss/internal/auth"
	"kpss/internal/web"
)

// pageCache keeps rendered public pages of the catalogue in memory. An entry
// is valid while the catalogue's version (a counter in the database, bumped
// in the transaction of every change, also by the import command in another
// process) is the one it was rendered at; so any change invalidates all.
type pageCache struct {
	mu      sync.RWMutex
	version int64
	pages   map[string]cachedPage
	max     int // pages
	bytes   int
}

// maxCacheBytes bounds the memory the cache holds (the PDF of a national
// catalogue is large; a flood of distinct URLs must not exhaust memory).
const maxCacheBytes = 64 << 20

type cachedPage struct {
	status int
	header http.Header
	body   []byte
}

func newPageCache(max int) *pageCache { return &pageCache{pages: map[string]cachedPage{}, max: max} }

func (c *pageCache) get(version int64, key string) (cachedPage, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return cachedPage{}, false
	}
	p, ok := c.pages[key]
	return p, ok
}

func (c *pageCache) put(version int64, key string, p cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(p.body) > maxCacheBytes/4 {
		return
	}
	if c.version != version || len(c.pages) >= c.max || c.bytes+len(p.body) > maxCacheBytes {
		// A new version, or full: start over (simple, and bounded).
		c.pages = map[string]cachedPage{}
		c.version = version
		c.bytes = 0
	}
	c.pages[key] = p
	c.bytes += len(p.body)
}

// recorder buffers a response so it can be cached.
type recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// Cached serves fn's page from the cache for anonymous visitors. Pages of a
// signed-in user (the menu, their name) and pages showing a flash message are
// never cached.
func (h *Handler) Cached(fn web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if auth.UserFrom(r.Context()) != nil || hasCookie(r, "kpss_flash") {
			return fn(w, r)
		}
		version, err := h.C.Version(r.Context())
		if err != nil {
			return err
		}
		key := web.LangFrom(r.Context()) + "\x00" + r.URL.RequestURI()
		if p, ok := h.cache.get(version, key); ok {
			write(w, p)
			return nil
		}
		rec := &recorder{header: http.Header{}}
		if err := fn(rec, r); err != nil {
			return err
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		p := cachedPage{status: rec.status, header: rec.header, body: rec.buf.Bytes()}
		if p.status == http.StatusOK && len(rec.header.Values("Set-Cookie")) == 0 {
			h.cache.put(version, key, p)
		}
		write(w, p)
		return nil
	}
}

func write(w http.ResponseWriter, p cachedPage) {
	for k, v := range p.header {
		w.Header()[k] = v
	}
	w.WriteHeader(p.status)
	w.Write(p.body)
}

func hasCookie(r *http.Request, name string) bool {
	c, err := r.Cookie(name)
	return err == nil && c.Value != ""
}
