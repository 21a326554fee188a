package web

import (
	"encoding/json"
	"math"
	"net/url"
	"os"
	"testing"

	"kpss/internal/apperr"
	"kpss/internal/czech"
	"kpss/internal/store"
)

func catalogKeys(t testing.TB) map[string]map[string]json.RawMessage {
	out := map[string]map[string]json.RawMessage{}
	for _, lang := range []string{"cs", "en"} {
		b, err := os.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out[lang] = m
	}
	return out
}

func TestFormNumbersAndDays(t *testing.T) {
	f := NewForm(url.Values{"a": {"12 345,5"}, "b": {"NaN"}, "c": {"18 431"}, "d": {"31. 3. 2026"}, "e": {"2026-02-30"}, "g": {"2026-03-31"}})
	fields := apperr.Fields{}
	if v := f.Number("a", fields); v == nil || *v != 12345.5 {
		t.Errorf("Number(a) = %v", v)
	}
	if v := f.Number("b", fields); v != nil || fields["b"].Key != "err.decimal" {
		t.Errorf("Number(NaN) = %v, %v", v, fields["b"])
	}
	if v := f.Int("c", fields); v == nil || *v != 18431 {
		t.Errorf("Int(c) = %v", v)
	}
	if d := f.Day("d", fields); d.String() != "2026-03-31" {
		t.Errorf("Day(d) = %v", d)
	}
	if d := f.Day("e", fields); !d.IsZero() || fields["e"].Key != "err.day" {
		t.Errorf("Day(30 Feb) = %v", d)
	}
	if d := f.Day("g", fields); d.String() != "2026-03-31" {
		t.Errorf("Day(g) = %v", d)
	}
	if f.Number("missing", fields) != nil || f.Int("missing", fields) != nil || !f.Day("missing", fields).IsZero() || fields["missing"].Key != "" {
		t.Error("an empty field is no error")
	}
}

// Whatever a form field holds, the helpers either read a value that writes
// back and reads again the same (a finite number, a real day), or record a
// problem whose message is in both languages; they never panic.
func FuzzFormNumbers(f *testing.F) {
	for _, s := range []string{"12 345,5", "−3", "NaN", "Inf", "1e5", "18 431", "31. 3. 2026", "31.3.2026", "2026-03-31", "2026-02-30", "29. 2. 2024", "29. 2. 2023", "0. 1. 2026", "1. 1. +2026", " 7 ", "9999999999999999999"} {
		f.Add(s)
	}
	cats := catalogKeys(f)
	f.Fuzz(func(t *testing.T, s string) {
		form := NewForm(url.Values{"x": {s}})
		fields := apperr.Fields{}
		check := func() {
			t.Helper()
			for _, m := range fields {
				if cats["cs"][m.Key] == nil || cats["en"][m.Key] == nil {
					t.Fatalf("%q: problem %q has no message in both languages", s, m.Key)
				}
			}
			for k := range fields {
				delete(fields, k)
			}
		}
		if v := form.Number("x", fields); v != nil {
			if math.IsNaN(*v) || math.IsInf(*v, 0) {
				t.Fatalf("Number(%q) = %v", s, *v)
			}
			out := czech.FormatFloat("cs", *v, -1)
			if back, err := czech.ParseNumber(out); err != nil || back != *v {
				t.Fatalf("Number(%q) = %v, written %q, read back %v", s, *v, out, back)
			}
		} else if form.Get("x") != "" && len(fields) == 0 {
			t.Fatalf("Number(%q): neither a value nor a problem", s)
		}
		check()
		if v := form.Int("x", fields); v != nil {
			if back, err := czech.ParseInt(czech.FormatInt("cs", *v)); err != nil || back != *v {
				t.Fatalf("Int(%q) = %d, read back %d", s, *v, back)
			}
		}
		check()
		if d := form.Day("x", fields); !d.IsZero() {
			iso, err := store.ParseDate(d.String())
			cz, err2 := czech.ParseDate(czech.FormatDate(d.Time))
			if err != nil || err2 != nil || !iso.Equal(d.Time) || !cz.Equal(d.Time) {
				t.Fatalf("Day(%q) = %v; ISO %v %v, Czech %q → %v %v", s, d, iso, err, czech.FormatDate(d.Time), cz, err2)
			}
		} else if form.Get("x") != "" && len(fields) == 0 {
			t.Fatalf("Day(%q): neither a day nor a problem", s)
		}
		check()
	})
}
