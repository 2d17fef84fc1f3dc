"""Notices waiting for a member, told at their next command (a paused reminder, say)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.store.sqlite.columns import epoch
from bot.store.sqlite.connection import SqliteConnection


async def insert_notice(db: aiosqlite.Connection, user_id: int, text: str, at: float) -> None:
    """Leave a notice inside a transaction already held (the dispatcher pauses and tells)."""
    await db.execute(
        "INSERT INTO notices (user_id, text, at) VALUES (?, ?, ?)", (user_id, text, at)
    )


class SqliteNotices:
    def __init__(self, conn: SqliteConnection) -> None:
        self._conn = conn

    async def add(self, user_id: int, text: str, *, at: datetime) -> None:
        t = epoch(at)
        async with self._conn.transaction() as db:
            await insert_notice(db, user_id, text, t)

    async def pop(self, user_id: int) -> list[str]:
        """Take (and delete) the notices waiting for a member, oldest first."""
        async with self._conn.transaction() as db:
            cur = await db.execute(
                "DELETE FROM notices WHERE user_id = ? RETURNING id, text", (user_id,)
            )
            rows = await cur.fetchall()
            await cur.close()
        return [text for _id, text in sorted((int(r[0]), str(r[1])) for r in rows)]

    async def waiting(self, user_id: int) -> bool:
        row = await self._conn.one("SELECT 1 FROM notices WHERE user_id = ? LIMIT 1", (user_id,))
        return row is not None
