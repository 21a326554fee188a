package catalog

import (
	"context"
	"testing"

	"kpss/internal/audit"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"

	"time"
)

// BenchmarkFindServices searches a generated catalogue of 2,000 services
// (go test -bench FindServices ./internal/catalog); it reports the queries
// one search runs, which stays fixed whatever the page size (no N+1).
func BenchmarkFindServices(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			db := storetest.New(b, engine)
			ctx := context.Background()
			ps := partner.NewService(db, audit.New(), time.Now)
			c := New(db, audit.New(), ps, time.Now)
			if err := c.Generate(ctx, GenerateOptions{Municipalities: 500, Providers: 300, Services: 2000, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			words := []string{"pecovatelska", "domov senior", "sluzb", "poradenstvi", "azyl"}
			b.ResetTimer()
			q0 := db.QueryCount()
			for i := 0; i < b.N; i++ {
				if _, _, err := c.FindServices(ctx, Filter{Q: words[i%len(words)], Paging: store.Paging{PerPage: 20}}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(db.QueryCount()-q0)/float64(b.N), "queries/op")
		})
	}
}
