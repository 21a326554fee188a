package geo

import (
	"math"
	"testing"
)

// Town halls of the demo region (from the cadastral map, rounded).
const (
	otrokoviceLat, otrokoviceLng = 49.2098, 17.5307
	napajedlaLat, napajedlaLng   = 49.1716, 17.5120
)

func TestDistanceBetweenTowns(t *testing.T) {
	d := Distance(otrokoviceLat, otrokoviceLng, napajedlaLat, napajedlaLng)
	// Otrokovice–Napajedla is about 4.5 km as the crow flies.
	if d < 4.2 || d > 4.7 {
		t.Fatalf("Otrokovice–Napajedla = %.2f km, want about 4.5", d)
	}
	if d2 := Distance(napajedlaLat, napajedlaLng, otrokoviceLat, otrokoviceLng); math.Abs(d-d2) > 1e-9 {
		t.Fatalf("distance not symmetric: %v vs %v", d, d2)
	}
	if d := Distance(50.0755, 14.4378, 49.1951, 16.6068); d < 180 || d > 190 {
		t.Fatalf("Praha–Brno = %.1f km, want about 185", d)
	}
}

func TestBoxContainsCircle(t *testing.T) {
	minLat, maxLat, minLng, maxLng := Box(otrokoviceLat, otrokoviceLng, 10)
	// Points 10 km north, south, east and west lie in the box; 12 km does not.
	for bearing := 0.0; bearing < 360; bearing += 15 {
		lat, lng := destination(otrokoviceLat, otrokoviceLng, 9.99, bearing)
		if lat < minLat || lat > maxLat || lng < minLng || lng > maxLng {
			t.Fatalf("point at 10 km, bearing %v (%v,%v) outside the box", bearing, lat, lng)
		}
	}
	lat, _ := destination(otrokoviceLat, otrokoviceLng, 12, 0)
	if lat <= maxLat {
		t.Fatalf("point 12 km north (%v) inside the box (max %v)", lat, maxLat)
	}
}

func TestCoarsenHidesTheHouse(t *testing.T) {
	lat, lng := 49.209812, 17.530745
	cLat, cLng := Coarsen(lat, lng)
	d := Distance(lat, lng, cLat, cLng)
	if d == 0 || d > 0.12 {
		t.Fatalf("coarsened point %.0f m away, want within the ~150 m cell and not the same point", d*1000)
	}
	// Neighbours in one cell publish the same point; the same input always the same output.
	nLat, nLng := Coarsen(lat+0.00001, lng+0.00001)
	if aLat, aLng := Coarsen(lat, lng); aLat != cLat || aLng != cLng {
		t.Fatal("Coarsen is not deterministic")
	}
	if Distance(nLat, nLng, cLat, cLng) > 0.25 {
		t.Fatal("a neighbour 1 m away landed far away")
	}
}

func TestParsePoint(t *testing.T) {
	for in, want := range map[string][2]float64{
		"49.2098, 17.5307":  {49.2098, 17.5307},
		"49.2098 17.5307":   {49.2098, 17.5307},
		"49,2098; 17,5307":  {49.2098, 17.5307},
		"49,2098, 17,5307":  {49.2098, 17.5307},
		" 49.2098;17.5307 ": {49.2098, 17.5307},
	} {
		lat, lng, err := ParsePoint(in)
		if err != nil || lat != want[0] || lng != want[1] {
			t.Errorf("ParsePoint(%q) = %v, %v, %v; want %v", in, lat, lng, err, want)
		}
	}
	for _, bad := range []string{"", "Otrokovice", "95, 17", "49.2", "49.2, abc"} {
		if _, _, err := ParsePoint(bad); err == nil {
			t.Errorf("ParsePoint(%q) accepted", bad)
		}
	}
}

// destination walks km from a point along a bearing (degrees).
func destination(lat, lng, km, bearing float64) (float64, float64) {
	δ := km / earthRadius
	θ := rad(bearing)
	φ1, λ1 := rad(lat), rad(lng)
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	return φ2 * 180 / math.Pi, λ2 * 180 / math.Pi
}
