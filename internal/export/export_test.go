package export

import (
	"bytes"
	"encoding/csv"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kpss/internal/store"
)

func sample() Table {
	t := Table{Name: "Skupiny: přehled/2026", Columns: []Column{{Title: "Skupina"}, {Title: "Schůzky", Kind: Int}, {Title: "Účast", Kind: Percent},
		{Title: "Průměr", Kind: Number, Decimals: 2}, {Title: "Den", Kind: Date}, {Title: "Odesláno", Kind: DateTime}, {Title: "Náklady", Kind: Money}, {Title: "Beze změn"}}}
	sent := time.Date(2026, 3, 1, 13, 30, 0, 0, time.UTC) // 14:30 in Prague
	t.Add("Senioři; a rodiny", 12, 83.5, 1.25, store.NewDate(2026, 2, 7), sent, 1234.5, true)
	var none *float64
	t.Add("Děti", 0, none, nil, store.Date{}, time.Time{}, nil, false)
	return t
}

func TestCSVForCzechExcel(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, "\ufeff") {
		t.Fatal("no BOM")
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\ufeff")))
	rd.Comma = ';'
	recs, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Skupina", "Schůzky", "Účast", "Průměr", "Den", "Odesláno", "Náklady", "Beze změn"},
		{"Senioři; a rodiny", "12", "83,5 %", "1,25", "7.2.2026", "1.3.2026 14:30", "1234,5", "ano"},
		{"Děti", "0", "", "", "", "", "", "ne"},
	}
	if len(recs) != len(want) {
		t.Fatalf("records %q", recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, recs[i], want[i])
		}
	}
}

func TestXLSXRealCells(t *testing.T) {
	rec := httptest.NewRecorder()
	second := Table{Name: "Skupiny: přehled/2026", Columns: []Column{{Title: "A"}}}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	if err := XLSX(rec, "skupiny-2026", Meta{Title: "Statistika skupin", Region: "ORP Otrokovice", Date: now}, sample(), second); err != nil {
		t.Fatal(err)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatal(ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="skupiny-2026.xlsx"` {
		t.Fatal(cd)
	}
	f, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "Skupiny- přehled-2026" || sheets[1] != "Skupiny- přehled-2026 (2)" {
		t.Fatalf("sheets %q", sheets)
	}
	sh := sheets[0]
	types := map[string]excelize.CellType{}
	for _, c := range []string{"B2", "C2", "D2", "E2", "F2", "G2"} {
		if types[c], err = f.GetCellType(sh, c); err != nil {
			t.Fatal(err)
		}
	}
	raw := func(c string) string {
		v, _ := f.GetCellValue(sh, c, excelize.Options{RawCellValue: true})
		return v
	}
	if raw("B2") != "12" || raw("C2") != "0.835" || raw("D2") != "1.25" || raw("G2") != "1234.5" {
		t.Errorf("numbers: %s %s %s %s", raw("B2"), raw("C2"), raw("D2"), raw("G2"))
	}
	for c, ty := range types {
		if ty == excelize.CellTypeSharedString || ty == excelize.CellTypeInlineString {
			t.Errorf("%s is text", c)
		}
	}
	// 7.2.2026 is serial 46060; 1.3.2026 14:30 is 46082.604…
	if raw("E2") != "46060" || !strings.HasPrefix(raw("F2"), "46082.604") {
		t.Errorf("dates: %s %s", raw("E2"), raw("F2"))
	}
	if v, _ := f.GetCellValue(sh, "C2"); v != "83.5%" {
		t.Errorf("percent shown as %q", v)
	}
	if v, _ := f.GetCellValue(sh, "C3"); v != "" {
		t.Errorf("nil percent %q", v)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Creator != "kpss" || props.Title != "Statistika skupin" || !strings.Contains(props.Description, "ORP Otrokovice") ||
		!strings.Contains(props.Description, "7. 12. 2026") || !strings.HasPrefix(props.Created, "2026-12-07") {
		t.Errorf("props %+v", props)
	}
	app, err := f.GetAppProps()
	if err != nil || app.Application != "kpss" {
		t.Errorf("app %+v %v", app, err)
	}
}
