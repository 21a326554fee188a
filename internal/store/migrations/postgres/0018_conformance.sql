-- The region (kraj) a place of a service lies in, e.g. "Zlínský kraj": the
-- HSDS 3.0 address's state_province. The MPSV registry import fills it from
-- its code list of regions; empty when not known (HSDS then uses the value
-- most places of the catalogue have).
ALTER TABLE catalog_locations ADD COLUMN state_province TEXT NOT NULL DEFAULT '';
