package survey

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/export"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// benchResponses is the size of the benchmark's survey (KPSS_BENCH_SURVEY_N
// overrides it, e.g. 10000 to compare the export's memory).
func benchResponses() int {
	if n, err := strconv.Atoi(os.Getenv("KPSS_BENCH_SURVEY_N")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// seedSurvey stores a survey of ten questions and n complete responses
// straight into the tables (the service's Submit per response would take
// the benchmark's whole budget), the same rows Submit writes.
func seedSurvey(b *testing.B, db *store.DB, n int) (*Service, int64) {
	b.Helper()
	ctx := context.Background()
	svc := NewService(db, audit.New(), time.Now)
	v := Survey{Title: "Spokojenost uživatelů", State: Published, PublicLink: true, Anonymous: true, MinGroup: 5, PublicKey: newKey(10)}
	qs := []Question{
		{Code: "skupina", Kind: Single, Label: "Skupina", Options: []string{"Senioři", "OZP", "Rodiny", "Pečující"}, Other: true},
		{Code: "obec", Kind: Single, Label: "Obec", Options: []string{"Otrokovice", "Napajedla", "Tlumačov", "Bělov", "Žlutava", "Halenkovice"}},
		{Code: "spokojenost", Kind: Scale, Label: "Spokojenost", ScaleMin: 1, ScaleMax: 5},
		{Code: "chybi", Kind: Multiple, Label: "Co chybí", Options: []string{"A", "B", "C", "D", "E"}, Other: true},
		{Code: "vyroky", Kind: Matrix, Label: "Výroky", Rows: []string{"R1", "R2", "R3"}, Options: []string{"1", "2", "3", "4"}},
		{Code: "dulezite", Kind: Ranking, Label: "Pořadí", Options: []string{"Cena", "Blízkost", "Ochota"}},
		{Code: "vek", Kind: Number, Label: "Věk"},
		{Code: "od", Kind: DateQ, Label: "Od kdy"},
		{Code: "zlepsit", Kind: LongText, Label: "Co zlepšit", Cond: &Condition{Code: "spokojenost", Values: []string{"1", "2"}}},
		{Code: "pozn", Kind: Text, Label: "Poznámka"},
	}
	for i := range qs {
		qs[i].Position = i + 1
		if err := qs[i].Validate(); err != nil {
			b.Fatal(err)
		}
	}
	v.CreatedAt, v.UpdatedAt = time.Now().UTC(), time.Now().UTC()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := insertSurvey(ctx, tx, &v); err != nil {
			return err
		}
		for i := range qs {
			qs[i].SurveyID = v.ID
			if err := insertQuestion(ctx, tx, &qs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	const chunk = 2000
	for start := 0; start < n; start += chunk {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var rows []answerRow
			var ids []int64
			for i := start; i < min(start+chunk, n); i++ {
				sat := 1 + r.IntN(5)
				a := Answers{
					"skupina":     {Choices: []int{r.IntN(5)}, Other: "jiná"},
					"obec":        {Choices: []int{1 + r.IntN(6)}},
					"spokojenost": {Choices: []int{sat}},
					"chybi":       {Choices: []int{1 + r.IntN(5), 0}, Other: "noclehárna"},
					"vyroky":      {Rows: map[int]int{1: 1 + r.IntN(4), 2: 1 + r.IntN(4), 3: 1 + r.IntN(4)}},
					"dulezite":    {Ranks: map[int]int{1: 1, 2: 2, 3: 3}},
					"vek":         {Num: ptr(float64(18 + r.IntN(80)))},
					"od":          {Text: "2024-05-01"},
					"pozn":        {Text: "poznámka " + strconv.Itoa(i%50)},
				}
				if sat <= 2 {
					a["zlepsit"] = Answer{Text: "Delší provozní doba."}
				}
				ids = append(ids, randomID())
				for _, ar := range encodeAnswers(qs, a) {
					rows = append(rows, ar)
				}
				if err := insertResponses(ctx, tx, v.ID, ids[len(ids)-1:]); err != nil {
					return err
				}
				if err := insertAnswers(ctx, tx, v.ID, ids[len(ids)-1], rows); err != nil {
					return err
				}
				rows = rows[:0]
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := svc.RebuildTallies(ctx, v.ID); err != nil {
		b.Fatal(err)
	}
	if db.Dialect() == store.Postgres {
		db.Exec(ctx, `ANALYZE survey_answers`)
		db.Exec(ctx, `ANALYZE survey_responses`)
	} else {
		db.Exec(ctx, `ANALYZE`)
	}
	return svc, v.ID
}

func insertResponses(ctx context.Context, q store.Q, surveyID int64, ids []int64) error {
	for _, id := range ids {
		if _, err := q.Exec(ctx, `INSERT INTO survey_responses (id, survey_id, channel, state, submitted_on) VALUES (?, ?, 'link', 'complete', ?)`,
			id, surveyID, store.NewDate(2026, 3, 1)); err != nil {
			return err
		}
	}
	return nil
}

// peakHeap samples the heap in use while fn runs and returns the peak in MiB.
func peakHeap(fn func() error) (float64, error) {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	err := fn()
	close(done)
	return float64(peak.Load()) / (1 << 20), err
}

// BenchmarkSurvey: at 100 000 responses (KPSS_BENCH_SURVEY_N), on each
// engine: the results page's counting, the cross-tab by municipality, and
// the CSV and XLSX exports with their peak heap.
func BenchmarkSurvey(b *testing.B) {
	l := testLocalizer(b)
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			db := storetest.New(b, engine)
			if _, err := db.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			svc, id := seedSurvey(b, db, benchResponses())
			b.Logf("%s: seeded %d responses in %s", engine, benchResponses(), time.Since(start).Round(time.Second))
			ctx := context.Background()
			b.Run("results", func(b *testing.B) {
				q0 := db.QueryCount()
				for i := 0; i < b.N; i++ {
					res, err := svc.Results(ctx, id)
					if err != nil || res.Responses != benchResponses() {
						b.Fatalf("%v", err)
					}
				}
				b.ReportMetric(float64(db.QueryCount()-q0)/float64(b.N), "queries/op")
			})
			b.Run("crosstab", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := svc.CrossTabs(ctx, id, "obec"); err != nil {
						b.Fatal(err)
					}
				}
			})
			for _, format := range []string{"csv", "xlsx"} {
				b.Run(format, func(b *testing.B) {
					var peak float64
					for i := 0; i < b.N; i++ {
						_, t, err := svc.ExportTable(ctx, l, id)
						if err != nil {
							b.Fatal(err)
						}
						p, err := peakHeap(func() error {
							if format == "csv" {
								return export.WriteCSV(io.Discard, t)
							}
							return export.WriteXLSX(io.Discard, export.Meta{Title: "bench"}, t)
						})
						if err != nil {
							b.Fatal(err)
						}
						peak = max(peak, p)
					}
					b.ReportMetric(peak, "peak-heap-MiB")
				})
			}
		})
	}
}
