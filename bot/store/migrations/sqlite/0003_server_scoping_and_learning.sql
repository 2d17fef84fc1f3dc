-- Each server's data stays in that server, and its admins teach the bot.
--
-- Questions already carried their server (guild_id, NULL for a DM); feedback now does too,
-- so /faqadmin stats counts only its own server's ratings. Ratings stored before this
-- release have no server and count in no server's stats (they age out within 30 days).
-- A question answered through a phrasing the server's admins taught is marked `learned`.
-- Each feedback row stays one vote per member and answer (its primary key); a vote is
-- changed in place.

ALTER TABLE feedback ADD COLUMN guild_id INTEGER;
ALTER TABLE questions ADD COLUMN learned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX questions_guild_at ON questions (guild_id, at);
CREATE INDEX feedback_guild_at ON feedback (guild_id, at);

-- A question an admin taught as a phrasing of an FAQ entry, for that server only. The text
-- is the question as the gaps report groups it (lower case, no punctuation). Who asked it is
-- kept in learned_askers, so /forgetme can erase a member's words: a phrasing left with no
-- asker goes with them.
CREATE TABLE learned_phrasings (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    entry    TEXT NOT NULL,
    phrasing TEXT NOT NULL,
    at       REAL NOT NULL,
    UNIQUE (guild_id, phrasing)
);

CREATE TABLE learned_askers (
    phrasing_id INTEGER NOT NULL REFERENCES learned_phrasings (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    PRIMARY KEY (phrasing_id, user_id)
);
CREATE INDEX learned_askers_user ON learned_askers (user_id);
