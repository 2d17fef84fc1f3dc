"""Done and Skip presses on the daily routine, one per member and local day, and the streak."""

from __future__ import annotations

from datetime import date, datetime

from bot.store.model import RoutineAction
from bot.store.planning import count_streak
from bot.store.sqlite.columns import epoch
from bot.store.sqlite.connection import SqliteConnection


class SqliteStreaks:
    def __init__(self, conn: SqliteConnection) -> None:
        self._conn = conn

    async def record(self, user_id: int, day: date, action: str, *, at: datetime) -> bool:
        """Record Done or Skip for a member's local date; False if that day already has one."""
        try:
            mark = RoutineAction(action)
        except ValueError:
            raise ValueError(f"unknown routine action {action!r}") from None
        async with self._conn.transaction() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO routine_log VALUES (?, ?, ?, ?)",
                (user_id, str(day), mark.value, epoch(at)),
            )
            return cur.rowcount == 1

    async def streak(self, user_id: int, today: date) -> tuple[int, int]:
        """(current streak, total Done days): see bot.store.planning.count_streak."""
        rows = await self._conn.all(
            "SELECT local_date, action FROM routine_log WHERE user_id = ?", (user_id,)
        )
        marks = {date.fromisoformat(d): RoutineAction(a) for d, a in rows}
        return count_streak(marks, today)
