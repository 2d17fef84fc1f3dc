"""Learned phrasings: questions a server's admins taught as phrasings of an FAQ entry.

A phrasing belongs to one server and is the question's text as the gaps report groups it.
The members who asked it are kept beside it, so /forgetme can take a member's words away: a
phrasing with no asker left is deleted with them (bot.store.postgres.audit). The rules are
SQLite's (bot.store.sqlite.learning).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from bot.store.model import LearnedPhrasing
from bot.store.postgres.columns import aware
from bot.store.postgres.connection import PostgresConnection, rowcount

COLUMNS = "id, guild_id, entry, phrasing, at"


def _phrasing(row: asyncpg.Record) -> LearnedPhrasing:
    pid, guild_id, entry, phrasing, at = row
    return LearnedPhrasing(int(pid), int(guild_id), entry, phrasing, at)


class PostgresLearning:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def teach(
        self, *, guild_id: int, question_id: int, entry: str, at: datetime
    ) -> LearnedPhrasing | None:
        """Make the question ``question_id`` of this server a phrasing of ``entry`` there (a
        phrasing taught before is moved to ``entry``). None when this server has no such
        question with its text kept (answered, deleted, older than 30 days, or another
        server's)."""
        async with self._conn.transaction() as db:
            phrasing = await db.fetchval(
                "SELECT normalised FROM questions WHERE id = $1 AND guild_id = $2"
                " AND normalised != ''",
                question_id,
                guild_id,
            )
            if phrasing is None:
                return None
            row = await db.fetchrow(
                "INSERT INTO learned_phrasings (guild_id, entry, phrasing, at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id, phrasing) DO UPDATE SET"
                f" entry = excluded.entry, at = excluded.at RETURNING {COLUMNS}",
                guild_id,
                entry,
                phrasing,
                aware(at),
            )
            assert row is not None  # an upsert with RETURNING always gives its row
            taught = _phrasing(row)
            await db.execute(
                "INSERT INTO learned_askers (phrasing_id, user_id)"
                " SELECT DISTINCT $1::bigint, user_id FROM questions"
                " WHERE guild_id = $2 AND normalised = $3 ON CONFLICT DO NOTHING",
                taught.id,
                guild_id,
                phrasing,
            )
        return taught

    async def of_guild(self, guild_id: int) -> list[LearnedPhrasing]:
        """One server's learned phrasings, oldest first."""
        rows = await self._conn.all(
            f"SELECT {COLUMNS} FROM learned_phrasings WHERE guild_id = $1 ORDER BY at, id",
            (guild_id,),
        )
        return [_phrasing(r) for r in rows]

    async def every(self) -> list[LearnedPhrasing]:
        """Every server's learned phrasings, by entry (for export-phrasings)."""
        rows = await self._conn.all(
            f'SELECT {COLUMNS} FROM learned_phrasings ORDER BY entry COLLATE "C", guild_id, at, id'
        )
        return [_phrasing(r) for r in rows]

    async def unlearn(self, *, guild_id: int, phrasing_id: int) -> bool:
        """Forget one of this server's learned phrasings; False if it has no such phrasing."""
        async with self._conn.transaction() as db:
            done = await db.execute(
                "DELETE FROM learned_phrasings WHERE id = $1 AND guild_id = $2",
                phrasing_id,
                guild_id,
            )
        return rowcount(done) == 1
