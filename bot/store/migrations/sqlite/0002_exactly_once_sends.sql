-- Exactly-once reminders. A send remembers when its first request could have gone out
-- (first_attempt_utc; the retry window runs from it), and a send whose fate stayed unknown
-- past that window is 'abandoned'. SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt. Sends claimed by the at-most-once release were posted without a nonce,
-- so a retry could not be deduplicated: they start outside the window.

CREATE TABLE sends_v2 (
    id                INTEGER PRIMARY KEY,
    subscription_id   INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL,
    local_date        TEXT NOT NULL,
    due_utc           REAL NOT NULL,
    status            TEXT NOT NULL
                      CHECK (status IN ('claimed', 'sent', 'failed', 'skipped', 'abandoned')),
    claim_token       TEXT,
    detail            TEXT,
    message_id        INTEGER,
    at                REAL NOT NULL,
    first_attempt_utc REAL,
    UNIQUE (subscription_id, local_date)
);
INSERT INTO sends_v2 (id, subscription_id, user_id, local_date, due_utc, status,
                      claim_token, detail, message_id, at, first_attempt_utc)
    SELECT id, subscription_id, user_id, local_date, due_utc, status, claim_token, detail,
           message_id, at, CASE WHEN status = 'claimed' THEN 0 END
    FROM sends;
DROP TABLE sends;
ALTER TABLE sends_v2 RENAME TO sends;
CREATE INDEX sends_token ON sends (claim_token);
CREATE INDEX sends_user ON sends (user_id);
CREATE INDEX sends_unconfirmed ON sends (first_attempt_utc) WHERE status = 'claimed';
