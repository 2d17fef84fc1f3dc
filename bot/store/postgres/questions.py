"""Asked questions and answer feedback: the gaps report, the stats, and their retention."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.store.model import Gap, QuestionRecord, Stats, normalise_question
from bot.store.postgres.columns import aware
from bot.store.postgres.connection import PostgresConnection, rowcount

INSERT = (
    "INSERT INTO questions (guild_id, user_id, question, normalised, kind, entry, at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
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
        aware(r.at),
    )


class PostgresQuestions:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def log(self, record: QuestionRecord) -> int:
        """Store one asked question; returns its id."""
        values = _values(record)
        async with self._conn.transaction() as db:
            return int(await db.fetchval(f"{INSERT} RETURNING id", *values))

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
            done = await db.execute(
                "INSERT INTO feedback VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                message_id,
                user_id,
                entry,
                bool(helpful),
                aware(at),
            )
        return rowcount(done) == 1

    async def gaps(self, *, since: datetime, limit: int = 10) -> list[Gap]:
        """The most-asked questions since ``since`` that the guide did not answer."""
        rows = await self._conn.all(
            "SELECT normalised, COUNT(*), MAX(at) FROM questions"
            " WHERE at >= $1 AND kind IN ('none', 'suggest') AND normalised != ''"
            " GROUP BY normalised ORDER BY COUNT(*) DESC, MAX(at) DESC LIMIT $2",
            (aware(since), limit),
        )
        return [Gap(q, int(n), last) for q, n, last in rows]

    async def stats(self, *, since: datetime, top: int = 5) -> Stats:
        t = aware(since)
        asked = await self._conn.one(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE kind = 'answer') FROM questions"
            " WHERE at >= $1",
            (t,),
        )
        rated = await self._conn.one(
            "SELECT COUNT(*) FILTER (WHERE helpful), COUNT(*) FILTER (WHERE NOT helpful)"
            " FROM feedback WHERE at >= $1",
            (t,),
        )
        rows = await self._conn.all(
            "SELECT entry, COUNT(*) FROM questions WHERE at >= $1 AND kind = 'answer'"
            " AND entry IS NOT NULL GROUP BY entry ORDER BY COUNT(*) DESC, entry LIMIT $2",
            (t, top),
        )
        assert asked is not None and rated is not None  # aggregates always give a row
        questions, answered = asked
        helpful, not_helpful = rated
        return Stats(questions, answered, helpful, not_helpful, [(e, int(n)) for e, n in rows])

    async def prune(self, before: datetime) -> dict[str, int]:
        """Delete questions, feedback and send records older than ``before``."""
        t = aware(before)
        out: dict[str, int] = {}
        async with self._conn.transaction() as db:
            for table, column in RETAINED:
                out[table] = rowcount(
                    await db.execute(f"DELETE FROM {table} WHERE {column} < $1", t)
                )
        return out
