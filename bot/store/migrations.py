"""The database schema as numbered migrations: migration N brings a file to user_version N.

Each runs in one transaction with the version bump (bot.store), so a failed one leaves the
file as it was. Never edit a released migration; add the next one. A file whose version is
higher than ``len(MIGRATIONS)`` was written by a newer release and is refused.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: everything the first release needs
    """
    CREATE TABLE guild_channels (
        guild_id   INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        added_at   REAL NOT NULL,
        PRIMARY KEY (guild_id, channel_id)
    );
    CREATE TABLE questions (
        id         INTEGER PRIMARY KEY,
        guild_id   INTEGER,
        user_id    INTEGER NOT NULL,
        question   TEXT NOT NULL,
        normalised TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('answer', 'suggest', 'none', 'urgent')),
        entry      TEXT,
        at         REAL NOT NULL
    );
    CREATE INDEX questions_at ON questions (at);
    CREATE INDEX questions_user ON questions (user_id);
    CREATE TABLE feedback (
        message_id INTEGER NOT NULL,
        user_id    INTEGER NOT NULL,
        entry      TEXT,
        helpful    INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        at         REAL NOT NULL,
        PRIMARY KEY (message_id, user_id)
    );
    CREATE INDEX feedback_user ON feedback (user_id);
    CREATE INDEX feedback_at ON feedback (at);
    CREATE TABLE subscriptions (
        id              INTEGER PRIMARY KEY,
        user_id         INTEGER NOT NULL UNIQUE,
        dm_channel_id   INTEGER,
        local_time      TEXT NOT NULL,
        tz              TEXT NOT NULL,
        routine         TEXT NOT NULL CHECK (routine IN ('stretches', 'core', 'both')),
        status          TEXT NOT NULL CHECK (status IN ('active', 'paused')),
        pause_reason    TEXT,
        created_at      REAL NOT NULL,
        updated_at      REAL NOT NULL,
        next_due_utc    REAL NOT NULL,
        next_local_date TEXT NOT NULL
    );
    CREATE INDEX subscriptions_due ON subscriptions (next_due_utc) WHERE status = 'active';
    CREATE TABLE sends (
        id              INTEGER PRIMARY KEY,
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        user_id         INTEGER NOT NULL,
        local_date      TEXT NOT NULL,
        due_utc         REAL NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
        claim_token     TEXT,
        detail          TEXT,
        message_id      INTEGER,
        at              REAL NOT NULL,
        UNIQUE (subscription_id, local_date)
    );
    CREATE INDEX sends_token ON sends (claim_token);
    CREATE INDEX sends_user ON sends (user_id);
    CREATE TABLE notices (
        id      INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL,
        text    TEXT NOT NULL,
        at      REAL NOT NULL
    );
    CREATE INDEX notices_user ON notices (user_id);
    CREATE TABLE routine_log (
        user_id    INTEGER NOT NULL,
        local_date TEXT NOT NULL,
        action     TEXT NOT NULL CHECK (action IN ('done', 'skip')),
        at         REAL NOT NULL,
        PRIMARY KEY (user_id, local_date)
    );
    """,
    # 2: exactly-once reminders. A send remembers when its first request could have gone out
    # (first_attempt_utc; the retry window runs from it), and a send whose fate stayed
    # unknown past that window is 'abandoned'. SQLite cannot change a CHECK constraint in
    # place, so the table is rebuilt. Sends claimed by the at-most-once release were posted
    # without a nonce, so a retry could not be deduplicated: they start outside the window.
    """
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
    """,
)
