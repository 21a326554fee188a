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
// (go test -bench FindServices ./internal/catalog) by words and by distance
// (50 km around five cities); it reports the queries one search runs, which
// stays fixed whatever the page size (no N+1).
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
			if engine == "postgres" { // as autovacuum would, before the planner can choose the indexes
				if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
					b.Fatal(err)
				}
			}
			words := []string{"pecovatelska", "domov senior", "sluzb", "poradenstvi", "azyl"}
			// Centres of Prague, Brno, Ostrava, Plzeň, Zlín: 50 km around each.
			near := []Near{{50.08, 14.42, 50}, {49.19, 16.61, 50}, {49.83, 18.29, 50}, {49.74, 13.38, 50}, {49.23, 17.67, 50}}
			for _, mode := range []string{"words", "within-50km"} {
				b.Run(mode, func(b *testing.B) {
					q0 := db.QueryCount()
					for i := 0; i < b.N; i++ {
						f := Filter{Q: words[i%len(words)], Paging: store.Paging{PerPage: 20}}
						if mode != "words" {
							f = Filter{Near: &near[i%len(near)], Paging: store.Paging{PerPage: 20}}
						}
						if _, _, err := c.FindServices(ctx, f); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(db.QueryCount()-q0)/float64(b.N), "queries/op")
				})
			}
		})
	}
}
