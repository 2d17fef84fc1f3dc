"""Done and Skip presses on the daily routine, one per member and local day, and the streak."""

from __future__ import annotations

from datetime import date, datetime

from bot.store.model import RoutineAction
from bot.store.planning import count_streak
from bot.store.postgres.columns import aware
from bot.store.postgres.connection import PostgresConnection, rowcount


class PostgresStreaks:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def record(self, user_id: int, day: date, action: str, *, at: datetime) -> bool:
        """Record Done or Skip for a member's local date; False if that day already has one."""
        try:
            mark = RoutineAction(action)
        except ValueError:
            raise ValueError(f"unknown routine action {action!r}") from None
        async with self._conn.transaction() as db:
            done = await db.execute(
                "INSERT INTO routine_log VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                user_id,
                day,
                mark.value,
                aware(at),
            )
        return rowcount(done) == 1

    async def streak(self, user_id: int, today: date) -> tuple[int, int]:
        """(current streak, total Done days): see bot.store.planning.count_streak."""
        rows = await self._conn.all(
            "SELECT local_date, action FROM routine_log WHERE user_id = $1", (user_id,)
        )
        marks = {r[0]: RoutineAction(r[1]) for r in rows}
        return count_streak(marks, today)
