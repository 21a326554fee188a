package plan

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"kpss/internal/apperr"
	"kpss/internal/czech"
)

func TestParseIndicatorCSV(t *testing.T) {
	got, err := ParseIndicatorCSV([]byte("\xef\xbb\xbfukazatel;rok;hodnota;poznámka\n12;2025;1 234,5;z ČSÚ\n13;2026;−2;\n"))
	want := []IndicatorValue{{IndicatorID: 12, Year: 2025, Value: 1234.5, Note: "z ČSÚ"}, {IndicatorID: 13, Year: 2026, Value: -2}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseIndicatorCSV = %+v, %v", got, err)
	}
	for _, bad := range []string{"1;2025;NaN\n", "1;2025;Inf\n", "1;2025;1e400\n", "1;2025;0x10\n", "1;1999;5\n", "x;y\n2;2025\n", "1;2025;5;pozn\xe1mka\n"} {
		if _, err := ParseIndicatorCSV([]byte(bad)); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("ParseIndicatorCSV(%q): err %v, want Invalid", bad, err)
		}
	}
	_, err = ParseIndicatorCSV([]byte("1;2025;5\n2;2025;6;pozn\xe1mka\n"))
	if e, _ := apperr.As(err); e == nil || e.Fields["file"].Args["Line"] != "2" || !strings.Contains(e.Fields["file"].Args["Problem"].(string), "UTF-8") {
		t.Errorf("Windows-1250 file: %v", err)
	}
}

// writeIndicatorCSV writes values as the import reads them (what a
// coordinator would export from a spreadsheet: ';', decimal commas).
func writeIndicatorCSV(vals []IndicatorValue) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.Write([]string{"ukazatel", "rok", "hodnota", "poznámka"})
	for _, v := range vals {
		w.Write([]string{strconv.FormatInt(v.IndicatorID, 10), strconv.Itoa(v.Year), czech.FormatFloat("cs", v.Value, -1), v.Note})
	}
	w.Flush()
	return b.Bytes()
}

// Any uploaded file is either refused with a Czech message naming the line
// (an Invalid error on the field "file", never an internal one), or read
// into values that are stored as they are: finite numbers, years of the
// plan, notes the database takes; written back as CSV they read the same.
func FuzzParseIndicatorCSV(f *testing.F) {
	for _, s := range []string{
		"\xef\xbb\xbfukazatel;rok;hodnota;poznámka\n12;2025;1 234,5;z ČSÚ\n13;2026;−2;\n",
		"id,year,value\n1,2025,3.5\n",
		"1;2025;NaN\n", "1;2025;Inf\n", "1;2025;5;\"víceřádková\npoznámka\"\n", "1;2025;5;pozn\xe1mka\n",
		"1;2025;5;a\x00b\n", "\n\n1;2100;0\n", "1;2025\n", "\"1;2025;5\n", "9223372036854775808;2025;1\n",
	} {
		f.Add([]byte(s))
	}
	cs := map[string]json.RawMessage{}
	if b, err := os.ReadFile("i18n/cs.json"); err == nil {
		json.Unmarshal(b, &cs)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		vals, err := ParseIndicatorCSV(b)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Invalid || e.Fields["file"].Key != "plan.err.csv_line" || cs[e.Fields["file"].Key] == nil {
				t.Fatalf("ParseIndicatorCSV(%q): %v is not a Czech problem of the file", b, err)
			}
			if p, _ := e.Fields["file"].Args["Problem"].(string); p == "" || !utf8.ValidString(p) {
				t.Fatalf("ParseIndicatorCSV(%q): problem %q", b, p)
			}
			return
		}
		for _, v := range vals {
			if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) || v.Year < 2000 || v.Year > 2100 || !utf8.ValidString(v.Note) ||
				strings.ContainsFunc(v.Note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) || v.Note != strings.TrimSpace(v.Note) {
				t.Fatalf("ParseIndicatorCSV(%q) accepted %+v", b, v)
			}
		}
		back, err := ParseIndicatorCSV(writeIndicatorCSV(vals))
		if err != nil || len(back) != len(vals) || (len(vals) > 0 && !reflect.DeepEqual(back, vals)) {
			t.Fatalf("ParseIndicatorCSV(%q) = %+v; written back and read: %+v, %v", b, vals, back, err)
		}
	})
}
