-- Plan, second part: inputs of users can be archived and their text is
-- anonymised after the retention period (names and contacts); provider
-- services know their municipality and the catalogue entry they are (for the
-- map of the network); evaluations cite resolutions of the groups module.

ALTER TABLE voice_inputs ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE voice_inputs ADD COLUMN anonymised_at TIMESTAMPTZ; -- when the retention job removed names and contacts from the text
CREATE INDEX voice_inputs_day ON voice_inputs (day);

ALTER TABLE provider_services ADD COLUMN municipality_id BIGINT REFERENCES municipalities (id);
-- The catalogue module sits above the plan: a plain id, no foreign key.
ALTER TABLE provider_services ADD COLUMN catalog_service_id BIGINT;

-- The steering group's resolution approving an evaluation.
ALTER TABLE plan_evaluations ADD COLUMN resolution_id BIGINT REFERENCES resolutions (id);

-- Resolutions cited as evidence of an evaluation.
CREATE TABLE plan_evaluation_resolutions (
    evaluation_id BIGINT NOT NULL REFERENCES plan_evaluations (id),
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id),
    PRIMARY KEY (evaluation_id, resolution_id)
);
