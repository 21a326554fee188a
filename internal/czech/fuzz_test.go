package czech

import (
	"math"
	"strconv"
	"testing"
)

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{"12,5": 12.5, "12.5": 12.5, " 12 345,5 ": 12345.5, "18\u00a0431": 18431, "−3": -3, "-0,25": -0.25, "+7": 7, "1\u202f000": 1000, "0": 0} {
		if got, err := ParseNumber(in); err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "NaN", "nan", "Inf", "-Inf", "1e5", "0x1p4", "1_000", "1.234,5", "12,", ",5", "1 ,5 5", "--1", "+-1", "12 345,5 6", "1e400", "abc", "5 %"} {
		if got, err := ParseNumber(bad); err == nil {
			t.Errorf("ParseNumber(%q) = %v, want an error", bad, got)
		}
	}
	if n, err := ParseInt("18 431"); err != nil || n != 18431 {
		t.Errorf("ParseInt = %d, %v", n, err)
	}
	for _, bad := range []string{"1,5", "99999999999999999999", "NaN"} {
		if _, err := ParseInt(bad); err == nil {
			t.Errorf("ParseInt(%q) took it", bad)
		}
	}
	if got := FormatFloat("cs", 1e20, 0); got != "100\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000" {
		t.Errorf("FormatFloat(1e20) = %q", got)
	}
	if got := FormatInt("cs", math.MinInt64); got != "−9\u00a0223\u00a0372\u00a0036\u00a0854\u00a0775\u00a0808" {
		t.Errorf("FormatInt(MinInt64) = %q", got)
	}
}

// What a user types either is a finite number that reads back the same
// when kpss writes it the Czech way, or is refused.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"12,5", "12 345,5", "18\u00a0431", "−3", "-0,25", "+7", "NaN", "Inf", "1e5", "0x1p4", "1_000", "1.234,5", "12,", " 0 ", "9223372036854775808", "1\u202f000,000001", "−"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseNumber(s)
		if err == nil {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("ParseNumber(%q) = %v", s, v)
			}
			out := FormatFloat("cs", v, -1)
			back, err := ParseNumber(out)
			if err != nil || back != v {
				t.Fatalf("ParseNumber(%q) = %v, written %q, read back %v, %v", s, v, out, back, err)
			}
		}
		n, err := ParseInt(s)
		if err == nil {
			out := FormatInt("cs", n)
			if back, err := ParseInt(out); err != nil || back != n {
				t.Fatalf("ParseInt(%q) = %d, written %q, read back %d, %v", s, n, out, back, err)
			}
			if fv, err := ParseNumber(s); err != nil || fv != float64(n) {
				t.Fatalf("ParseInt(%q) = %d but ParseNumber = %v, %v", s, n, fv, err)
			}
		}
	})
}

// What kpss writes the Czech way reads back as the number it wrote.
func FuzzFormatFloat(f *testing.F) {
	for _, v := range []float64{0, -0.5, 1609236.8, 1e20, -1e300, 5e-324, 123456789.123456789} {
		f.Add(v, uint8(2))
	}
	f.Fuzz(func(t *testing.T, v float64, prec uint8) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		p := int(prec % 8)
		out := FormatFloat("cs", v, p)
		want, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', p, 64), 64)
		got, err := ParseNumber(out)
		if err != nil || got != want {
			t.Fatalf("FormatFloat(%v, %d) = %q, read back %v, %v; want %v", v, p, out, got, err, want)
		}
	})
}
