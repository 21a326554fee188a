package catalog

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kpss/internal/audit"
	"kpss/internal/partner"
	"kpss/internal/store"
	"kpss/internal/storetest"
)

// writeNationalExport writes a file in the real export's shape of the size
// of the national one: 6,700 services, about 100 MB (the mission statements,
// goals and principles in doplnkoveUdaje make most of it), one in 76 in the
// district of Zlín (Okres/3705), the rest spread over other districts.
func writeNationalExport(tb testing.TB, path string, services int) int64 {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	long := strings.Repeat("Posláním služby je podporovat lidi v jejich domácím prostředí tak, aby mohli co nejdéle žít svým obvyklým způsobem života. ", 40)
	fmt.Fprint(w, `{"polozky":[`)
	for i := 0; i < services; i++ {
		if i > 0 {
			w.WriteByte(',')
		}
		obec, okres := "Obec/585459", "Okres/3705"
		if i%76 != 0 {
			obec, okres = fmt.Sprintf("Obec/%d", 500000+i), fmt.Sprintf("Okres/%d", 3100+i%75)
		}
		typ := []string{"DruhSocialniSluzby/3", "DruhSocialniSluzby/7", "DruhSocialniSluzby/13", "DruhSocialniSluzby/25"}[i%4]
		rec := map[string]any{
			"portalId": 100000 + i, "id": 200000 + i, "identifikator": fmt.Sprint(3000000 + i),
			"datumPoskytovaniOd": "2007-01-01", "datumPoskytovaniDo": nil, "kontaktniAdresy": []any{},
			"druhSocialniSluzby": map[string]string{"id": typ},
			"zarizeni": []any{map[string]any{"nazev": fmt.Sprintf("Zařízení %d", i), "poskytujeOd": "2010-01-01", "poskytujeDo": nil,
				"adresa": map[string]any{"cisloDomovni": 100 + i%900, "cisloOrientacni": nil, "kodAdresnihoMista": 21000000 + i, "psc": "76361",
					"kraj": map[string]string{"id": "Kraj/141"}, "okres": map[string]string{"id": okres}, "obec": map[string]string{"id": obec},
					"castObce": map[string]string{"id": "CastObce/400001"}, "ulice": map[string]string{"nazev": "Masarykova"}}}},
			"poskytovatel": map[string]any{"ico": validICO(1000000 + i/3), "nazev": fmt.Sprintf("Poskytovatel %d, z. ú.", i/3),
				"statutarniOrgany": []any{map[string]string{"jmeno": "X", "prijmeni": "Y"}},
				"emaily":           []any{map[string]any{"email": fmt.Sprintf("info%d@poskytovatel.example", i/3), "poznamka": nil}}, "telefony": []any{}, "weby": []any{}},
			"emaily":   []any{map[string]any{"email": fmt.Sprintf("sluzba%d@poskytovatel.example", i), "poznamka": nil}},
			"telefony": []any{map[string]any{"telefon": "577100201", "poznamka": nil}}, "faxy": []any{}, "weby": []any{},
			"ciloveSkupiny": []any{map[string]any{"cilovaSkupina": map[string]string{"id": "CilovaSkupinaOsoby/24"}}},
			"vekoveSkupiny": []any{map[string]any{"vekovaSkupina": map[string]string{"id": "VekovaSkupinaOsoby/ms"}}},
			"formy": []any{map[string]any{"forma": map[string]string{"id": "FormaSocialniSluzby/ter"}, "nepretrzitePoskytovani": false,
				"kapacity": []any{map[string]any{"pocet": 30, "popis": "klienti", "typ": map[string]string{"id": "TypKapacitySocialniSluzby/klienti"}}}}},
			"doplnkoveUdaje": map[string]string{"poslani": long, "cile": long, "zasady": long},
		}
		b, _ := json.Marshal(rec)
		w.Write(b)
	}
	fmt.Fprint(w, `]}`)
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	return st.Size()
}

// BenchmarkRegistryImportNational imports a generated national-size export
// (go test -bench RegistryImportNational -benchtime 1x ./internal/catalog)
// into SQLite, keeping the district of Zlín: it reports the file's size and
// the peak of live heap during the import, which stays flat whatever the
// file's size because the export is streamed one record at a time.
func BenchmarkRegistryImportNational(b *testing.B) {
	path := filepath.Join(b.TempDir(), "rpss.json")
	size := writeNationalExport(b, path, 6700)
	cl, err := LoadCodeLists("testdata/ciselniky")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := storetest.New(b, "sqlite")
		ps := partner.NewService(db, audit.New(), time.Now)
		if _, err := ps.CreateTargetGroup(ctx, partner.TargetGroup{Code: "SEN", Name: "Senioři"}); err != nil {
			b.Fatal(err)
		}
		c := New(db, audit.New(), ps, time.Now)
		runtime.GC()
		base := liveHeap()
		var peak atomic.Uint64
		done := make(chan struct{})
		go func() {
			for {
				select {
				case <-done:
					return
				case <-time.After(2 * time.Millisecond):
					if h := liveHeap(); h > peak.Load() {
						peak.Store(h)
					}
				}
			}
		}()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := c.Import(ctx, f, ImportOptions{Codes: cl, District: "Okres/3705"})
		b.StopTimer()
		close(done)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Total != 6700 || len(rep.Created) != 89 || rep.Outside != 6700-89 {
			b.Fatalf("report: total %d created %d outside %d skipped %+v", rep.Total, len(rep.Created), rep.Outside, rep.Skipped[:min(3, len(rep.Skipped))])
		}
		b.ReportMetric(float64(size)/1e6, "file-MB")
		b.ReportMetric(float64(peak.Load()-min(peak.Load(), base))/1e6, "peak-live-heap-MB")
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_services`).Scan(&n)
		if n != 89 {
			b.Fatalf("services: %d", n)
		}
		_ = store.Paging{}
		b.StartTimer()
	}
}

// validICO makes an IČO with its check digit from 7 digits.
func validICO(n int) string {
	d := fmt.Sprintf("%07d", n)
	sum := 0
	for i, c := range d {
		sum += int(c-'0') * (8 - i)
	}
	return d + fmt.Sprint((11-sum%11)%10)
}

// liveHeap is the heap in use by live and not yet swept objects.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
