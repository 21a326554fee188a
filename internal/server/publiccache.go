package server

import (
	"net/http"
	"strings"
	"time"

	"kpss/internal/auth"
	"kpss/internal/pagecache"
	"kpss/internal/stamp"
	"kpss/internal/web"
)

// Public answers (the home page, the calendar, guides, news, the public
// suggestions, HSDS, Open311 and OParl reads) are the same for every
// anonymous visitor of one language, and a town's page linked from the
// local paper gets them in bursts. They are kept rendered in memory, keyed
// by language and URL, valid while
//
//   - the sum of every topic's generation (internal/stamp: every audited
//     change bumps its entity's in its own transaction) is unchanged — so
//     no replica serves a page older than the last committed change — and
//   - the same 30 seconds last: what changes with time alone (today's
//     events, an article published at its hour, a survey closing) is at
//     most that late.
//
// A signed-in visitor, a page with a flash message, an answer other than
// 200 or one that sets a cookie is never cached; nor any page under a
// personal token.
const publicCacheTTL = 30 * time.Second

// publicCachePrefixes are the paths whose public GET routes are cached
// (the catalogue has its own cache).
var publicCachePrefixes = []string{"/{$}", "/podnet", "/podnety/verejne", "/kalendar", "/zivotni-situace", "/aktuality",
	"/hsds/", "/open311/v2/", "/oparl/v1", "/pristupnost", "/zapisy"}

// publicCacheable says whether rt's answers may be cached for anonymous visitors.
func publicCacheable(rt Route) bool {
	if rt.Policy != &auth.Public || !strings.HasPrefix(rt.Pattern, "GET ") || strings.Contains(rt.Pattern, "{token}") {
		return false
	}
	path := strings.TrimPrefix(rt.Pattern, "GET ")
	for _, p := range publicCachePrefixes {
		if path == p || strings.HasPrefix(path, p) && p != "/{$}" {
			return true
		}
	}
	return false
}

// publicVersion is the version the public cache is valid at: one query.
func (s *Server) publicVersion(r *http.Request) (int64, error) {
	gens, err := stamp.Total(r.Context(), s.db)
	if err != nil {
		return 0, err
	}
	slot := s.now().Unix() / int64(publicCacheTTL/time.Second)
	return gens<<24 ^ slot, nil
}

// servePublic answers from the public cache, rendering and keeping the
// answer on a miss. It reports false when the request is not one to cache.
func (s *Server) servePublic(w http.ResponseWriter, r *http.Request, rt Route) (bool, error) {
	if r.Method != http.MethodGet || auth.UserFrom(r.Context()) != nil {
		return false, nil
	}
	if c, err := r.Cookie("kpss_flash"); err == nil && c.Value != "" {
		return false, nil
	}
	version, err := s.publicVersion(r)
	if err != nil {
		return false, nil // the database failing: render as usual (and fail there)
	}
	key := web.LangFrom(r.Context()) + "\x00" + r.URL.RequestURI()
	if rt.API {
		key += "\x00" + r.Header.Get("Accept")
	}
	if p, ok := s.public.Get(version, key); ok {
		pagecache.Write(w, r, p)
		return true, nil
	}
	rec := pagecache.NewRecorder()
	if err := rt.Handler(rec, r); err != nil {
		return true, err
	}
	p, ok := rec.Page()
	if ok {
		s.public.Put(version, key, p)
	}
	pagecache.Write(w, r, p)
	return true, nil
}
