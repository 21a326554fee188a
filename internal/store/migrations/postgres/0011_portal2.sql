-- Public portal, second step: an index for the catalogue's full-text search on
-- PostgreSQL and one for the search by distance.

-- Full-text search over the folded search column (lower case, no diacritics),
-- with the 'simple' configuration: no stemming and no stop words, so a word
-- matches exactly what SQLite's FTS5 table (unicode61, remove_diacritics 2)
-- matches; queries are word prefixes ('pecovat':*). A stored generated column
-- keeps the vector in step with every write without any code, and the GIN
-- index answers the prefix queries.
ALTER TABLE catalog_services
    ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search)) STORED;
CREATE INDEX catalog_services_fts ON catalog_services USING GIN (search_tsv);

-- The distance search first cuts a latitude/longitude box (geo.Box), then
-- the exact distance; the box is a range scan of this index.
CREATE INDEX catalog_locations_geo ON catalog_locations (latitude, longitude);
-- … then the places without coordinates of the municipalities in the box
-- (at the municipality's centre) and the services serving them.
CREATE INDEX catalog_locations_municipality ON catalog_locations (municipality_id);
CREATE INDEX catalog_municipalities_geo ON municipalities (latitude, longitude);

-- Statistics of the new column now, not when autovacuum next notices: the
-- planner picks the index by them.
ANALYZE catalog_services;
