package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"kpss/internal/partner"
)

// benchEnv is the demo region plus n more organisations, each serving three
// municipalities and two target groups.
func benchEnv(b *testing.B, engine string, n int) *testEnv {
	e := newTestEnv(b, engine)
	ctx := context.Background()
	svc := e.srv.partner.Svc
	for i := 0; i < n; i++ {
		_, err := svc.CreateOrganisation(ctx, partner.Organisation{Name: fmt.Sprintf("Organizace č. %d", i), Kind: "provider",
			MunicipalityIDs: []int64{e.ids.otrokovice, e.ids.otrokovice + 1, e.ids.otrokovice + 2}, TargetGroupIDs: []int64{e.ids.seniors, e.ids.seniors + 1}})
		if err != nil {
			b.Fatal(err)
		}
	}
	return e
}

// BenchmarkOrganisationListPage renders the registry's organisation list
// (25 per page, with their municipalities) as the coordinator sees it, and
// reports the queries each page costs: a constant, whatever the page size.
func BenchmarkOrganisationListPage(b *testing.B) {
	for _, engine := range benchEngines() {
		b.Run(engine, func(b *testing.B) {
			e := benchEnv(b, engine, 500)
			c := e.session("koordinator")
			b.ResetTimer()
			q0 := e.db.QueryCount()
			for i := 0; i < b.N; i++ {
				rec := e.do("GET", "/partneri/organizace?page=3", nil, c)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
			b.ReportMetric(float64(e.db.QueryCount()-q0)/float64(b.N), "queries/op")
		})
	}
}

// BenchmarkOrganisationListAPI is the same list through the JSON API, 100 a page.
func BenchmarkOrganisationListAPI(b *testing.B) {
	for _, engine := range benchEngines() {
		b.Run(engine, func(b *testing.B) {
			e := benchEnv(b, engine, 500)
			tok := e.token("koordinator")
			b.ResetTimer()
			q0 := e.db.QueryCount()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", "/api/v1/organizations?per_page=100&page=2", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
			b.ReportMetric(float64(e.db.QueryCount()-q0)/float64(b.N), "queries/op")
		})
	}
}

func benchEngines() []string {
	return storetestEngines()
}
