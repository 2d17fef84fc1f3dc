"""Asked questions and answer feedback: the gaps report, the stats, and their retention."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.store.model import Gap, QuestionRecord, Stats, normalise_question
from bot.store.sqlite.columns import epoch, instant
from bot.store.sqlite.connection import SqliteConnection

INSERT = (
    "INSERT INTO questions (guild_id, user_id, question, normalised, kind, entry, at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# what prune deletes, by the column that dates each row
RETAINED = (("questions", "at"), ("feedback", "at"), ("sends", "due_utc"))


def _values(r: QuestionRecord) -> tuple[object, ...]:
    return (
        r.guild_id,
        r.user_id,
        r.question[:2000],
        normalise_question(r.question),
        r.kind,
        r.entry,
        epoch(r.at),
    )


class SqliteQuestions:
    def __init__(self, conn: SqliteConnection) -> None:
        self._conn = conn

    async def log(self, record: QuestionRecord) -> int:
        """Store one asked question; returns its id."""
        values = _values(record)
        async with self._conn.transaction() as db:
            cur = await db.execute(INSERT, values)
            return int(cur.lastrowid or 0)

    async def log_many(self, records: Iterable[QuestionRecord]) -> int:
        """Store many asked questions in one transaction (the FAQ cog batches them)."""
        values = [_values(r) for r in records]
        if not values:
            return 0
        async with self._conn.transaction() as db:
            await db.executemany(INSERT, values)
        return len(values)

    async def record_feedback(
        self, *, message_id: int, user_id: int, entry: str | None, helpful: bool, at: datetime
    ) -> bool:
        """Store a member's rating of an answer; False if they already rated that answer."""
        async with self._conn.transaction() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO feedback VALUES (?, ?, ?, ?, ?)",
                (message_id, user_id, entry, int(bool(helpful)), epoch(at)),
            )
            return cur.rowcount == 1

    async def gaps(self, *, since: datetime, limit: int = 10) -> list[Gap]:
        """The most-asked questions since ``since`` that the guide did not answer."""
        rows = await self._conn.all(
            "SELECT normalised, COUNT(*), MAX(at) FROM questions"
            " WHERE at >= ? AND kind IN ('none', 'suggest') AND normalised != ''"
            " GROUP BY normalised ORDER BY COUNT(*) DESC, MAX(at) DESC LIMIT ?",
            (epoch(since), limit),
        )
        return [Gap(q, n, instant(last)) for q, n, last in rows]

    async def stats(self, *, since: datetime, top: int = 5) -> Stats:
        t = epoch(since)
        asked = await self._conn.one(
            "SELECT COUNT(*), COALESCE(SUM(kind = 'answer'), 0) FROM questions WHERE at >= ?",
            (t,),
        )
        rated = await self._conn.one(
            "SELECT COALESCE(SUM(helpful = 1), 0), COALESCE(SUM(helpful = 0), 0)"
            " FROM feedback WHERE at >= ?",
            (t,),
        )
        rows = await self._conn.all(
            "SELECT entry, COUNT(*) FROM questions WHERE at >= ? AND kind = 'answer'"
            " AND entry IS NOT NULL GROUP BY entry ORDER BY COUNT(*) DESC, entry LIMIT ?",
            (t, top),
        )
        assert asked is not None and rated is not None  # aggregates always give a row
        questions, answered = asked
        helpful, not_helpful = rated
        return Stats(questions, answered, helpful, not_helpful, [(e, n) for e, n in rows])

    async def prune(self, before: datetime) -> dict[str, int]:
        """Delete questions, feedback and send records older than ``before``."""
        t = epoch(before)
        out: dict[str, int] = {}
        async with self._conn.transaction() as db:
            for table, column in RETAINED:
                cur = await db.execute(f"DELETE FROM {table} WHERE {column} < ?", (t,))
                out[table] = cur.rowcount
        return out
