-- A municipality's boundary (GeoJSON MultiPolygon, WGS 84), when known
-- (`kpss municipality boundaries` reads the RÚIAN's or OpenStreetMap's):
-- a suggestion's point inside it belongs to that municipality. NULL: not
-- known, the nearest centre stands in.
ALTER TABLE municipalities ADD COLUMN boundary TEXT;
-- Its bounding box, so that a point is tested against the few boundaries
-- around it, not every one.
ALTER TABLE municipalities ADD COLUMN boundary_min_lat DOUBLE PRECISION;
ALTER TABLE municipalities ADD COLUMN boundary_max_lat DOUBLE PRECISION;
ALTER TABLE municipalities ADD COLUMN boundary_min_lng DOUBLE PRECISION;
ALTER TABLE municipalities ADD COLUMN boundary_max_lng DOUBLE PRECISION;
