package catalog

import (
	"net/http"

	"kpss/internal/auth"
	"kpss/internal/pagecache"
	"kpss/internal/web"
)

// The catalogue keeps its rendered public pages in a page cache keyed by
// the catalogue's version (a counter in the database, bumped in the
// transaction of every change, also by the import command in another
// process, plus the registry's generations): any change invalidates all.

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
		if p, ok := h.cache.Get(version, key); ok {
			pagecache.Write(w, r, p)
			return nil
		}
		rec := pagecache.NewRecorder()
		if err := fn(rec, r); err != nil {
			return err
		}
		p, ok := rec.Page()
		if ok {
			h.cache.Put(version, key, p)
		}
		pagecache.Write(w, r, p)
		return nil
	}
}

func hasCookie(r *http.Request, name string) bool {
	c, err := r.Cookie(name)
	return err == nil && c.Value != ""
}
