-- Suggestions, second part: the link to a measure of the community plan, the
-- citizen's language (for e-mails), indexes for the inbox and the public list
-- at a million rows, and the tallies the statistics page reads.

-- The measure of the community plan a suggestion was referred to. A plain
-- number (no foreign key): the plan module sits above this one.
ALTER TABLE suggestions ADD COLUMN plan_measure_id BIGINT;
-- The language the citizen wrote in ("cs", "en"); their e-mails use it.
ALTER TABLE suggestions ADD COLUMN lang TEXT NOT NULL DEFAULT 'cs';

CREATE INDEX suggestions_plan_measure ON suggestions (plan_measure_id) WHERE plan_measure_id IS NOT NULL;
-- Lists filtered by category or municipality, newest first; the state in
-- the index lets a (capped) count of "open ones of a category" skip the rows.
DROP INDEX suggestions_category;
CREATE INDEX suggestions_category ON suggestions (category_id, received_at, state);
CREATE INDEX suggestions_municipality ON suggestions (municipality_id, received_at, state);
-- Open ones past their due date, most overdue first (the overdue list, the
-- digest, the statistics); the queries repeat this condition literally.
CREATE INDEX suggestions_overdue ON suggestions (due_date) WHERE state IN ('new', 'accepted', 'in_progress') AND due_date IS NOT NULL;

-- Tallies for the statistics: how many suggestions were received, resolved,
-- closed, rejected or referred (kind) per Prague day (unit 'd', bucket = the
-- day) and per month (unit 'm', bucket = its first day), per value (item) of
-- each breakdown (dim: category, municipality, department, target_group,
-- source; the item '' is "none"); quick wins as the kinds qw_received and
-- qw_resolved; the days to resolution as dim 'days' of the kind resolved.
-- Kept in the same transaction as every change of a suggestion, rebuilt by
-- `kpss suggestion tallies -db DSN`.
CREATE TABLE suggestion_tallies (
    unit   TEXT NOT NULL,
    bucket DATE NOT NULL,
    kind   TEXT NOT NULL,
    dim    TEXT NOT NULL,
    item   TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (unit, bucket, kind, dim, item)
);
