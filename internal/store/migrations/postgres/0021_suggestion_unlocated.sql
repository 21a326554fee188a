-- A suggestion may arrive without a known municipality (an Open311 app that
-- sends only a point outside every municipality, or an address naming none):
-- it waits in the coordinator's inbox marked "obec nezjištěna" until the
-- coordinator assigns one.
ALTER TABLE suggestions ALTER COLUMN municipality_id DROP NOT NULL; -- NULL: not known yet (obec nezjištěna)
-- The inbox's "obec nezjištěna" list.
CREATE INDEX suggestions_unlocated ON suggestions (received_at) WHERE municipality_id IS NULL;
