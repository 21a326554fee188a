package geo

import (
	"math"
	"strconv"
	"testing"
)

func TestParseCoordPlainDecimals(t *testing.T) {
	for _, bad := range []string{"NaN", "nan", "Inf", "-Inf", "+Inf", "1e2", "0x1p4", "1_0", "", "-", ".", "1.2.3", "49,2,1"} {
		if v, err := ParseCoord(bad); err == nil {
			t.Errorf("ParseCoord(%q) = %v, want an error", bad, v)
		}
	}
	for in, want := range map[string]float64{"49.2098": 49.2098, " 49,2098 ": 49.2098, "-0.5": -0.5, "+17": 17, "17.": 17, ".5": 0.5} {
		if v, err := ParseCoord(in); err != nil || v != want {
			t.Errorf("ParseCoord(%q) = %v, %v", in, v, err)
		}
	}
}

// A point typed into a form (the catalogue's place, the suggestion's pin)
// is either refused or a point on the Earth that reads back the same when
// written out, and whose published, coarsened point is a street block away.
func FuzzParsePoint(f *testing.F) {
	for _, s := range []string{"49.2093, 17.5306", "49,2093; 17,5306", "49,2 17,5", "49,2093, 17,5306", "49.2093 17.5306", "NaN, NaN", "Inf, 0", "91, 0", "-90;-180", "1e2 5", "0x1p4, 1", " 49.2 ;17.5 ", "49.2;17.5;3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lat, lng, err := ParsePoint(s)
		if err != nil {
			return
		}
		if !Valid(lat, lng) || math.IsInf(lat, 0) || math.IsInf(lng, 0) {
			t.Fatalf("ParsePoint(%q) = %v, %v: not on the Earth", s, lat, lng)
		}
		out := strconv.FormatFloat(lat, 'f', -1, 64) + ", " + strconv.FormatFloat(lng, 'f', -1, 64)
		if la, ln, err := ParsePoint(out); err != nil || la != lat || ln != lng {
			t.Fatalf("ParsePoint(%q) = %v, %v; written %q, read back %v, %v, %v", s, lat, lng, out, la, ln, err)
		}
		if math.Abs(lat) < 85 {
			cl, cg := Coarsen(lat, lng)
			if !Valid(cl, cg) && math.Abs(cg) <= 180.01 {
				return // a cell's centre past the antimeridian
			}
			if d := Distance(lat, lng, cl, cg); d > 0.25 {
				t.Fatalf("Coarsen(%v, %v) = %v, %v: %.3f km away", lat, lng, cl, cg, d)
			}
		}
	})
}
