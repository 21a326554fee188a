package server

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkPortalPages serves the public portal pages of the demo region
// (go test -run '^$' -bench Portal ./internal/server/); figures in
// docs/benchmarks/portal.md.
func BenchmarkPortalPages(b *testing.B) {
	e := newTestEnv(b, "sqlite")
	for _, path := range []string{"/zivotni-situace", "/zivotni-situace/blizky-clovek-potrebuje-peci", "/kalendar", "/kalendar/seznam", "/kalendar.ics", "/aktuality", "/aktuality/rss.xml"} {
		b.Run(path, func(b *testing.B) {
			before := e.db.QueryCount()
			for b.Loop() {
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
			b.ReportMetric(float64(e.db.QueryCount()-before)/float64(b.N), "queries/op")
		})
	}
}
