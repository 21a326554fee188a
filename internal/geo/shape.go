package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Shape is an area: polygons, each an outer ring and its holes, each ring
// [longitude, latitude] points as in GeoJSON. A municipality's boundary.
type Shape [][][][2]float64

// ErrShape is wrapped by the errors of ParseShape.
var ErrShape = errors.New("geo: not an area")

// maxShapePoints caps a boundary (the most detailed municipal boundary of
// the RÚIAN has tens of thousands of points).
const maxShapePoints = 500_000

// ParseShape reads a GeoJSON Polygon or MultiPolygon, bare or as the
// geometry of a Feature. Every ring needs at least four points, the last
// the same as the first, all on the Earth.
func ParseShape(b []byte) (Shape, error) {
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
		Geometry    json.RawMessage `json:"geometry"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrShape, err)
	}
	if g.Type == "Feature" {
		if len(bytes.TrimSpace(g.Geometry)) == 0 || string(bytes.TrimSpace(g.Geometry)) == "null" {
			return nil, fmt.Errorf("%w: a feature without a geometry", ErrShape)
		}
		return ParseShape(g.Geometry)
	}
	var s Shape
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrShape, err)
		}
		s = Shape{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &s); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrShape, err)
		}
	default:
		return nil, fmt.Errorf("%w: type %q is no Polygon or MultiPolygon", ErrShape, g.Type)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s Shape) check() error {
	if len(s) == 0 {
		return fmt.Errorf("%w: no polygon", ErrShape)
	}
	n := 0
	for _, p := range s {
		if len(p) == 0 {
			return fmt.Errorf("%w: a polygon without a ring", ErrShape)
		}
		for _, ring := range p {
			if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
				return fmt.Errorf("%w: a ring needs at least four points, the last the same as the first", ErrShape)
			}
			for _, pt := range ring {
				if !Valid(pt[1], pt[0]) || math.IsInf(pt[0], 0) || math.IsInf(pt[1], 0) {
					return fmt.Errorf("%w: the point %v is not on the Earth", ErrShape, pt)
				}
			}
			n += len(ring)
		}
	}
	if n > maxShapePoints {
		return fmt.Errorf("%w: more than %d points", ErrShape, maxShapePoints)
	}
	return nil
}

// JSON writes the shape as a GeoJSON MultiPolygon.
func (s Shape) JSON() []byte {
	b, _ := json.Marshal(struct {
		Type        string `json:"type"`
		Coordinates Shape  `json:"coordinates"`
	}{"MultiPolygon", s})
	return b
}

// Contains reports whether (lat, lng) lies inside the shape: inside a
// polygon's outer ring and outside its holes (even-odd rule; a point on the
// edge may fall either way).
func (s Shape) Contains(lat, lng float64) bool {
	for _, p := range s {
		if len(p) == 0 || !inRing(p[0], lat, lng) {
			continue
		}
		inHole := false
		for _, h := range p[1:] {
			if inRing(h, lat, lng) {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

// inRing casts a ray from the point to the east and counts the edges it
// crosses.
func inRing(ring [][2]float64, lat, lng float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
		if (yi > lat) != (yj > lat) && lng < (xj-xi)*(lat-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}
