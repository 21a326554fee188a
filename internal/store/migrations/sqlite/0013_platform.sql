-- The platform: one outbox of e-mails for every module, the scheduled jobs'
-- runs (one replica runs a job at a time), rate limits shared by the
-- replicas, and generation stamps that tell caches a topic has changed.

-- Every e-mail waits here, queued in the transaction of the change that
-- causes it, until the worker delivers it; a failed delivery is retried with
-- a growing delay. ref names what the mail is about ('group:meeting:12',
-- 'survey:3'): its page shows how its mail is doing. batch groups one
-- sending (a newer invitation supersedes an older one not sent yet).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    module      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL DEFAULT '',
    batch       TEXT NOT NULL DEFAULT '',
    recipient   TEXT NOT NULL,             -- personal
    message     TEXT NOT NULL,             -- personal (the whole e-mail as JSON)
    state       TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'superseded')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMP NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (state, next_at);
CREATE INDEX outbox_ref ON outbox (ref, kind, batch);

INSERT INTO outbox (module, kind, ref, batch, recipient, message, state, attempts, next_at, last_error, created_at, sent_at)
SELECT 'group', kind, 'group:meeting:' || CAST(meeting_id AS TEXT), CAST(batch AS TEXT), recipient, message, state, attempts, next_at, last_error, created_at, sent_at
FROM group_outbox ORDER BY id;
DROP TABLE group_outbox;

-- One row per scheduled job: the replica holding the lease runs it; the
-- others skip it until the lease ends or the next run is due.
CREATE TABLE job_runs (
    name        TEXT PRIMARY KEY,
    next_at     TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    holder      TEXT NOT NULL DEFAULT '',
    last_start  TIMESTAMP,
    last_end    TIMESTAMP,
    last_error  TEXT NOT NULL DEFAULT '',
    runs        INTEGER NOT NULL DEFAULT 0,
    failures    INTEGER NOT NULL DEFAULT 0
);

-- Hits of a rate limit (sign-in attempts, anonymous forms) in fixed
-- windows, counted across the replicas. bucket may hold an IP address.
CREATE TABLE rate_limits (
    bucket      TEXT NOT NULL,             -- personal (may name an address)
    window_at   TIMESTAMP NOT NULL,
    hits        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, window_at)
);

-- A topic's generation grows with every change to it: a cache keyed by
-- the generation is right on every replica without talking to the others.
CREATE TABLE stamps (
    topic       TEXT PRIMARY KEY,
    gen         BIGINT NOT NULL DEFAULT 0
);
