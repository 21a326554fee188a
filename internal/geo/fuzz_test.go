package geo

import (
	"errors"
	"math"
	"reflect"
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

func TestShape(t *testing.T) {
	// A square around Otrokovice with a hole, and a second square.
	s, err := ParseShape([]byte(`{"type":"Feature","properties":{"kod":"585599"},"geometry":{"type":"MultiPolygon","coordinates":[
		[[[17.50,49.19],[17.56,49.19],[17.56,49.23],[17.50,49.23],[17.50,49.19]],[[17.52,49.20],[17.53,49.20],[17.53,49.21],[17.52,49.21],[17.52,49.20]]],
		[[[17.60,49.19],[17.61,49.19],[17.61,49.20],[17.60,49.19]]]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lat, lng float64
		in       bool
	}{{49.215, 17.54, true}, {49.205, 17.525, false}, {49.25, 17.54, false}, {49.191, 17.605, true}, {49.199, 17.601, false}} {
		if got := s.Contains(c.lat, c.lng); got != c.in {
			t.Errorf("Contains(%v, %v) = %v", c.lat, c.lng, got)
		}
	}
	for _, bad := range []string{`{"type":"Point","coordinates":[17,49]}`, `{"type":"Polygon","coordinates":[[[17,49],[18,49],[17,49]]]}`, `{"type":"Polygon","coordinates":[[[17,49],[18,49],[18,50],[17,49.5]]]}`,
		`{"type":"Polygon","coordinates":[[[17,49],[200,49],[18,50],[17,49]]]}`, `{"type":"Feature","geometry":null}`, `{"type":"MultiPolygon","coordinates":[]}`, `nope`} {
		if _, err := ParseShape([]byte(bad)); err == nil || !errors.Is(err, ErrShape) {
			t.Errorf("ParseShape(%s): %v", bad, err)
		}
	}
}

// A boundary from outside (a GeoJSON file of the RÚIAN or OpenStreetMap) is
// either refused, or an area that written back as GeoJSON reads the same
// and answers Contains for any point without trouble.
func FuzzParseShape(f *testing.F) {
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[17.50,49.19],[17.56,49.19],[17.56,49.23],[17.50,49.23],[17.50,49.19]]]}`), 49.2, 17.53)
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}}`), 0.5, 0.9)
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[0,0],[0,0],[0,0],[0,0]]]}`), 0.0, 0.0)
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"Feature","geometry":{}}}`), 1.0, 1.0)
	f.Fuzz(func(t *testing.T, b []byte, lat, lng float64) {
		s, err := ParseShape(b)
		if err != nil {
			if !errors.Is(err, ErrShape) {
				t.Fatalf("ParseShape(%q): %v does not wrap ErrShape", b, err)
			}
			return
		}
		back, err := ParseShape(s.JSON())
		if err != nil || !reflect.DeepEqual(back, s) {
			t.Fatalf("ParseShape(%q) = %v; written %s, read back %v, %v", b, s, s.JSON(), back, err)
		}
		if back.Contains(lat, lng) != s.Contains(lat, lng) {
			t.Fatal("Contains differs after a round trip")
		}
	})
}
