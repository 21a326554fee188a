-- Grants decided by expert evaluation: calls with weighted criteria,
-- applications of providers split by their catalogue services with budget
-- tables, blind evaluations with conflict-of-interest declarations, the
-- allocation, the council's decision and the settlement. Catalogue services
-- and plan measures belong to modules below: plain ids, no foreign keys.

CREATE TABLE grant_calls (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    year               INTEGER NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    budget             INTEGER NOT NULL,          -- CZK
    max_request        INTEGER NOT NULL,          -- CZK per application
    scale_max          INTEGER NOT NULL CHECK (scale_max IN (5, 10)),
    eligible_types     TEXT NOT NULL DEFAULT '',  -- catalogue type codes, comma separated
    measure_ids        TEXT NOT NULL DEFAULT '',  -- plan measure ids, comma separated
    formal_checks      TEXT NOT NULL DEFAULT '',  -- one check a line
    published_on       DATE,
    apply_from         DATE NOT NULL,
    apply_until        DATE NOT NULL,
    evaluate_until     DATE,
    decide_on          DATE,
    disagree_pct       INTEGER NOT NULL DEFAULT 0, -- totals differ by more than this % of the maximum (0: off)
    disagree_recommend BOOLEAN NOT NULL DEFAULT FALSE,
    disagree_points    INTEGER NOT NULL DEFAULT 0, -- one criterion differs by at least this (0: off)
    third_rule         TEXT NOT NULL DEFAULT 'replace_further' CHECK (third_rule IN ('replace_further', 'median', 'closest_mean')),
    alloc_method       TEXT NOT NULL DEFAULT 'greedy' CHECK (alloc_method IN ('greedy', 'full_min_score', 'proportional')),
    min_score          REAL NOT NULL DEFAULT 0,    -- % of the maximum
    cap_pct            INTEGER NOT NULL DEFAULT 100,
    settle_until       DATE,
    decision_number    TEXT NOT NULL DEFAULT '',
    decision_body      TEXT NOT NULL DEFAULT '',
    decision_date      DATE,
    copied_from        INTEGER REFERENCES grant_calls (id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX grant_calls_year ON grant_calls (year);

CREATE TABLE grant_criteria (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id     INTEGER NOT NULL REFERENCES grant_calls (id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    weight      INTEGER NOT NULL,
    levels      TEXT NOT NULL DEFAULT ''  -- wording of each score level, one a line from 0 up
);
CREATE INDEX grant_criteria_call ON grant_criteria (call_id, position);

CREATE TABLE grant_applications (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id          INTEGER NOT NULL REFERENCES grant_calls (id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    state            TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'passed', 'excluded')),
    contact_name     TEXT NOT NULL DEFAULT '', -- personal
    contact_email    TEXT NOT NULL DEFAULT '', -- personal
    contact_phone    TEXT NOT NULL DEFAULT '', -- personal
    submitted_at     TIMESTAMP,
    checks_done      TEXT NOT NULL DEFAULT '',  -- formal checks passed, one a line
    check_note       TEXT NOT NULL DEFAULT '',
    fix_until        DATE,
    reopen_until     DATE,
    reopen_reason    TEXT NOT NULL DEFAULT '',
    proposed         INTEGER,                   -- the allocation proposal, CZK
    amount           INTEGER,                   -- changed by the coordinator, CZK
    amount_reason    TEXT NOT NULL DEFAULT '',
    decided          INTEGER,                   -- the council's amount, CZK
    anonymised_at    TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (call_id, organisation_id)
);
CREATE INDEX grant_applications_org ON grant_applications (organisation_id);

CREATE TABLE grant_app_services (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES grant_applications (id),
    service_id     INTEGER NOT NULL,
    service_name   TEXT NOT NULL,
    type_code      TEXT NOT NULL,
    registry_id    TEXT NOT NULL DEFAULT '',
    requested      INTEGER NOT NULL DEFAULT 0,
    note           TEXT NOT NULL DEFAULT '',
    UNIQUE (application_id, service_id)
);

CREATE TABLE grant_budget_lines (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    app_service_id INTEGER NOT NULL REFERENCES grant_app_services (id),
    kind           TEXT NOT NULL,
    total_cost     INTEGER NOT NULL DEFAULT 0,
    other_sources  INTEGER NOT NULL DEFAULT 0,
    requested      INTEGER NOT NULL DEFAULT 0,
    actual         INTEGER,                     -- the settlement
    UNIQUE (app_service_id, kind)
);

CREATE TABLE grant_narratives (
    application_id INTEGER NOT NULL REFERENCES grant_applications (id),
    criterion_id   INTEGER NOT NULL REFERENCES grant_criteria (id),
    body           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, criterion_id)
);

CREATE TABLE grant_attachments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES grant_applications (id),
    name           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    data           BLOB NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX grant_attachments_app ON grant_attachments (application_id);

CREATE TABLE grant_assignments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES grant_applications (id),
    evaluator_id   INTEGER NOT NULL REFERENCES users (id),
    third          BOOLEAN NOT NULL DEFAULT FALSE,
    reason         TEXT NOT NULL DEFAULT '',    -- why a third evaluator was assigned
    state          TEXT NOT NULL CHECK (state IN ('assigned', 'declared', 'conflict', 'submitted')),
    declared_at    TIMESTAMP,
    recommend      BOOLEAN NOT NULL DEFAULT FALSE,
    total          REAL,
    summary        TEXT NOT NULL DEFAULT '',
    submitted_at   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (application_id, evaluator_id)
);
CREATE INDEX grant_assignments_evaluator ON grant_assignments (evaluator_id, state);

CREATE TABLE grant_scores (
    assignment_id INTEGER NOT NULL REFERENCES grant_assignments (id),
    criterion_id  INTEGER NOT NULL REFERENCES grant_criteria (id),
    score         INTEGER,
    comment       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assignment_id, criterion_id)
);

CREATE TABLE grant_flags (
    assignment_id INTEGER NOT NULL REFERENCES grant_assignments (id),
    line_id       INTEGER NOT NULL REFERENCES grant_budget_lines (id),
    kind          TEXT NOT NULL CHECK (kind IN ('ineligible', 'overstated')),
    amount        INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assignment_id, line_id)
);

CREATE TABLE grant_settlements (
    application_id INTEGER PRIMARY KEY REFERENCES grant_applications (id),
    state          TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
    note           TEXT NOT NULL DEFAULT '',
    submitted_at   TIMESTAMP,
    decided_at     TIMESTAMP,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE grant_reminders (
    ref      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    sent_on  DATE NOT NULL,
    PRIMARY KEY (ref, kind)
);
