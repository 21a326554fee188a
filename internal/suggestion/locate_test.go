package suggestion

import (
	"testing"

	"kpss/internal/geo"
)

func fp(v float64) *float64 { return &v }

// The demo region's municipalities (ORP Otrokovice), centres approximate.
var demoPlaces = []Place{
	{ID: 1, Name: "Otrokovice", Lat: fp(49.2098), Lng: fp(17.5306)},
	{ID: 2, Name: "Napajedla", Lat: fp(49.1716), Lng: fp(17.5121)},
	{ID: 3, Name: "Bělov", Lat: fp(49.2295), Lng: fp(17.4828)},
	{ID: 4, Name: "Halenkovice", Lat: fp(49.1707), Lng: fp(17.4699)},
	{ID: 5, Name: "Nová Dědina", Lat: fp(49.2066), Lng: fp(17.4507)},
	{ID: 6, Name: "Oldřichovice", Lat: fp(49.188), Lng: fp(17.5577)},
	{ID: 7, Name: "Pohořelice", Lat: fp(49.1766), Lng: fp(17.5452)},
	{ID: 8, Name: "Žlutava", Lat: fp(49.1991), Lng: fp(17.4921)},
	{ID: 9, Name: "Tlumačov", Lat: fp(49.2509), Lng: fp(17.4996)},
	{ID: 10, Name: "Dědina", Lat: nil, Lng: nil},
}

func TestLocate(t *testing.T) {
	for _, c := range []struct {
		name     string
		lat, lng *float64
		address  string
		want     int64
	}{
		{"address with diacritics", nil, nil, "Tř. Tomáše Bati 1234, 765 02 Otrokovice", 1},
		{"address without diacritics and in capitals", nil, nil, "Masarykova 5, TLUMACOV", 9},
		{"the town named last wins", nil, nil, "Napajedelská 12, Otrokovice", 1},
		{"a street named after a town is no town", nil, nil, "Otrokovická 12", 0},
		{"the longer name ending at the same word", nil, nil, "Nová Dědina 15", 5},
		{"a municipality without a centre by its name", nil, nil, "čp. 3, Dědina", 10},
		{"two towns: the last", nil, nil, "Bělov, u hřiště směr Žlutava", 8},
		{"a point near a centre", fp(49.2101), fp(17.5302), "", 1},
		{"a point between villages goes to the nearest", fp(49.2000), fp(17.4950), "", 8},
		{"the address beats the nearest centre", fp(49.2101), fp(17.5302), "náves, Bělov", 3},
		{"an address naming nothing falls back to the point", fp(49.1716), fp(17.5121), "u kostela", 2},
		{"Zlín, 9 km east of the region, is none of it", fp(49.2265), fp(17.6670), "", 0},
		{"Prague is none of it", fp(50.0755), fp(14.4378), "Václavské náměstí, Praha", 0},
		{"nothing to go by", nil, nil, "", 0},
		{"only one coordinate", fp(49.2101), nil, "", 0},
	} {
		if got := Locate(demoPlaces, c.lat, c.lng, c.address); got != c.want {
			t.Errorf("%s: Locate = %d, want %d", c.name, got, c.want)
		}
	}
	// A region of one municipality takes points up to MaxCentreKm away.
	one := demoPlaces[:1]
	if got := Locate(one, fp(49.2098), fp(17.65), ""); got != 1 {
		t.Errorf("one municipality, 8.7 km away: %d", got)
	}
	if got := Locate(one, fp(49.2098), fp(17.80), ""); got != 0 {
		t.Errorf("one municipality, 20 km away: %d", got)
	}
}

// A known boundary beats the address and the nearest centre; a point
// outside a known boundary is not given to that municipality by its
// centre; where every boundary is known, a point outside all of them
// belongs to none.
func TestLocateByBoundary(t *testing.T) {
	square := func(lat0, lng0, lat1, lng1 float64) geo.Shape {
		return geo.Shape{{{{lng0, lat0}, {lng1, lat0}, {lng1, lat1}, {lng0, lat1}, {lng0, lat0}}}}
	}
	places := append([]Place{}, demoPlaces...)
	// Bělov's (made-up) boundary reaches south to the Otrokovice centre.
	places[2].Bounded, places[2].Shape = true, square(49.205, 17.47, 49.24, 17.535)
	if got := Locate(places, fp(49.2100), fp(17.5300), ""); got != 3 {
		t.Errorf("inside Bělov's boundary, by Otrokovice's centre: %d", got)
	}
	if got := Locate(places, fp(49.2100), fp(17.5300), "Otrokovice"); got != 3 {
		t.Errorf("the boundary beats the address: %d", got)
	}
	// Just outside Bělov's boundary, nearest to Bělov's centre: not Bělov.
	if got := Locate(places, fp(49.2295), fp(17.4650), ""); got == 3 {
		t.Errorf("outside Bělov's boundary but given to Bělov")
	}
	all := make([]Place, len(places))
	for i, p := range places {
		p.Bounded = true
		if p.ID != 3 {
			p.Shape = nil // their boxes rule the point out
		}
		all[i] = p
	}
	if got := Locate(all, fp(49.2295), fp(17.4650), ""); got != 0 {
		t.Errorf("outside every known boundary: %d", got)
	}
	if got := Locate(all, fp(49.2295), fp(17.4650), "Nová Dědina 5"); got != 5 {
		t.Errorf("the address still counts: %d", got)
	}
}
