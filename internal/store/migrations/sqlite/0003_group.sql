-- Working groups and the steering group: members, meeting places, meetings,
-- agendas, attendance, registrations, resolutions with their numbering,
-- tasks and minutes. Nothing is deleted that a minute or a resolution refers
-- to; memberships end (left_on) instead of disappearing.
-- Columns holding personal data are marked "personal".

CREATE TABLE work_groups (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT NOT NULL CHECK (kind IN ('working', 'steering', 'other')),
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    target_group_id INTEGER REFERENCES target_groups (id),
    purpose         TEXT NOT NULL DEFAULT '',
    quorum_percent  INTEGER NOT NULL DEFAULT 50 CHECK (quorum_percent BETWEEN 1 AND 99),
    public_minutes  BOOLEAN NOT NULL DEFAULT FALSE,
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    search          TEXT NOT NULL DEFAULT '',
    sort_key        TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE group_members (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id         INTEGER NOT NULL REFERENCES work_groups (id),
    person_id        INTEGER NOT NULL REFERENCES people (id),
    role             TEXT NOT NULL CHECK (role IN ('chair', 'deputy', 'member', 'guest')),
    organisation_id  INTEGER REFERENCES organisations (id),
    municipality_id  INTEGER REFERENCES municipalities (id),
    represents_users BOOLEAN NOT NULL DEFAULT FALSE,
    voting           BOOLEAN NOT NULL DEFAULT TRUE,
    joined_on        DATE NOT NULL,
    left_on          DATE,
    note             TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX group_members_group ON group_members (group_id, left_on);
CREATE INDEX group_members_person ON group_members (person_id);

CREATE TABLE meeting_places (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    address           TEXT NOT NULL DEFAULT '',
    wheelchair        BOOLEAN NOT NULL DEFAULT FALSE,
    induction_loop    BOOLEAN NOT NULL DEFAULT FALSE,
    accessible_toilet BOOLEAN NOT NULL DEFAULT FALSE,
    parking           BOOLEAN NOT NULL DEFAULT FALSE,
    public_transport  BOOLEAN NOT NULL DEFAULT FALSE,
    note              TEXT NOT NULL DEFAULT '',
    archived          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    INTEGER NOT NULL REFERENCES work_groups (id),
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    place_id    INTEGER REFERENCES meeting_places (id),
    state       TEXT NOT NULL CHECK (state IN ('planned', 'invited', 'held', 'cancelled')),
    note        TEXT NOT NULL DEFAULT '',
    capacity    INTEGER NOT NULL DEFAULT 0,
    sequence    INTEGER NOT NULL DEFAULT 0,
    invited_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX meetings_group ON meetings (group_id, starts_at);
CREATE INDEX meetings_start ON meetings (starts_at);

CREATE TABLE agenda_items (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id      INTEGER NOT NULL REFERENCES meetings (id),
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('text', 'suggestion', 'measure', 'task')),
    ref_id          INTEGER,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    carried_from_id INTEGER REFERENCES agenda_items (id),
    carried_to_id   INTEGER REFERENCES agenda_items (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id, position);

CREATE TABLE meeting_attendance (
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
    member_id    INTEGER NOT NULL REFERENCES group_members (id),
    status       TEXT NOT NULL DEFAULT '' CHECK (status IN ('', 'present', 'excused', 'absent')),
    response     TEXT NOT NULL DEFAULT '' CHECK (response IN ('', 'attend', 'excused')),
    responded_at TIMESTAMP,
    rsvp_token   TEXT UNIQUE,
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE meeting_guests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
    name         TEXT NOT NULL,             -- personal
    affiliation  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX meeting_guests_meeting ON meeting_guests (meeting_id);

CREATE TABLE meeting_registrations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    name        TEXT NOT NULL,             -- personal
    email       TEXT NOT NULL DEFAULT '',  -- personal
    kind        TEXT NOT NULL CHECK (kind IN ('user', 'carer', 'other')),
    state       TEXT NOT NULL CHECK (state IN ('confirmed', 'waitlisted', 'cancelled')),
    token       TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX meeting_registrations_meeting ON meeting_registrations (meeting_id, state, id);

CREATE TABLE resolution_counters (
    group_id  INTEGER NOT NULL REFERENCES work_groups (id),
    year      INTEGER NOT NULL,
    next      INTEGER NOT NULL,
    PRIMARY KEY (group_id, year)
);

CREATE TABLE resolutions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id        INTEGER NOT NULL REFERENCES work_groups (id),
    meeting_id      INTEGER NOT NULL REFERENCES meetings (id),
    agenda_item_id  INTEGER REFERENCES agenda_items (id),
    year            INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    number          TEXT NOT NULL UNIQUE,
    text            TEXT NOT NULL,
    votes_for       INTEGER NOT NULL DEFAULT 0,
    votes_against   INTEGER NOT NULL DEFAULT 0,
    votes_abstained INTEGER NOT NULL DEFAULT 0,
    outcome         TEXT NOT NULL CHECK (outcome IN ('adopted', 'rejected')),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (group_id, year, seq)
);
CREATE INDEX resolutions_meeting ON resolutions (meeting_id);

CREATE TABLE resolution_tasks (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    resolution_id  INTEGER NOT NULL REFERENCES resolutions (id),
    group_id       INTEGER NOT NULL REFERENCES work_groups (id),
    title          TEXT NOT NULL,
    assignee_kind  TEXT NOT NULL CHECK (assignee_kind IN ('person', 'organisation', 'department')),
    assignee_id    INTEGER NOT NULL,
    due_on         DATE NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('open', 'done', 'cancelled')),
    note           TEXT NOT NULL DEFAULT '',
    done_on        DATE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX resolution_tasks_assignee ON resolution_tasks (assignee_kind, assignee_id, state);
CREATE INDEX resolution_tasks_group ON resolution_tasks (group_id, state, due_on);

CREATE TABLE minutes (
    meeting_id   INTEGER PRIMARY KEY REFERENCES meetings (id),
    state        TEXT NOT NULL CHECK (state IN ('draft', 'comments', 'approved')),
    version      INTEGER NOT NULL DEFAULT 1,
    body         TEXT NOT NULL DEFAULT '',
    approved_at  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE minutes_versions (
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id),
    version      INTEGER NOT NULL,
    body         TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    approved_at  TIMESTAMP NOT NULL,
    approved_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, version)
);

CREATE TABLE minutes_comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    version     INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    author      TEXT NOT NULL DEFAULT '',  -- personal
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX minutes_comments_meeting ON minutes_comments (meeting_id, id);
