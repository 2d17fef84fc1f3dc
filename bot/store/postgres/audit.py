"""Problems in the stored data, and forgetting a member across every concern and every server
(/forgetme)."""

from __future__ import annotations

from bot.core.schedule import MAX_REMINDERS
from bot.store.postgres.connection import PostgresConnection, rowcount

# each counts rows that break a rule the code keeps; the message says which (PostgreSQL
# enforces the foreign keys and checks itself, so there is no foreign-key or integrity pass)
RULES = (
    (
        "SELECT COUNT(*) FROM subscriptions WHERE status = 'paused' AND pause_reason IS NULL",
        "paused subscriptions without a reason",
    ),
    (
        "SELECT COUNT(*) FROM subscriptions WHERE status = 'active' AND pause_reason IS NOT NULL",
        "active subscriptions with a pause reason",
    ),
    (
        "SELECT COUNT(*) FROM sends s LEFT JOIN subscriptions b ON b.id = s.subscription_id"
        " WHERE b.id IS NULL OR b.user_id != s.user_id",
        "send records without their subscription",
    ),
    (
        "SELECT COUNT(*) FROM learned_phrasings p WHERE NOT EXISTS"
        " (SELECT 1 FROM learned_askers a WHERE a.phrasing_id = p.id)",
        "learned phrasings without a member who asked them",
    ),
    (
        "SELECT COUNT(*) FROM subscriptions s JOIN member_zones z ON z.user_id = s.user_id"
        " WHERE z.tz != s.tz",
        "subscriptions in another zone than their member's",
    ),
    (
        "SELECT COUNT(*) FROM (SELECT user_id FROM subscriptions GROUP BY user_id"
        f" HAVING COUNT(*) > {MAX_REMINDERS}) AS over",
        f"members with more than {MAX_REMINDERS} reminders",
    ),
)
# a member's rows, table by table; sends before their subscription, so the count includes
# the ones its cascade would take
MEMBER_TABLES = (
    "questions",
    "feedback",
    "sends",
    "notices",
    "routine_log",
    "subscriptions",
    "learned_askers",
    "member_zones",
)
# a learned phrasing is the words of the members who asked it: it goes with the last of them
ORPHAN_PHRASINGS = (
    "DELETE FROM learned_phrasings p WHERE NOT EXISTS"
    " (SELECT 1 FROM learned_askers a WHERE a.phrasing_id = p.id)"
)


class PostgresAudit:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def check_consistency(self) -> list[str]:
        """Problems in the stored data (empty when all is well): used by tests and `check`."""
        problems: list[str] = []
        for sql, what in RULES:
            n = await self._conn.value(sql)
            if n:
                problems.append(f"{n} {what}")
        return problems

    async def forget_member(self, user_id: int) -> dict[str, int]:
        """Delete everything stored about one member; returns how many rows went per table."""
        out: dict[str, int] = {}
        async with self._conn.transaction() as db:
            for table in MEMBER_TABLES:
                done = await db.execute(f"DELETE FROM {table} WHERE user_id = $1", user_id)
                out[table] = rowcount(done)
            out["learned_phrasings"] = rowcount(await db.execute(ORPHAN_PHRASINGS))
        return out
