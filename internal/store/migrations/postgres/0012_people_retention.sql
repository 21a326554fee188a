-- When a person was archived: the retention job anonymises the people who
-- have been archived for longer than the retention period (36 months by
-- default). People archived before this migration count from their last
-- change.
ALTER TABLE people ADD COLUMN archived_at TIMESTAMP;
UPDATE people SET archived_at = updated_at WHERE archived;
CREATE INDEX people_archived_at ON people (archived_at) WHERE anonymised_at IS NULL;
