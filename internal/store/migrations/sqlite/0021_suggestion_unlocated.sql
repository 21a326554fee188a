-- A suggestion may arrive without a known municipality (an Open311 app that
-- sends only a point outside every municipality, or an address naming none):
-- it waits in the coordinator's inbox marked "obec nezjištěna" until the
-- coordinator assigns one. SQLite cannot drop a NOT NULL in place, so the
-- table is rebuilt; foreign keys pointing at it are checked at commit (the
-- copy put back gives every child row its parent again).
PRAGMA defer_foreign_keys = ON;

CREATE TABLE suggestions_copy AS SELECT * FROM suggestions;
DROP TABLE suggestions;

CREATE TABLE suggestions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    code             TEXT NOT NULL UNIQUE,
    text             TEXT NOT NULL,
    category_id      INTEGER NOT NULL REFERENCES suggestion_categories (id),
    municipality_id  INTEGER REFERENCES municipalities (id), -- NULL: not known yet (obec nezjištěna)
    target_group_id  INTEGER REFERENCES target_groups (id),
    address          TEXT NOT NULL DEFAULT '',        -- personal when location_private
    lat              REAL,                            -- personal when location_private
    lng              REAL,                            -- personal when location_private
    location_private BOOLEAN NOT NULL DEFAULT FALSE,
    source           TEXT NOT NULL,
    state            TEXT NOT NULL,
    department_id    INTEGER REFERENCES departments (id),
    due_date         TEXT,
    quick_win        BOOLEAN NOT NULL DEFAULT FALSE,
    duplicate_of     INTEGER REFERENCES suggestions (id),
    public_note      TEXT NOT NULL DEFAULT '',
    redirect_to      TEXT NOT NULL DEFAULT '',
    plan_ref         TEXT NOT NULL DEFAULT '',
    contact_name     TEXT NOT NULL DEFAULT '',        -- personal
    contact_email    TEXT NOT NULL DEFAULT '',        -- personal
    contact_phone    TEXT NOT NULL DEFAULT '',        -- personal
    consent_at       TIMESTAMP,
    has_photo        BOOLEAN NOT NULL DEFAULT FALSE,
    received_at      TIMESTAMP NOT NULL,
    closed_at        TIMESTAMP,
    days_to_close    INTEGER,
    anonymised_at    TIMESTAMP,
    search           TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    plan_measure_id  INTEGER,
    lang             TEXT NOT NULL DEFAULT 'cs'
);

INSERT INTO suggestions (id, code, text, category_id, municipality_id, target_group_id, address, lat, lng, location_private,
    source, state, department_id, due_date, quick_win, duplicate_of, public_note, redirect_to, plan_ref,
    contact_name, contact_email, contact_phone, consent_at, has_photo, received_at, closed_at, days_to_close,
    anonymised_at, search, created_at, updated_at, plan_measure_id, lang)
SELECT id, code, text, category_id, municipality_id, target_group_id, address, lat, lng, location_private,
    source, state, department_id, due_date, quick_win, duplicate_of, public_note, redirect_to, plan_ref,
    contact_name, contact_email, contact_phone, consent_at, has_photo, received_at, closed_at, days_to_close,
    anonymised_at, search, created_at, updated_at, plan_measure_id, lang
FROM suggestions_copy ORDER BY id;
DROP TABLE suggestions_copy;

CREATE INDEX suggestions_received ON suggestions (received_at);
CREATE INDEX suggestions_state ON suggestions (state, received_at);
CREATE INDEX suggestions_department ON suggestions (department_id, state);
CREATE INDEX suggestions_due ON suggestions (due_date);
CREATE INDEX suggestions_closed ON suggestions (closed_at);
CREATE INDEX suggestions_plan_measure ON suggestions (plan_measure_id) WHERE plan_measure_id IS NOT NULL;
CREATE INDEX suggestions_category ON suggestions (category_id, received_at, state);
CREATE INDEX suggestions_municipality ON suggestions (municipality_id, received_at, state);
CREATE INDEX suggestions_overdue ON suggestions (due_date) WHERE state IN ('new', 'accepted', 'in_progress') AND due_date IS NOT NULL;
-- The inbox's "obec nezjištěna" list.
CREATE INDEX suggestions_unlocated ON suggestions (received_at) WHERE municipality_id IS NULL;
