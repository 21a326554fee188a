// Package geo holds the little geometry kpss needs: distances between points
// on the Earth, a bounding box for index-friendly prefilters, and coarsening
// of a point so that a published location does not point at someone's door.
// Coordinates are WGS 84 degrees (latitude, longitude), as in GeoJSON and
// on every web map.
package geo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// earthRadius is the mean Earth radius in kilometres.
const earthRadius = 6371.0088

// Distance returns the great-circle distance in kilometres (haversine).
func Distance(lat1, lng1, lat2, lng2 float64) float64 {
	φ1, φ2 := rad(lat1), rad(lat2)
	dφ, dλ := rad(lat2-lat1), rad(lng2-lng1)
	a := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Box returns a latitude/longitude box that contains every point within km
// of (lat, lng). Use it as a cheap WHERE prefilter (it can use an index on
// latitude), then cut exactly with Distance.
func Box(lat, lng, km float64) (minLat, maxLat, minLng, maxLng float64) {
	dLat := km / earthRadius * 180 / math.Pi
	minLat, maxLat = lat-dLat, lat+dLat
	// The longitude span widens towards the poles; take the widest latitude.
	c := math.Cos(rad(math.Min(89.9, math.Max(math.Abs(minLat), math.Abs(maxLat)))))
	dLng := dLat / c
	return minLat, maxLat, lng - dLng, lng + dLng
}

// grid is the size of a coarsening cell in degrees of latitude (~150 m).
const grid = 150.0 / 1000 / earthRadius * 180 / math.Pi

// Coarsen moves a point to the centre of its cell of a ~150 m grid, so that
// a published location shows the street block, not the house. The same point
// always gives the same cell (no random jitter that averaging would undo).
func Coarsen(lat, lng float64) (float64, float64) {
	cLat := (math.Floor(lat/grid) + 0.5) * grid
	g := grid / math.Cos(rad(cLat))
	cLng := (math.Floor(lng/g) + 0.5) * g
	return round6(cLat), round6(cLng)
}

// Valid tells whether lat and lng are coordinates on the Earth.
func Valid(lat, lng float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lng) && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180
}

// ParsePoint reads "49.2093, 17.5306" (or with a space, a semicolon, or a
// decimal comma in each number: "49,2093; 17,5306") as latitude, longitude.
func ParsePoint(s string) (lat, lng float64, err error) {
	s = strings.TrimSpace(s)
	var parts []string
	switch {
	case strings.Contains(s, ";"):
		parts = strings.Split(s, ";")
	case strings.Count(s, ",") == 1:
		parts = strings.Split(s, ",")
	case strings.Count(s, ",") == 3: // decimal commas: "49,2; 17,5" without the semicolon
		i := strings.Index(s[strings.Index(s, ",")+1:], ",") + strings.Index(s, ",") + 1
		parts = []string{s[:i], s[i+1:]}
	default:
		parts = strings.Fields(s)
	}
	if len(parts) != 2 {
		return 0, 0, fmt.Errorf("geo: %q is not a point", s)
	}
	if lat, err = ParseCoord(parts[0]); err != nil {
		return 0, 0, fmt.Errorf("geo: %q is not a point", s)
	}
	if lng, err = ParseCoord(parts[1]); err != nil {
		return 0, 0, fmt.Errorf("geo: %q is not a point", s)
	}
	if !Valid(lat, lng) {
		return 0, 0, fmt.Errorf("geo: %q is outside the Earth's coordinates", s)
	}
	return lat, lng, nil
}

// ParseCoord reads one coordinate in degrees, with a decimal point or a
// decimal comma ("49.2098", " 49,2098 ", "-0.5"). Only plain decimals are
// coordinates: not "NaN", "Inf", "1e2", "0x1p4" or "1_0", which
// strconv.ParseFloat would take (a NaN passes every range check and then
// breaks the JSON of a map).
func ParseCoord(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	digits, dots := 0, 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.':
			dots++
		case (r == '-' || r == '+') && i == 0:
		default:
			return 0, fmt.Errorf("geo: %q is not a number", s)
		}
	}
	if digits == 0 || dots > 1 {
		return 0, fmt.Errorf("geo: %q is not a number", s)
	}
	return strconv.ParseFloat(s, 64)
}

func rad(d float64) float64 { return d * math.Pi / 180 }

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }
