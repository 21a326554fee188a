-- Community plan (periods, priorities, measures, indicators, versions),
-- monitoring rounds with provider reports, early-warning thresholds, voice of
-- users and municipalities, evaluations, generated documents and project
-- targets. Columns holding personal data are marked "personal".

CREATE TABLE plan_periods (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    year_from   INTEGER NOT NULL,
    year_to     INTEGER NOT NULL,
    current     BOOLEAN NOT NULL DEFAULT FALSE,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (year_to >= year_from)
);

CREATE TABLE plan_priorities (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id       INTEGER NOT NULL REFERENCES plan_periods (id),
    target_group_id INTEGER REFERENCES target_groups (id), -- NULL: cross-cutting
    code            TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    sort_order      INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (period_id, code)
);

-- provider_services are the services providers report on. The catalogue
-- module may later own the services; then this table becomes a view of it.
CREATE TABLE provider_services (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    service_type    TEXT NOT NULL DEFAULT '',
    target_group_id INTEGER REFERENCES target_groups (id),
    capacity_unit   TEXT NOT NULL DEFAULT '',
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    sort_key        TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX provider_services_org ON provider_services (organisation_id);

CREATE TABLE plan_measures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id   INTEGER NOT NULL REFERENCES plan_periods (id),
    priority_id INTEGER NOT NULL REFERENCES plan_priorities (id),
    code        TEXT NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('keep', 'develop', 'new', 'systemic')),
    description TEXT NOT NULL DEFAULT '',
    activities  TEXT NOT NULL DEFAULT '',
    timeframe   TEXT NOT NULL DEFAULT '',
    services    TEXT NOT NULL DEFAULT '',
    dropped     BOOLEAN NOT NULL DEFAULT FALSE,
    search      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (period_id, code)
);
CREATE INDEX plan_measures_priority ON plan_measures (priority_id);

CREATE TABLE plan_measure_orgs (
    measure_id      INTEGER NOT NULL REFERENCES plan_measures (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    role            TEXT NOT NULL CHECK (role IN ('responsible', 'partner')),
    PRIMARY KEY (measure_id, organisation_id, role)
);

CREATE TABLE plan_measure_services (
    measure_id INTEGER NOT NULL REFERENCES plan_measures (id),
    service_id INTEGER NOT NULL REFERENCES provider_services (id),
    PRIMARY KEY (measure_id, service_id)
);

CREATE TABLE plan_measure_costs (
    measure_id INTEGER NOT NULL REFERENCES plan_measures (id),
    year       INTEGER NOT NULL,
    amount     INTEGER NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (measure_id, year)
);

CREATE TABLE plan_indicators (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id INTEGER NOT NULL REFERENCES plan_measures (id),
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL DEFAULT '',
    baseline   REAL,
    target     REAL,
    source     TEXT NOT NULL DEFAULT '',
    method     TEXT NOT NULL CHECK (method IN ('manual', 'computed', 'reported')),
    metric     TEXT NOT NULL DEFAULT '',
    service_id INTEGER REFERENCES provider_services (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_indicators_measure ON plan_indicators (measure_id);

CREATE TABLE plan_indicator_values (
    indicator_id INTEGER NOT NULL REFERENCES plan_indicators (id),
    year         INTEGER NOT NULL,
    value        REAL NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator_id, year)
);

CREATE TABLE plan_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id  INTEGER NOT NULL REFERENCES plan_periods (id),
    number     INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    snapshot   TEXT NOT NULL,
    diff       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (period_id, number)
);

CREATE TABLE monitoring_rounds (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    year       INTEGER NOT NULL UNIQUE,
    deadline   DATE NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE monitoring_reports (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id        INTEGER NOT NULL REFERENCES monitoring_rounds (id),
    service_id      INTEGER NOT NULL REFERENCES provider_services (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    state           TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'returned')),
    version         INTEGER NOT NULL DEFAULT 0,
    data            TEXT NOT NULL,
    prefilled       BOOLEAN NOT NULL DEFAULT FALSE,
    unchanged       BOOLEAN NOT NULL DEFAULT FALSE,
    return_comment  TEXT NOT NULL DEFAULT '',
    submitted_at    TIMESTAMP,
    submitted_by    TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (round_id, service_id)
);
CREATE INDEX monitoring_reports_org ON monitoring_reports (organisation_id);

-- Every submission is kept as it was sent (frozen).
CREATE TABLE monitoring_report_versions (
    report_id    INTEGER NOT NULL REFERENCES monitoring_reports (id),
    version      INTEGER NOT NULL,
    data         TEXT NOT NULL,
    unchanged    BOOLEAN NOT NULL DEFAULT FALSE,
    submitted_at TIMESTAMP NOT NULL,
    submitted_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, version)
);

