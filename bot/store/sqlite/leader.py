"""Leading the reminder dispatch on SQLite: every process leads.

A SQLite file belongs to one machine, where one bot process is the norm. Should two share
it (the overlap of a restart), their claims still never overlap (one send record per
subscription and local date), but each paces itself, so for that moment the send budget
is twice the setting. Several processes that must share one budget use PostgreSQL
(bot.store.postgres.leader).
"""

from __future__ import annotations

from bot.store.sqlite.connection import SqliteConnection


class SqliteLeadership:
    def __init__(self, conn: SqliteConnection) -> None:
        self._conn = conn

    async def lead(self) -> bool:
        self._conn.check_file()
        return True

    async def resign(self) -> None:
        """Nothing to give up."""
