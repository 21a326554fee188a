-- Groups, second part: corrections of resolutions and the outbox of e-mails.
--
-- A resolution whose minutes are approved is not edited: a later
-- resolution annuls or amends it (supersedes_id, supersede_kind); numbers
-- are never reused.
ALTER TABLE resolutions ADD COLUMN supersedes_id INTEGER REFERENCES resolutions (id);
ALTER TABLE resolutions ADD COLUMN supersede_kind TEXT NOT NULL DEFAULT '' CHECK (supersede_kind IN ('', 'annul', 'amend'));
CREATE INDEX resolutions_supersedes ON resolutions (supersedes_id);

-- E-mails of the module (invitations, cancellations …) wait here until the
-- job sends them; a failed delivery is retried with a growing delay.
-- batch is the meeting's sequence when queued: a newer invitation
-- supersedes an older one not sent yet.
CREATE TABLE group_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id),
    member_id   INTEGER REFERENCES group_members (id),
    kind        TEXT NOT NULL CHECK (kind IN ('invitation', 'cancellation', 'registration', 'minutes')),
    batch       INTEGER NOT NULL DEFAULT 0,
    recipient   TEXT NOT NULL,             -- personal
    message     TEXT NOT NULL,             -- personal (the whole e-mail as JSON)
    state       TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'superseded')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMP NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP
);
CREATE INDEX group_outbox_due ON group_outbox (state, next_at);
CREATE INDEX group_outbox_meeting ON group_outbox (meeting_id, kind, batch);
