package suggestion

import (
	"context"
	"math"
	"strings"
	"unicode"

	"kpss/internal/czech"
	"kpss/internal/geo"
)

// A suggestion from an Open311 app or from the public form's map pin may
// come without a municipality. It is inferred, in this order:
//
//  0. the point inside a municipality's boundary, where boundaries are known
//     (`kpss municipality boundaries`);
//  1. a municipality's name in the address ("Tř. T. Bati 12, Otrokovice"),
//     whole words, without regard to diacritics or case ("otrokovice"); of
//     several, the one named last (Czech addresses end with the town);
//  2. the point: the municipality of the region whose centre is nearest
//     (of those whose boundary is not known: a known one said no),
//     when the point is not much farther from that centre than the
//     centre's own nearest neighbour (1.5 times, between MinCentreKm and
//     MaxCentreKm): a municipality reaches about halfway to its neighbours,
//     so a point well outside the region belongs to none of them.
//
// The citizen's own words come before the nearest centre, which near a
// border may be the neighbour's. Otherwise the suggestion waits in the
// coordinator's inbox as "obec nezjištěna" until the coordinator assigns one.

// MinCentreKm and MaxCentreKm bound how far from the nearest municipality's
// centre a point may lie and still be taken as that municipality's.
const (
	MinCentreKm = 3.0
	MaxCentreKm = 15.0
)

// Place is what the inference needs to know of a municipality.
type Place struct {
	ID       int64
	Name     string
	Lat, Lng *float64 // the centre; nil when unknown
	// Bounded: its boundary is known; Shape is that boundary when the point
	// may lie in it (nil when its bounding box rules the point out).
	Bounded bool
	Shape   geo.Shape
}

// Locate returns the municipality of a suggestion at (lat, lng) with the
// address, or 0 when none can be told. Either may be missing.
func Locate(places []Place, lat, lng *float64, address string) int64 {
	point := lat != nil && lng != nil && geo.Valid(*lat, *lng)
	if point {
		for _, p := range places {
			if p.Shape != nil && p.Shape.Contains(*lat, *lng) {
				return p.ID
			}
		}
	}
	if id := byName(places, address); id != 0 {
		return id
	}
	if !point {
		return 0
	}
	centred := make([]Place, 0, len(places))
	for _, p := range places {
		if p.Lat != nil && p.Lng != nil && geo.Valid(*p.Lat, *p.Lng) {
			centred = append(centred, p)
		}
	}
	best, bestKm := -1, math.Inf(1)
	for i, p := range centred {
		if p.Bounded {
			continue // its boundary is known and the point is not inside
		}
		if d := geo.Distance(*lat, *lng, *p.Lat, *p.Lng); d < bestKm {
			best, bestKm = i, d
		}
	}
	if best < 0 {
		return 0
	}
	// How far the chosen municipality reaches: 1.5 times the distance to
	// its nearest neighbour's centre.
	reach := MaxCentreKm
	b := centred[best]
	for i, p := range centred {
		if i != best {
			if d := geo.Distance(*b.Lat, *b.Lng, *p.Lat, *p.Lng); d > 0 && 1.5*d < reach {
				reach = 1.5 * d
			}
		}
	}
	reach = math.Max(reach, MinCentreKm)
	if bestKm > reach {
		return 0
	}
	return b.ID
}

// words splits folded text into its words (letters and digits).
func words(s string) []string {
	return strings.FieldsFunc(czech.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// byName finds the municipality named last in address (the longest name
// where two end at the same word: "Nový Hrozenkov" over "Hrozenkov").
func byName(places []Place, address string) int64 {
	aw := words(address)
	if len(aw) == 0 {
		return 0
	}
	best, bestEnd, bestLen := int64(0), -1, 0
	for _, p := range places {
		nw := words(p.Name)
		if len(nw) == 0 || len(nw) > len(aw) {
			continue
		}
		for i := len(aw) - len(nw); i >= 0; i-- {
			if equalWords(aw[i:i+len(nw)], nw) {
				end := i + len(nw)
				if end > bestEnd || (end == bestEnd && len(nw) > bestLen) {
					best, bestEnd, bestLen = p.ID, end, len(nw)
				}
				break
			}
		}
	}
	return best
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// places loads the region's municipalities (not archived) for Locate, with
// the boundaries around (lat, lng).
func (s *Service) places(ctx context.Context, lat, lng *float64) ([]Place, error) {
	as, err := s.Partners.MunicipalityAreas(ctx, lat, lng)
	if err != nil {
		return nil, err
	}
	out := make([]Place, len(as))
	for i, a := range as {
		out[i] = Place{ID: a.ID, Name: a.Name, Lat: a.Lat, Lng: a.Lng, Bounded: a.Bounded, Shape: a.Shape}
	}
	return out, nil
}

// locate fills in the municipality of in when it is not given and can be
// told from the place or the address.
func (s *Service) locate(ctx context.Context, in *Input) error {
	if in.MunicipalityID > 0 || (in.Lat == nil && strings.TrimSpace(in.Address) == "") {
		return nil
	}
	ps, err := s.places(ctx, in.Lat, in.Lng)
	if err != nil {
		return err
	}
	in.MunicipalityID = Locate(ps, in.Lat, in.Lng, in.Address)
	return nil
}
