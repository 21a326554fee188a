package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kpss/internal/audit"
	"kpss/internal/news"
)

// Public pages are served from memory to anonymous visitors: the second
// visit of each costs one query (the version), whatever the page shows;
// a published article is on the page at once; a signed-in visitor and a
// visitor in English never get a cached Czech anonymous page.
func TestPublicPagesAreCachedAndRightAfterAChange(t *testing.T) {
	e := newTestEnv(t, "sqlite")
	get := func(path, lang string) (string, int, int64) {
		req := httptest.NewRequest("GET", path, nil)
		if lang != "" {
			req.AddCookie(&http.Cookie{Name: "kpss_lang", Value: lang})
		}
		before := e.db.QueryCount()
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		return rec.Body.String(), rec.Code, e.db.QueryCount() - before
	}
	anon := func(path, lang string) (string, int64) {
		t.Helper()
		body, code, n := get(path, lang)
		if code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
		return body, n
	}
	cached := 0
	for _, rt := range e.srv.Routes() {
		if !publicCacheable(rt) || strings.Contains(rt.Pattern, "{") {
			continue
		}
		path := strings.TrimSuffix(strings.TrimPrefix(rt.Pattern, "GET "), "{$}")
		first, code, _ := get(path, "")
		if code != 200 {
			continue // a redirect or an error is never cached
		}
		cached++
		second, _, queries := get(path, "")
		if queries != 1 {
			t.Errorf("%s: %d queries on the second visit, want 1 (the version)", path, queries)
		}
		if first != second {
			t.Errorf("%s: the cached answer differs from the rendered one", path)
		}
	}

	if cached < 12 {
		t.Errorf("only %d public pages answered and were cached", cached)
	}
	page, _ := anon("/aktuality", "")
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "koordinator"})
	svc := e.srv.Env().Modules["news"].(*news.Handler).Svc
	if _, err := svc.SaveNews(ctx, 0, news.Item{Title: "Nová pečovatelská služba v Bělově", Perex: "Od ledna.", Body: "Text."}, true); err != nil {
		t.Fatal(err)
	}
	after, _ := anon("/aktuality", "")
	if page == after || !strings.Contains(after, "Nová pečovatelská služba v Bělově") {
		t.Error("the published article is not on the cached page")
	}
	if en, _ := anon("/aktuality", "en"); !strings.Contains(en, `lang="en"`) {
		t.Error("an English visitor got the Czech page")
	}
	c := e.session("koordinator")
	if body := e.do("GET", "/aktuality", nil, c).Body.String(); !strings.Contains(body, "koordinator") && !strings.Contains(body, "Odhlásit") {
		t.Error("the signed-in coordinator got the anonymous page")
	}
}