-- One reminder digest per round, organisation and day.
CREATE TABLE monitoring_reminders (
    round_id        INTEGER NOT NULL REFERENCES monitoring_rounds (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    day             TEXT NOT NULL,
    kind            TEXT NOT NULL,
    recipients      INTEGER NOT NULL DEFAULT 0,
    sent_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (round_id, organisation_id, day)
);

CREATE TABLE warning_rules (
    code       TEXT PRIMARY KEY,
    threshold  REAL NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO warning_rules (code, threshold, enabled, updated_at) VALUES
    ('waiting_growth', 20, TRUE, CURRENT_TIMESTAMP),
    ('refusals_rose', 10, TRUE, CURRENT_TIMESTAMP),
    ('utilisation_high', 95, TRUE, CURRENT_TIMESTAMP),
    ('income_fell', 15, TRUE, CURRENT_TIMESTAMP),
    ('staff_fell', 10, TRUE, CURRENT_TIMESTAMP);

CREATE TABLE voice_inputs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    day             DATE NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('consultation', 'public_meeting', 'users_council', 'survey', 'suggestion', 'other')),
    target_group_id INTEGER REFERENCES target_groups (id),
    text            TEXT NOT NULL, -- personal (may name people; kept only as typed by the coordinator)
    search          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE voice_input_measures (
    input_id   INTEGER NOT NULL REFERENCES voice_inputs (id),
    measure_id INTEGER NOT NULL REFERENCES plan_measures (id),
    PRIMARY KEY (input_id, measure_id)
);

CREATE TABLE municipality_indicators (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    year            INTEGER NOT NULL,
    name            TEXT NOT NULL,
    value           REAL NOT NULL,
    unit            TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (municipality_id, year, name)
);

CREATE TABLE plan_evaluations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id     INTEGER NOT NULL REFERENCES plan_measures (id),
    year           INTEGER NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('fulfilled', 'partly', 'not_fulfilled', 'not_started', 'dropped')),
    justification  TEXT NOT NULL DEFAULT '',
    evidence       TEXT NOT NULL DEFAULT '',
    values_json    TEXT NOT NULL DEFAULT '',
    proposed_by    TEXT NOT NULL DEFAULT '',
    proposed_at    TIMESTAMP NOT NULL,
    approved       BOOLEAN NOT NULL DEFAULT FALSE,
    approved_by    TEXT NOT NULL DEFAULT '',
    approved_at    TIMESTAMP,
    resolution_ref TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (measure_id, year)
);

CREATE TABLE plan_documents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL CHECK (kind IN ('plan', 'evaluation')),
    period_id    INTEGER NOT NULL REFERENCES plan_periods (id),
    year         INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL,
    title        TEXT NOT NULL,
    html         TEXT NOT NULL,
    pdf          BLOB NOT NULL,
    generated_by TEXT NOT NULL DEFAULT '',
    generated_at TIMESTAMP NOT NULL,
    UNIQUE (kind, period_id, year, version)
);

CREATE TABLE project_targets (
    code       TEXT PRIMARY KEY,
    target     INTEGER NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO project_targets (code, target, sort_order, updated_at) VALUES
    ('meetings', 72, 1, CURRENT_TIMESTAMP),
    ('workshops', 6, 2, CURRENT_TIMESTAMP),
    ('participants', 60, 3, CURRENT_TIMESTAMP);
