-- Exactly-once reminders, as SQLite's 0002: a send remembers when its first request could
-- have gone out (first_attempt_utc; the retry window runs from it), and a send whose fate
-- stayed unknown past that window is 'abandoned'. Sends claimed before this version were
-- posted without a nonce, so they start outside the window (the epoch).

ALTER TABLE sends ADD COLUMN first_attempt_utc TIMESTAMPTZ;
UPDATE sends SET first_attempt_utc = 'epoch' WHERE status = 'claimed';
ALTER TABLE sends DROP CONSTRAINT sends_status_check;
ALTER TABLE sends ADD CONSTRAINT sends_status_check
    CHECK (status IN ('claimed', 'sent', 'failed', 'skipped', 'abandoned'));
CREATE INDEX sends_unconfirmed ON sends (first_attempt_utc) WHERE status = 'claimed';
