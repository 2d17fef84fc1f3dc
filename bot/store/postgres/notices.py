"""Notices waiting for a member, told at their next command (a paused reminder, say)."""

from __future__ import annotations

from datetime import datetime

from bot.store.postgres.columns import aware
from bot.store.postgres.connection import Connection, PostgresConnection


async def insert_notice(db: Connection, user_id: int, text: str, at: datetime) -> None:
    """Leave a notice inside a transaction already held (the dispatcher pauses and tells)."""
    await db.execute(
        "INSERT INTO notices (user_id, text, at) VALUES ($1, $2, $3)", user_id, text, aware(at)
    )


class PostgresNotices:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def add(self, user_id: int, text: str, *, at: datetime) -> None:
        async with self._conn.transaction() as db:
            await insert_notice(db, user_id, text, at)

    async def pop(self, user_id: int) -> list[str]:
        """Take (and delete) the notices waiting for a member, oldest first."""
        async with self._conn.transaction() as db:
            rows = await db.fetch(
                "DELETE FROM notices WHERE user_id = $1 RETURNING id, text", user_id
            )
        return [text for _id, text in sorted((int(r[0]), str(r[1])) for r in rows)]

    async def waiting(self, user_id: int) -> bool:
        row = await self._conn.one("SELECT 1 FROM notices WHERE user_id = $1 LIMIT 1", (user_id,))
        return row is not None
