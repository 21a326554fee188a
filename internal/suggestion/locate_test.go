package suggestion

import "testing"

func fp(v float64) *float64 { return &v }

// The demo region's municipalities (ORP Otrokovice), centres approximate.
var demoPlaces = []Place{
	{1, "Otrokovice", fp(49.2098), fp(17.5306)},
	{2, "Napajedla", fp(49.1716), fp(17.5121)},
	{3, "Bělov", fp(49.2295), fp(17.4828)},
	{4, "Halenkovice", fp(49.1707), fp(17.4699)},
	{5, "Nová Dědina", fp(49.2066), fp(17.4507)},
	{6, "Oldřichovice", fp(49.188), fp(17.5577)},
	{7, "Pohořelice", fp(49.1766), fp(17.5452)},
	{8, "Žlutava", fp(49.1991), fp(17.4921)},
	{9, "Tlumačov", fp(49.2509), fp(17.4996)},
	{10, "Dědina", nil, nil},
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
