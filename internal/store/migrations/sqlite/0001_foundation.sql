-- Foundation: partners registry, accounts, sessions, API tokens, audit log.
-- Columns holding personal data are marked "personal"; the retention job and the
-- audit log treat them specially.

CREATE TABLE region (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'orp',
    description TEXT NOT NULL DEFAULT '',
    web         TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE target_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    archived    BOOLEAN NOT NULL DEFAULT FALSE,
    search      TEXT NOT NULL DEFAULT '',
    sort_key    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE municipalities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('town', 'municipality')),
    zuj         TEXT UNIQUE,
    population  INTEGER,
    partner     BOOLEAN NOT NULL DEFAULT FALSE,
    note        TEXT NOT NULL DEFAULT '',
    archived    BOOLEAN NOT NULL DEFAULT FALSE,
    search      TEXT NOT NULL DEFAULT '',
    sort_key    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX municipalities_sort ON municipalities (archived, sort_key);

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    ico         TEXT UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('provider', 'commissioner', 'school', 'ngo', 'health', 'other')),
    address     TEXT NOT NULL DEFAULT '',
    web         TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    partner     BOOLEAN NOT NULL DEFAULT FALSE,
    archived    BOOLEAN NOT NULL DEFAULT FALSE,
    search      TEXT NOT NULL DEFAULT '',
    sort_key    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX organisations_sort ON organisations (archived, sort_key);

CREATE TABLE organisation_municipalities (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    PRIMARY KEY (organisation_id, municipality_id)
);

CREATE TABLE organisation_target_groups (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    target_group_id INTEGER NOT NULL REFERENCES target_groups (id),
    PRIMARY KEY (organisation_id, target_group_id)
);

CREATE TABLE people (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,             -- personal
    email           TEXT NOT NULL DEFAULT '',  -- personal
    phone           TEXT NOT NULL DEFAULT '',  -- personal
    position        TEXT NOT NULL DEFAULT '',
    organisation_id INTEGER REFERENCES organisations (id),
    consent_at      TIMESTAMP,
    consent_note    TEXT NOT NULL DEFAULT '',
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    anonymised_at   TIMESTAMP,
    search          TEXT NOT NULL DEFAULT '',  -- personal (folded name, e-mail)
    sort_key        TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX people_org ON people (organisation_id);
CREATE INDEX people_sort ON people (archived, sort_key);

CREATE TABLE departments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT NOT NULL UNIQUE,
    email          TEXT NOT NULL DEFAULT '',
    head_person_id INTEGER REFERENCES people (id),
    archived       BOOLEAN NOT NULL DEFAULT FALSE,
    search         TEXT NOT NULL DEFAULT '',
    sort_key       TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    login           TEXT NOT NULL UNIQUE,
    full_name       TEXT NOT NULL DEFAULT '',  -- personal
    email           TEXT NOT NULL DEFAULT '',  -- personal
    role            TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations (id),
    department_id   INTEGER REFERENCES departments (id),
    person_id       INTEGER REFERENCES people (id),
    password_hash   TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    lang            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    last_login_at   TIMESTAMP
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',     -- personal
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    summary     TEXT NOT NULL DEFAULT '',
    changed     TEXT NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    search      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
