-- Each server's data stays in that server, and its admins teach the bot: the same tables and
-- columns as SQLite's 0003, in PostgreSQL's types.
--
-- Feedback now records its server (NULL for a DM), so /faqadmin stats counts only its own
-- server's ratings; ratings stored before this release have no server and count in no
-- server's stats (they age out within 30 days). A question answered through a phrasing the
-- server's admins taught is marked `learned`. A vote is changed in place (its primary key).

ALTER TABLE feedback ADD COLUMN guild_id BIGINT;
ALTER TABLE questions ADD COLUMN learned BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX questions_guild_at ON questions (guild_id, at);
CREATE INDEX feedback_guild_at ON feedback (guild_id, at);

-- A question an admin taught as a phrasing of an FAQ entry, for that server only (its text
-- as the gaps report groups it). Who asked it is kept in learned_askers, so /forgetme can
-- erase a member's words: a phrasing left with no asker goes with them.
CREATE TABLE learned_phrasings (
    id       BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL,
    entry    TEXT NOT NULL,
    phrasing TEXT NOT NULL,
    at       TIMESTAMPTZ NOT NULL,
    UNIQUE (guild_id, phrasing)
);

CREATE TABLE learned_askers (
    phrasing_id BIGINT NOT NULL REFERENCES learned_phrasings (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL,
    PRIMARY KEY (phrasing_id, user_id)
);
CREATE INDEX learned_askers_user ON learned_askers (user_id);
