"""Learned phrasings: questions a server's admins taught as phrasings of an FAQ entry.

A phrasing belongs to one server and is the question's text as the gaps report groups it.
The members who asked it are kept beside it, so /forgetme can take a member's words away: a
phrasing with no asker left is deleted with them (bot.store.sqlite.audit).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.store.model import LearnedPhrasing
from bot.store.sqlite.columns import epoch, instant
from bot.store.sqlite.connection import SqliteConnection, fetch_one

COLUMNS = "id, guild_id, entry, phrasing, at"


def _phrasing(row: sqlite3.Row) -> LearnedPhrasing:
    pid, guild_id, entry, phrasing, at = row
    return LearnedPhrasing(pid, guild_id, entry, phrasing, instant(at))


class SqliteLearning:
    def __init__(self, conn: SqliteConnection) -> None:
        self._conn = conn

    async def teach(
        self, *, guild_id: int, question_id: int, entry: str, at: datetime
    ) -> LearnedPhrasing | None:
        """Make the question ``question_id`` of this server a phrasing of ``entry`` there (a
        phrasing taught before is moved to ``entry``). None when this server has no such
        question with its text kept (answered, deleted, older than 30 days, or another
        server's)."""
        async with self._conn.transaction() as db:
            asked = await fetch_one(
                db,
                "SELECT normalised FROM questions WHERE id = ? AND guild_id = ?"
                " AND normalised != ''",
                (question_id, guild_id),
            )
            if asked is None:
                return None
            phrasing = str(asked[0])
            row = await fetch_one(
                db,
                "INSERT INTO learned_phrasings (guild_id, entry, phrasing, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (guild_id, phrasing) DO UPDATE SET entry = excluded.entry,"
                f" at = excluded.at RETURNING {COLUMNS}",
                (guild_id, entry, phrasing, epoch(at)),
            )
            assert row is not None  # an upsert with RETURNING always gives its row
            taught = _phrasing(row)
            await db.execute(
                "INSERT OR IGNORE INTO learned_askers (phrasing_id, user_id)"
                " SELECT DISTINCT ?, user_id FROM questions WHERE guild_id = ? AND normalised = ?",
                (taught.id, guild_id, phrasing),
            )
        return taught

    async def of_guild(self, guild_id: int) -> list[LearnedPhrasing]:
        """One server's learned phrasings, oldest first."""
        rows = await self._conn.all(
            f"SELECT {COLUMNS} FROM learned_phrasings WHERE guild_id = ? ORDER BY at, id",
            (guild_id,),
        )
        return [_phrasing(r) for r in rows]

    async def every(self) -> list[LearnedPhrasing]:
        """Every server's learned phrasings, by entry (for export-phrasings)."""
        rows = await self._conn.all(
            f"SELECT {COLUMNS} FROM learned_phrasings ORDER BY entry, guild_id, at, id"
        )
        return [_phrasing(r) for r in rows]

    async def unlearn(self, *, guild_id: int, phrasing_id: int) -> bool:
        """Forget one of this server's learned phrasings; False if it has no such phrasing."""
        async with self._conn.transaction() as db:
            cur = await db.execute(
                "DELETE FROM learned_phrasings WHERE id = ? AND guild_id = ?",
                (phrasing_id, guild_id),
            )
            return cur.rowcount == 1
