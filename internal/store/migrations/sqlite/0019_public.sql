-- The public side (issue 16).
--
-- A citizen's text appears on the public list only after the coordinator has
-- looked at it: published, or hidden with a reason (names, accusations, spam);
-- a category may publish at once. A suggestion without a row here waits for
-- review. (A table of its own, because SQLite rebuilds "suggestions" in 0021.)
ALTER TABLE suggestion_categories ADD COLUMN publish_at_once BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE suggestion_publication (
    suggestion_id INTEGER PRIMARY KEY REFERENCES suggestions (id) ON DELETE CASCADE,
    state         TEXT NOT NULL,               -- pending | published | hidden
    hidden_reason TEXT NOT NULL DEFAULT '',    -- shown publicly instead of the text
    sender_key    TEXT NOT NULL DEFAULT '',    -- personal: a hash of the sender's address and browser, for de-duplication; cleared after an hour
    reviewed_at   TIMESTAMP,
    reviewed_by   TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX suggestion_publication_state ON suggestion_publication (state);
CREATE INDEX suggestion_publication_sender ON suggestion_publication (sender_key) WHERE sender_key <> '';

-- What was public before stays public: everything the coordinator entered
-- or has already handled; the web's new ones wait for review.
INSERT INTO suggestion_publication (suggestion_id, state, created_at)
SELECT id, CASE WHEN source <> 'web' OR state <> 'new' THEN 'published' ELSE 'pending' END, created_at FROM suggestions;

-- The coordinator's public contact: the footer, /podnet, the error pages and
-- the accessibility statement show it. One row (id 1).
CREATE TABLE public_contact (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',  -- personal (a work contact, published on purpose)
    phone      TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    hours      TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
