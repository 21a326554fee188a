-- Suggestions (podněty): categories, the suggestions themselves, their
-- history, photos and the daily digest record. Columns holding personal data
-- are marked "personal"; the retention job (kpss retention) anonymises them.

CREATE TABLE suggestion_categories (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    department_id INTEGER REFERENCES departments (id),
    sort_order    INTEGER NOT NULL DEFAULT 0,
    accessibility BOOLEAN NOT NULL DEFAULT FALSE,
    archived      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE suggestions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    code             TEXT NOT NULL UNIQUE,
    text             TEXT NOT NULL,
    category_id      INTEGER NOT NULL REFERENCES suggestion_categories (id),
    municipality_id  INTEGER NOT NULL REFERENCES municipalities (id),
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
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX suggestions_received ON suggestions (received_at);
CREATE INDEX suggestions_state ON suggestions (state, received_at);
CREATE INDEX suggestions_department ON suggestions (department_id, state);
CREATE INDEX suggestions_category ON suggestions (category_id);
CREATE INDEX suggestions_due ON suggestions (due_date);
CREATE INDEX suggestions_closed ON suggestions (closed_at);

CREATE TABLE suggestion_photos (
    suggestion_id INTEGER PRIMARY KEY REFERENCES suggestions (id),
    content_type  TEXT NOT NULL,
    data          BLOB NOT NULL                       -- personal
);

CREATE TABLE suggestion_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    suggestion_id INTEGER NOT NULL REFERENCES suggestions (id),
    at            TIMESTAMP NOT NULL,
    actor_id      INTEGER,
    actor_name    TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    from_state    TEXT NOT NULL DEFAULT '',
    to_state      TEXT NOT NULL DEFAULT '',
    department_id INTEGER REFERENCES departments (id),
    due_date      TEXT,
    public_note   TEXT NOT NULL DEFAULT '',
    internal_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX suggestion_events_suggestion ON suggestion_events (suggestion_id, id);

CREATE TABLE suggestion_digests (
    department_id INTEGER NOT NULL REFERENCES departments (id),
    day           TEXT NOT NULL,
    sent_at       TIMESTAMP NOT NULL,
    items         INTEGER NOT NULL,
    PRIMARY KEY (department_id, day)
);
