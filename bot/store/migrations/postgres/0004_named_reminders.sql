-- Several named reminders per member (up to 3, a rule the store keeps), and the member's time
-- zone stored once: the same tables and columns as SQLite's 0004, in PostgreSQL's types.
-- Each existing subscription becomes a reminder named after its routine ('stretches',
-- 'core', or 'daily' for both) with the same id, so its send records and the nonces made
-- from its id stay as they were; each member's zone is the zone of their subscription.
-- PostgreSQL changes the table in place (SQLite has to rebuild it): the name column comes
-- last here, which only the column order shows.

CREATE TABLE member_zones (
    user_id    BIGINT PRIMARY KEY,
    tz         TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
INSERT INTO member_zones (user_id, tz, updated_at)
    SELECT user_id, tz, updated_at FROM subscriptions;

ALTER TABLE subscriptions ADD COLUMN name TEXT NOT NULL DEFAULT 'daily';
UPDATE subscriptions SET name = CASE routine WHEN 'both' THEN 'daily' ELSE routine END;
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_user_id_key;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_user_id_name_key UNIQUE (user_id, name);
