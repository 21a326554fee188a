package suggestion

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// benchService returns a service over many suggestions: the database of
// KPSS_BENCH_DSN as it is (fill it with `kpss serve -demo` and `kpss generate
// suggestions -n 1000000`), else a fresh SQLite store with
// KPSS_BENCH_SUGGESTIONS (default 20 000) generated ones.
func benchService(b *testing.B) *Service {
	b.Helper()
	ctx := context.Background()
	if dsn := os.Getenv("KPSS_BENCH_DSN"); dsn != "" {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		alog := audit.New()
		return NewService(db, alog, time.Now, partner.NewService(db, alog, time.Now), nil, "", nil)
	}
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("KPSS_BENCH_SUGGESTIONS")); err == nil {
		n = v
	}
	f := newFixture(b, storetest.New(b, "sqlite"))
	f.svc.Now = time.Now
	if err := f.svc.Generate(ctx, n, 1, nil); err != nil {
		b.Fatal(err)
	}
	return f.svc
}

// BenchmarkCoordinatorList is the first page of the coordinator's inbox:
// everything, open ones of a category, and a word search.
func BenchmarkCoordinatorList(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"all", Filter{}},
		{"open-in-category", Filter{States: OpenStates, CategoryID: 1}},
		{"overdue", Filter{Overdue: true}},
		{"search", Filter{Q: "lavicka senioři"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ResetTimer()
			q0 := svc.DB.QueryCount()
			for i := 0; i < b.N; i++ {
				f := c.f
				f.Paging = store.Paging{Page: 1, PerPage: 25}
				f.CountCap = ListCountCap // as the inbox page asks
				if _, _, err := svc.Find(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(svc.DB.QueryCount()-q0)/float64(b.N), "queries/op")
		})
	}
}

// BenchmarkStatistics is the statistics of the last five years as the page
// asks for them (whole Prague days): read from the tallies.
func BenchmarkStatistics(b *testing.B) {
	benchStatistics(b, func(svc *Service, ctx context.Context, from, to time.Time) error {
		_, err := svc.Statistics(ctx, from, to)
		return err
	})
}

// BenchmarkStatisticsRaw is the same period counted from the suggestions
// (what a period not of whole days still does), for comparison.
func BenchmarkStatisticsRaw(b *testing.B) {
	benchStatistics(b, func(svc *Service, ctx context.Context, from, to time.Time) error {
		_, err := svc.statisticsRaw(ctx, from, to)
		return err
	})
}

func benchStatistics(b *testing.B, run func(*Service, context.Context, time.Time, time.Time) error) {
	svc := benchService(b)
	ctx := context.Background()
	today := svc.Today()
	to := time.Date(today.Year(), today.Month(), today.Day()+1, 0, 0, 0, 0, prague)
	from := time.Date(today.Year()-5, today.Month(), today.Day()+1, 0, 0, 0, 0, prague)
	b.ResetTimer()
	q0 := svc.DB.QueryCount()
	for i := 0; i < b.N; i++ {
		if err := run(svc, ctx, from, to); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(svc.DB.QueryCount()-q0)/float64(b.N), "queries/op")
}

// BenchmarkPublicList is the first page of the public list and the map's
// points: everything, and resolved ones of one municipality.
func BenchmarkPublicList(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"all", Filter{}},
		{"resolved-in-municipality", Filter{States: []State{StateResolved}, MunicipalityID: 1}},
	} {
		b.Run(c.name+"/list", func(b *testing.B) {
			q0 := svc.DB.QueryCount()
			for i := 0; i < b.N; i++ {
				f := c.f
				f.Paging = store.Paging{Page: 1, PerPage: 25}
				if _, _, err := svc.PublicList(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(svc.DB.QueryCount()-q0)/float64(b.N), "queries/op")
		})
		b.Run(c.name+"/map", func(b *testing.B) {
			q0 := svc.DB.QueryCount()
			for i := 0; i < b.N; i++ {
				if _, _, err := svc.PublicPoints(ctx, c.f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(svc.DB.QueryCount()-q0)/float64(b.N), "queries/op")
		})
	}
}
