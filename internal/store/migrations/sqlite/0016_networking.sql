-- Speed networking ("rotující seznamka"): the yearly event, its
-- participants, their wishes and the planned meetings.
-- Columns holding personal data are marked "personal"; the retention job
-- anonymises the participants of events older than 36 months.

CREATE TABLE networking_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT NOT NULL,
    starts_at      TIMESTAMP NOT NULL,
    place          TEXT NOT NULL DEFAULT '',
    tables_count   INTEGER NOT NULL,
    round_minutes  INTEGER NOT NULL,
    change_minutes INTEGER NOT NULL DEFAULT 0,
    break_every    INTEGER NOT NULL DEFAULT 0,
    break_minutes  INTEGER NOT NULL DEFAULT 0,
    max_rounds     INTEGER NOT NULL DEFAULT 0,
    quota          INTEGER NOT NULL DEFAULT 8,
    registration   BOOLEAN NOT NULL DEFAULT FALSE,
    note           TEXT NOT NULL DEFAULT '',
    planned_at     TIMESTAMP,
    lower_bound    INTEGER NOT NULL DEFAULT 0,
    optimal        BOOLEAN NOT NULL DEFAULT FALSE,
    feedback_url   TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX networking_events_start ON networking_events (starts_at);

CREATE TABLE networking_participants (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id          INTEGER NOT NULL REFERENCES networking_events (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,             -- personal
    email             TEXT NOT NULL DEFAULT '',  -- personal
    phone             TEXT NOT NULL DEFAULT '',  -- personal
    person_id         INTEGER REFERENCES people (id),
    organisation_id   INTEGER REFERENCES organisations (id),
    organisation_name TEXT NOT NULL DEFAULT '',
    service           TEXT NOT NULL DEFAULT '',
    share_contacts    BOOLEAN NOT NULL DEFAULT FALSE,
    token             TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL DEFAULT 'registered',
    from_round        INTEGER NOT NULL DEFAULT 1,
    sort_key          TEXT NOT NULL DEFAULT '',  -- personal
    anonymised_at     TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX networking_participants_event ON networking_participants (event_id, sort_key);

CREATE TABLE networking_wishes (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id              INTEGER NOT NULL REFERENCES networking_events (id) ON DELETE CASCADE,
    participant_id        INTEGER NOT NULL REFERENCES networking_participants (id) ON DELETE CASCADE,
    kind                  TEXT NOT NULL,
    target_participant_id INTEGER REFERENCES networking_participants (id) ON DELETE CASCADE,
    target_organisation   TEXT NOT NULL DEFAULT '',
    target_service        TEXT NOT NULL DEFAULT '',
    created_at            TIMESTAMP NOT NULL
);
CREATE INDEX networking_wishes_event ON networking_wishes (event_id, participant_id);

CREATE TABLE networking_meetings (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id  INTEGER NOT NULL REFERENCES networking_events (id) ON DELETE CASCADE,
    round     INTEGER NOT NULL,
    table_no  INTEGER NOT NULL,
    a_id      INTEGER NOT NULL REFERENCES networking_participants (id) ON DELETE CASCADE,
    b_id      INTEGER NOT NULL REFERENCES networking_participants (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    UNIQUE (event_id, round, table_no)
);

-- Pairs wished but not planned, with the reason (for the coordinator).
CREATE TABLE networking_unmet (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id  INTEGER NOT NULL REFERENCES networking_events (id) ON DELETE CASCADE,
    a_id      INTEGER NOT NULL REFERENCES networking_participants (id) ON DELETE CASCADE,
    b_id      INTEGER NOT NULL REFERENCES networking_participants (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX networking_unmet_event ON networking_unmet (event_id);
