-- The public portal: life-situation guides, the calendar of events, news and
-- the editorial plan of the column "Zaostřeno na sociální služby".
-- No column here holds personal data: events, guides and news name
-- organisations, never people.

CREATE TABLE guides (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    intro         TEXT NOT NULL DEFAULT '',
    who_helps     TEXT NOT NULL DEFAULT '',
    first_steps   TEXT NOT NULL DEFAULT '',
    what_to_bring TEXT NOT NULL DEFAULT '',
    where_when    TEXT NOT NULL DEFAULT '',
    service_query TEXT NOT NULL DEFAULT '',
    published     BOOLEAN NOT NULL DEFAULT FALSE,
    search        TEXT NOT NULL DEFAULT '',
    sort_key      TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX guides_sort ON guides (published, sort_key);

CREATE TABLE events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    title              TEXT NOT NULL,
    category           TEXT NOT NULL,
    organisation_id    INTEGER REFERENCES organisations (id),
    place              TEXT NOT NULL DEFAULT '',
    accessibility      TEXT NOT NULL DEFAULT 'unknown' CHECK (accessibility IN ('full', 'partial', 'none', 'unknown')),
    accessibility_note TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    web                TEXT NOT NULL DEFAULT '',
    starts_at          TIMESTAMP NOT NULL,
    ends_at            TIMESTAMP NOT NULL,
    all_day            BOOLEAN NOT NULL DEFAULT FALSE,
    state              TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    reject_reason      TEXT NOT NULL DEFAULT '',
    submitted_by       INTEGER REFERENCES users (id),
    search             TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX events_state_start ON events (state, starts_at);
CREATE INDEX events_org ON events (organisation_id, starts_at);

CREATE TABLE event_target_groups (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    target_group_id INTEGER NOT NULL REFERENCES target_groups (id),
    PRIMARY KEY (event_id, target_group_id)
);

CREATE TABLE news (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    perex           TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    organisation_id INTEGER REFERENCES organisations (id),
    published_at    TIMESTAMP,
    search          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX news_published ON news (published_at);

CREATE TABLE article_plan (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    year            INTEGER NOT NULL,
    month           INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    topic           TEXT NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    deadline        TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'written', 'approved', 'published')),
    news_id         INTEGER REFERENCES news (id),
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX article_plan_month ON article_plan (year, month);
CREATE INDEX article_plan_deadline ON article_plan (state, deadline);

-- One row per reminder sent: kind 'week' (7 days before) or 'day' (the day
-- before); the key makes the reminder job idempotent.
CREATE TABLE article_reminders (
    plan_id INTEGER NOT NULL REFERENCES article_plan (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('week', 'day')),
    sent_on TEXT NOT NULL,
    PRIMARY KEY (plan_id, kind)
);
