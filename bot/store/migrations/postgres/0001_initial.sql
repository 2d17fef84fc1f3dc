-- Everything the first release needs: the same tables and columns as SQLite's 0001, in
-- PostgreSQL's types (instants as timestamptz, local dates as date, local times as time,
-- Discord ids as bigint).

CREATE TABLE guild_channels (
    guild_id   BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

CREATE TABLE questions (
    id         BIGSERIAL PRIMARY KEY,
    guild_id   BIGINT,
    user_id    BIGINT NOT NULL,
    question   TEXT NOT NULL,
    normalised TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('answer', 'suggest', 'none', 'urgent')),
    entry      TEXT,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX questions_at ON questions (at);
CREATE INDEX questions_user ON questions (user_id);

CREATE TABLE feedback (
    message_id BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    entry      TEXT,
    helpful    BOOLEAN NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX feedback_user ON feedback (user_id);
CREATE INDEX feedback_at ON feedback (at);

CREATE TABLE subscriptions (
    id              BIGSERIAL PRIMARY KEY,
    user_id         BIGINT NOT NULL UNIQUE,
    dm_channel_id   BIGINT,
    local_time      TIME NOT NULL,
    tz              TEXT NOT NULL,
    routine         TEXT NOT NULL CHECK (routine IN ('stretches', 'core', 'both')),
    status          TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    pause_reason    TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    next_due_utc    TIMESTAMPTZ NOT NULL,
    next_local_date DATE NOT NULL
);
CREATE INDEX subscriptions_due ON subscriptions (next_due_utc) WHERE status = 'active';

CREATE TABLE sends (
    id              BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL,
    local_date      DATE NOT NULL,
    due_utc         TIMESTAMPTZ NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'skipped')),
    claim_token     TEXT,
    detail          TEXT,
    message_id      BIGINT,
    at              TIMESTAMPTZ NOT NULL,
    UNIQUE (subscription_id, local_date)
);
CREATE INDEX sends_token ON sends (claim_token);
CREATE INDEX sends_user ON sends (user_id);

CREATE TABLE notices (
    id      BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    text    TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX notices_user ON notices (user_id);

CREATE TABLE routine_log (
    user_id    BIGINT NOT NULL,
    local_date DATE NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('done', 'skip')),
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, local_date)
);
