package workshop_test

import (
	"fmt"
	"testing"
	"time"

	"kpss/internal/storetest"
	"kpss/internal/workshop"
)

// benchFixture makes n published workshops of two blocks (6 h net) with 16
// registrations each, attendance recorded; one a week from March 2026.
func benchFixture(b *testing.B, engine string, n int) (*fixture, []int64) {
	b.Helper()
	t := &testing.T{}
	db := storetest.New(b, engine)
	f := setup(t, db)
	var ids []int64
	base := f.day
	for i := 0; i < n; i++ {
		f.day = base.AddDate(0, 0, 7*i)
		f.clock.Set(f.day.AddDate(0, 0, -10))
		w := f.workshop(t, map[string]int{workshop.AudStaff: 12, workshop.AudUser: 4})
		if _, err := f.svc.Publish(ctx, w.ID); err != nil {
			b.Fatal(err)
		}
		present := map[int64][]int64{}
		for k := 0; k < 16; k++ {
			aud := workshop.AudStaff
			if k >= 12 {
				aud = workshop.AudUser
			}
			r, err := f.svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: fmt.Sprintf("Osoba %d", k%40+i%3), Email: fmt.Sprintf("o%d@example.cz", (k+i)%40), Audience: aud})
			if err != nil {
				b.Fatal(err)
			}
			present[r.ID] = []int64{w.Blocks[0].ID, w.Blocks[1].ID}
		}
		f.clock.Set(f.day.Add(8 * time.Hour))
		if err := f.svc.RecordAttendance(ctx, w.ID, present); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	if t.Failed() {
		b.Fatal("fixture failed")
	}
	return f, ids
}

func forEngines(b *testing.B, fn func(b *testing.B, engine string)) {
	for _, e := range storetest.Engines() {
		b.Run(e, func(b *testing.B) { fn(b, e) })
	}
}

// BenchmarkFindWorkshops lists 50 workshops with blocks, quotas and places.
func BenchmarkFindWorkshops(b *testing.B) {
	forEngines(b, func(b *testing.B, engine string) {
		f, _ := benchFixture(b, engine, 50)
		q0 := f.db.QueryCount()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if ws, err := f.svc.FindWorkshops(ctx, workshop.Filter{}); err != nil || len(ws) != 50 {
				b.Fatal(err, len(ws))
			}
		}
		b.ReportMetric(float64(f.db.QueryCount()-q0)/float64(b.N), "queries/op")
	})
}

// BenchmarkRegister signs people up for a full workshop (the waiting list).
func BenchmarkRegister(b *testing.B) {
	forEngines(b, func(b *testing.B, engine string) {
		f, _ := benchFixture(b, engine, 1)
		f.day = f.day.AddDate(1, 0, 0)
		f.clock.Set(f.day.AddDate(0, 0, -10))
		w := f.workshop(&testing.T{}, map[string]int{workshop.AudStaff: 20})
		if _, err := f.svc.Publish(ctx, w.ID); err != nil {
			b.Fatal(err)
		}
		q0 := f.db.QueryCount()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := f.svc.Register(ctx, workshop.Registration{WorkshopID: w.ID, Name: "Jana Nováková", Email: fmt.Sprintf("j%d@example.cz", i), Audience: workshop.AudStaff}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(f.db.QueryCount()-q0)/float64(b.N), "queries/op")
	})
}

// BenchmarkLedger sums a year of 50 workshops × 16 participants.
func BenchmarkLedger(b *testing.B) {
	forEngines(b, func(b *testing.B, engine string) {
		f, _ := benchFixture(b, engine, 50)
		q0 := f.db.QueryCount()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if rows, err := f.svc.Ledger(ctx, 2026); err != nil || len(rows) == 0 {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(f.db.QueryCount()-q0)/float64(b.N), "queries/op")
	})
}

// BenchmarkCertificatePDF renders a certificate.
func BenchmarkCertificatePDF(b *testing.B) {
	f, ids := benchFixture(b, "sqlite", 1)
	if _, err := f.svc.Close(ctx, ids[0]); err != nil {
		b.Fatal(err)
	}
	if _, err := f.svc.IssueCertificates(ctx, ids[0]); err != nil {
		b.Fatal(err)
	}
	certs, _ := f.svc.CertificatesOf(ctx, ids[0])
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.svc.CertificatePDF(ctx, &certs[0]); err != nil {
			b.Fatal(err)
		}
	}
}
