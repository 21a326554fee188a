package partner

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"kpss/internal/apperr"
	"kpss/internal/audit"
	"kpss/internal/geo"
	"kpss/internal/store"
)

// Municipal boundaries (GeoJSON, from the RÚIAN or OpenStreetMap) tell
// which municipality a point lies in: the suggestions' Open311 intake and
// map pin use them. Set by `kpss municipality boundaries`; not edited in the
// web (nobody draws a boundary by hand).

// Area is what placing a point needs to know of a municipality.
type Area struct {
	ID       int64
	Name     string
	Lat, Lng *float64 // the centre, nil when unknown
	// Bounded: the boundary is known. Shape is loaded only when the point
	// asked about lies in its bounding box (nil otherwise).
	Bounded bool
	Shape   geo.Shape
}

// MunicipalityAreas lists the region's municipalities (not archived) with
// their centres, and the boundaries whose bounding box holds (lat, lng)
// (none when lat or lng is nil): one query.
func (s *Service) MunicipalityAreas(ctx context.Context, lat, lng *float64) ([]Area, error) {
	la, ln := 1000.0, 1000.0 // in no box
	if lat != nil && lng != nil && geo.Valid(*lat, *lng) {
		la, ln = *lat, *lng
	}
	rows, err := s.DB.Query(ctx, `SELECT id, name, latitude, longitude, boundary IS NOT NULL,
		CASE WHEN boundary_min_lat <= ? AND boundary_max_lat >= ? AND boundary_min_lng <= ? AND boundary_max_lng >= ? THEN boundary ELSE NULL END
		FROM municipalities WHERE archived = ? ORDER BY id`, la, la, ln, ln, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Area
	for rows.Next() {
		var a Area
		var b sql.NullString
		if err := rows.Scan(&a.ID, &a.Name, &a.Lat, &a.Lng, &a.Bounded, &b); err != nil {
			return nil, err
		}
		if b.Valid {
			if a.Shape, err = geo.ParseShape([]byte(b.String)); err != nil {
				a.Shape = nil // stored by SetMunicipalityBoundary, so never; be safe
			}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetMunicipalityBoundary stores the boundary of municipality id (nil
// removes it), audited.
func (s *Service) SetMunicipalityBoundary(ctx context.Context, id int64, shape geo.Shape) error {
	var text any
	var box [4]any
	if shape != nil {
		text = string(shape.JSON())
		minLat, maxLat, minLng, maxLng := 90.0, -90.0, 180.0, -180.0
		for _, p := range shape {
			for _, pt := range p[0] {
				minLat, maxLat = math.Min(minLat, pt[1]), math.Max(maxLat, pt[1])
				minLng, maxLng = math.Min(minLng, pt[0]), math.Max(maxLng, pt[0])
			}
		}
		box = [4]any{minLat, maxLat, minLng, maxLng}
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var name string
		if err := tx.QueryRow(ctx, `SELECT name FROM municipalities WHERE id = ?`, id).Scan(&name); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.NotFoundErr("municipality")
			}
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE municipalities SET boundary = ?, boundary_min_lat = ?, boundary_max_lat = ?, boundary_min_lng = ?, boundary_max_lng = ?, updated_at = ? WHERE id = ?`,
			text, box[0], box[1], box[2], box[3], s.Now().UTC().Truncate(time.Microsecond), id); err != nil {
			return err
		}
		summary := name + ": hranice obce smazána"
		if shape != nil {
			n := 0
			for _, p := range shape {
				for _, r := range p {
					n += len(r)
				}
			}
			summary = fmt.Sprintf("%s: hranice obce (%d bodů)", name, n)
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "boundary", Entity: "municipality", EntityID: id, Summary: summary})
	})
}
