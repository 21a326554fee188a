package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Static files: the fingerprinted URL is kept a year, gzip goes to those
// who take it and unpacks to the file, a folder is a 404 and no listing,
// and the layout references our CSS with its hash.
func TestStaticAssets(t *testing.T) {
	assets, err := StaticAssets()
	if err != nil {
		t.Fatal(err)
	}
	css := assets["kpss.css"]
	if css == nil || css.Gzip == nil || len(css.Gzip) >= len(css.Data) {
		t.Fatalf("kpss.css not compressed: %+v", css)
	}
	h := ServeAssets(assets, time.Hour)
	get := func(target, enc string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", target, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := get("/kpss.css?v="+css.Hash, "gzip, br")
	if rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("fingerprinted: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != string(css.Data) {
		t.Error("the gzipped CSS is not the CSS")
	}
	if rec := get("/kpss.css", "identity"); rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Cache-Control") != "public, max-age=3600" || rec.Body.Len() != len(css.Data) {
		t.Errorf("plain: %v", rec.Header())
	}
	if rec := get("/kpss.css", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refused it")
	}
	req := httptest.NewRequest("GET", "/kpss.css", nil)
	req.Header.Set("If-None-Match", css.ETag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", rec.Code)
	}
	for _, p := range []string{"/", "/nic.css", "/../render.go"} {
		if rec := get(p, ""); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "<a href") {
			t.Errorf("%s: %d %s", p, rec.Code, rec.Body.String())
		}
	}
	if got := string(fingerprint([]byte(`<link rel="stylesheet" href="/static/kpss.css"><img src="/static/nic.png">`))); got != `<link rel="stylesheet" href="/static/kpss.css?v=`+css.Hash+`"><img src="/static/nic.png">` {
		t.Errorf("fingerprint: %s", got)
	}
}
