-- Everything the first release needs.

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
