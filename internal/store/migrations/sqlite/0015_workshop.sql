-- Workshops (key activity 3 of the seed project): non-accredited training
-- for providers' and commissioners' staff, with service users and carers
-- invited; time blocks, quotas per audience, registrations with a waiting
-- list, attendance per block, certificates of attendance.

CREATE TABLE workshops (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    topic             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    lecturer_name     TEXT NOT NULL DEFAULT '',
    lecturer_org      TEXT NOT NULL DEFAULT '',
    lecturer_bio      TEXT NOT NULL DEFAULT '',
    place_id          INTEGER,            -- a place of the groups module (its service checks it)
    organiser         TEXT NOT NULL DEFAULT '',
    min_participants  INTEGER NOT NULL DEFAULT 10,
    cert_percent      INTEGER NOT NULL DEFAULT 75,
    offer_hours       INTEGER NOT NULL DEFAULT 24,
    state             TEXT NOT NULL CHECK (state IN ('draft', 'published', 'held', 'not_held', 'cancelled')),
    reminded_at       TIMESTAMP,                 -- the day-before reminder was queued
    search            TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX workshops_state ON workshops (state, id);

CREATE TABLE workshop_blocks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop_id    INTEGER NOT NULL REFERENCES workshops (id),
    title          TEXT NOT NULL DEFAULT '',
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    break_minutes  INTEGER NOT NULL DEFAULT 0,
    code           TEXT NOT NULL           -- the attendance code shown at the workshop
);
CREATE INDEX workshop_blocks_workshop ON workshop_blocks (workshop_id, starts_at);
CREATE INDEX workshop_blocks_time ON workshop_blocks (starts_at);

CREATE TABLE workshop_quotas (
    workshop_id  INTEGER NOT NULL REFERENCES workshops (id),
    audience     TEXT NOT NULL CHECK (audience IN ('staff', 'commissioner', 'user', 'carer')),
    places       INTEGER NOT NULL,
    PRIMARY KEY (workshop_id, audience)
);

CREATE TABLE workshop_registrations (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop_id       INTEGER NOT NULL REFERENCES workshops (id),
    user_id           INTEGER REFERENCES users (id),
    name              TEXT NOT NULL,             -- personal
    email             TEXT NOT NULL DEFAULT '',  -- personal
    phone             TEXT NOT NULL DEFAULT '',  -- personal
    organisation      TEXT NOT NULL DEFAULT '',  -- personal
    role              TEXT NOT NULL DEFAULT '',  -- personal
    audience          TEXT NOT NULL CHECK (audience IN ('staff', 'commissioner', 'user', 'carer')),
    needs             TEXT NOT NULL DEFAULT '',  -- personal (accessibility needs)
    assistant         BOOLEAN NOT NULL DEFAULT FALSE,
    state             TEXT NOT NULL CHECK (state IN ('confirmed', 'waitlisted', 'offered', 'cancelled', 'expired')),
    position          INTEGER NOT NULL DEFAULT 0,
    offer_expires_at  TIMESTAMP,
    token             TEXT NOT NULL UNIQUE,
    person_key        TEXT NOT NULL DEFAULT '',  -- personal (folded e-mail or name: the hours ledger)
    anonymised_at     TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX workshop_registrations_workshop ON workshop_registrations (workshop_id, state, position, id);
CREATE INDEX workshop_registrations_offer ON workshop_registrations (state, offer_expires_at);

CREATE TABLE workshop_attendance (
    registration_id  INTEGER NOT NULL REFERENCES workshop_registrations (id),
    block_id         INTEGER NOT NULL REFERENCES workshop_blocks (id),
    method           TEXT NOT NULL CHECK (method IN ('sheet', 'code')),
    recorded_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (registration_id, block_id)
);
CREATE INDEX workshop_attendance_block ON workshop_attendance (block_id);

CREATE TABLE workshop_certificate_counters (
    year  INTEGER PRIMARY KEY,
    next  INTEGER NOT NULL
);

CREATE TABLE workshop_certificates (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    number           TEXT NOT NULL UNIQUE,
    code             TEXT NOT NULL UNIQUE,
    workshop_id      INTEGER NOT NULL REFERENCES workshops (id),
    registration_id  INTEGER NOT NULL UNIQUE REFERENCES workshop_registrations (id),
    holder           TEXT NOT NULL,              -- personal
    hours_minutes    INTEGER NOT NULL,
    issued_at        TIMESTAMP NOT NULL
);
CREATE INDEX workshop_certificates_workshop ON workshop_certificates (workshop_id);
