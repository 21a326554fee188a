-- Public portal, second step. The catalogue's full-text search on SQLite is
-- the FTS5 table catalog_fts (0005); PostgreSQL gets its index in its own
-- 0011. Here: an index for the search by distance, which first cuts a
-- latitude/longitude box (geo.Box), then the exact distance.
CREATE INDEX catalog_locations_geo ON catalog_locations (latitude, longitude);
-- … then the places without coordinates of the municipalities in the box
-- (at the municipality's centre) and the services serving them.
CREATE INDEX catalog_locations_municipality ON catalog_locations (municipality_id);
CREATE INDEX catalog_municipalities_geo ON municipalities (latitude, longitude);
