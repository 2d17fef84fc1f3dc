-- Several named reminders per member (up to 3, a rule the store keeps), and the member's time
-- zone stored once. Each existing subscription becomes a reminder named after its routine
-- ('stretches', 'core', or 'daily' for both) with the same id, so its send records and the
-- nonces made from its id stay as they were; each member's zone is the zone of their
-- subscription.
--
-- SQLite cannot drop the UNIQUE (user_id) constraint in place, so subscriptions is rebuilt.
-- Foreign keys are on and cannot be turned off inside the migration's transaction, and
-- dropping a parent table deletes its rows first (sends would cascade away): so sends is
-- rebuilt too, pointing at the new table, and the old sends go before the old
-- subscriptions. Renaming the new parent rewrites the reference in the new sends.

CREATE TABLE member_zones (
    user_id    INTEGER PRIMARY KEY,
    tz         TEXT NOT NULL,
    updated_at REAL NOT NULL
);
INSERT INTO member_zones (user_id, tz, updated_at)
    SELECT user_id, tz, updated_at FROM subscriptions;

CREATE TABLE subscriptions_v2 (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    name            TEXT NOT NULL DEFAULT 'daily',
    dm_channel_id   INTEGER,
    local_time      TEXT NOT NULL,
    tz              TEXT NOT NULL,
    routine         TEXT NOT NULL CHECK (routine IN ('stretches', 'core', 'both')),
    status          TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    pause_reason    TEXT,
    created_at      REAL NOT NULL,
    updated_at      REAL NOT NULL,
    next_due_utc    REAL NOT NULL,
    next_local_date TEXT NOT NULL,
    UNIQUE (user_id, name)
);
INSERT INTO subscriptions_v2 (id, user_id, name, dm_channel_id, local_time, tz, routine,
                              status, pause_reason, created_at, updated_at, next_due_utc,
                              next_local_date)
    SELECT id, user_id, CASE routine WHEN 'both' THEN 'daily' ELSE routine END,
           dm_channel_id, local_time, tz, routine, status, pause_reason, created_at,
           updated_at, next_due_utc, next_local_date
    FROM subscriptions;

CREATE TABLE sends_v3 (
    id                INTEGER PRIMARY KEY,
    subscription_id   INTEGER NOT NULL REFERENCES subscriptions_v2 (id) ON DELETE CASCADE,
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
INSERT INTO sends_v3 (id, subscription_id, user_id, local_date, due_utc, status, claim_token,
                      detail, message_id, at, first_attempt_utc)
    SELECT id, subscription_id, user_id, local_date, due_utc, status, claim_token, detail,
           message_id, at, first_attempt_utc
    FROM sends;

DROP TABLE sends;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_v2 RENAME TO subscriptions;
ALTER TABLE sends_v3 RENAME TO sends;

CREATE INDEX subscriptions_due ON subscriptions (next_due_utc) WHERE status = 'active';
CREATE INDEX sends_token ON sends (claim_token);
CREATE INDEX sends_user ON sends (user_id);
CREATE INDEX sends_unconfirmed ON sends (first_attempt_utc) WHERE status = 'claimed';
