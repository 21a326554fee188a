-- Surveys (dotazníky): the questionnaires, their questions, the responses and
-- their answers, and personal invitations. Columns holding personal data are
-- marked "personal"; the survey retention job anonymises invitations of
-- closed surveys. An anonymous survey keeps no link between an invitation and
-- a response (response_id stays NULL, no times of use) and no precise times
-- of its responses (submitted_on is a day, the id a random number).

CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT NOT NULL,
    intro        TEXT NOT NULL DEFAULT '',
    thanks       TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL DEFAULT '',
    wave         TEXT NOT NULL DEFAULT '',
    previous_id  INTEGER REFERENCES surveys (id),
    owner        TEXT UNIQUE,
    public_key   TEXT NOT NULL UNIQUE,
    public_link  BOOLEAN NOT NULL DEFAULT TRUE,
    anonymous    BOOLEAN NOT NULL DEFAULT TRUE,
    one_per_page BOOLEAN NOT NULL DEFAULT FALSE,
    state        TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'closed')),
    opens_at     TIMESTAMP,
    closes_at    TIMESTAMP,
    min_group    INTEGER NOT NULL DEFAULT 5,
    search       TEXT NOT NULL DEFAULT '',
    sort_key     TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX surveys_state ON surveys (state, sort_key);
CREATE INDEX surveys_previous ON surveys (previous_id);

CREATE TABLE survey_questions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id  INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    code       TEXT NOT NULL,
    section    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'scale', 'matrix', 'number', 'text', 'longtext', 'date', 'ranking')),
    label      TEXT NOT NULL,
    help       TEXT NOT NULL DEFAULT '',
    required   BOOLEAN NOT NULL DEFAULT FALSE,
    options    TEXT NOT NULL DEFAULT '[]',
    rows_json  TEXT NOT NULL DEFAULT '[]',
    other      BOOLEAN NOT NULL DEFAULT FALSE,
    scale_min  INTEGER NOT NULL DEFAULT 1,
    scale_max  INTEGER NOT NULL DEFAULT 5,
    min_label  TEXT NOT NULL DEFAULT '',
    max_label  TEXT NOT NULL DEFAULT '',
    num_min    REAL,
    num_max    REAL,
    cond       TEXT NOT NULL DEFAULT '',
    UNIQUE (survey_id, code)
);
CREATE INDEX survey_questions_survey ON survey_questions (survey_id, position);

CREATE TABLE survey_responses (
    id           INTEGER PRIMARY KEY,
    survey_id    INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    channel      TEXT NOT NULL CHECK (channel IN ('link', 'token', 'paper')),
    state        TEXT NOT NULL CHECK (state IN ('partial', 'complete')),
    resume_hash  TEXT UNIQUE,
    draft        TEXT NOT NULL DEFAULT '',
    page         INTEGER NOT NULL DEFAULT 0,
    entered_by   INTEGER REFERENCES users (id),
    form_number  TEXT NOT NULL DEFAULT '',
    submitted_on TEXT,
    submitted_at TIMESTAMP
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, state);

CREATE TABLE survey_answers (
    survey_id   INTEGER NOT NULL,
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    item        INTEGER NOT NULL,
    num         REAL,
    value       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, question_id, item)
);
-- Covering indexes: a question's answers with their respondents (cross-tabs
-- read one question's groups and the others' answers without the table).
CREATE INDEX survey_answers_tally ON survey_answers (survey_id, question_id, item, num, response_id);
CREATE INDEX survey_answers_question ON survey_answers (question_id, item, response_id, num);

-- The counts of the answers, kept up to date by every response in its
-- transaction, so that the results of a survey with 100 000 responses are
-- read from a few hundred rows (the answers stay the truth: a rebuild
-- recounts them).
CREATE TABLE survey_tallies (
    survey_id   INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    item        INTEGER NOT NULL,
    has_num     BOOLEAN NOT NULL,
    num         REAL NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (survey_id, question_id, item, has_num, num)
);

CREATE TABLE survey_invitations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id     INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,                  -- personal
    name          TEXT NOT NULL DEFAULT '',       -- personal
    token_hash    TEXT NOT NULL UNIQUE,
    old_hash      TEXT,
    sent_at       TIMESTAMP,
    reminded_at   TIMESTAMP,
    used          BOOLEAN NOT NULL DEFAULT FALSE,
    used_at       TIMESTAMP,
    response_id   INTEGER REFERENCES survey_responses (id) ON DELETE SET NULL,
    anonymised_at TIMESTAMP,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX survey_invitations_survey ON survey_invitations (survey_id, used);
CREATE INDEX survey_invitations_old ON survey_invitations (old_hash);
