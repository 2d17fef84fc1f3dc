"""Asked questions and answer feedback: the gaps report, the stats, and their retention.

Every read is one server's: a question or a rating carries the server it was made in (NULL
for a DM, which no server's report shows). The rules are SQLite's
(bot.store.sqlite.questions).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import asyncpg

from bot.store.model import Gap, QuestionRecord, Stats, Vote, normalise_question
from bot.store.postgres.columns import aware
from bot.store.postgres.connection import PostgresConnection, rowcount

INSERT = (
    "INSERT INTO questions (guild_id, user_id, question, normalised, kind, entry, at, learned)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
)
# the unanswered questions of one server, grouped; those its admins taught are answered now
GAPS = (
    "SELECT normalised, COUNT(*), MAX(at), MAX(id) FROM questions"
    " WHERE guild_id = $1 AND at >= $2 AND kind IN ('none', 'suggest') AND normalised != ''"
    " AND normalised NOT IN (SELECT phrasing FROM learned_phrasings WHERE guild_id = $1)"
)
# a vote: the first one, or a switch to the other button; a press of the same one is no row
VOTE = (
    "WITH before AS (SELECT helpful FROM feedback WHERE message_id = $1 AND user_id = $2"
    " FOR UPDATE), written AS (INSERT INTO feedback AS f"
    " (message_id, user_id, guild_id, entry, helpful, at) VALUES ($1, $2, $3, $4, $5, $6)"
    " ON CONFLICT (message_id, user_id) DO UPDATE SET helpful = excluded.helpful,"
    " at = excluded.at WHERE f.helpful IS DISTINCT FROM excluded.helpful RETURNING 1)"
    " SELECT (SELECT helpful FROM before), EXISTS (SELECT 1 FROM written)"
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
        bool(r.learned),
    )


def _gap(row: asyncpg.Record) -> Gap:
    question, count, last_at, question_id = row
    return Gap(question, int(count), last_at, int(question_id))


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
        self,
        *,
        message_id: int,
        user_id: int,
        guild_id: int | None,
        entry: str | None,
        helpful: bool,
        at: datetime,
    ) -> Vote:
        """Store a member's rating of an answer: one per member and answer, and a press of the
        other button switches it (one statement, so two presses at once cannot both count
        as the first)."""
        async with self._conn.transaction() as db:
            row = await db.fetchrow(
                VOTE, message_id, user_id, guild_id, entry, bool(helpful), aware(at)
            )
        assert row is not None  # a SELECT of two scalars always gives its row
        before, written = row
        if not written:
            return Vote.UNCHANGED
        return Vote.RECORDED if before is None else Vote.CHANGED

    async def gaps(self, *, guild_id: int, since: datetime, limit: int = 10) -> list[Gap]:
        """One server's most-asked questions since ``since`` that the guide did not answer."""
        rows = await self._conn.all(
            GAPS + " GROUP BY normalised ORDER BY COUNT(*) DESC, MAX(at) DESC LIMIT $3",
            (guild_id, aware(since), limit),
        )
        return [_gap(r) for r in rows]

    async def gap(self, *, guild_id: int, question_id: int, since: datetime) -> Gap | None:
        """The unanswered question that ``question_id`` asked in this server, grouped as in
        ``gaps``; None if it is not one (answered, taught, gone, or another server's)."""
        row = await self._conn.one(
            GAPS + " AND normalised = (SELECT normalised FROM questions WHERE id = $3"
            " AND guild_id = $1) GROUP BY normalised",
            (guild_id, aware(since), question_id),
        )
        return None if row is None else _gap(row)

    async def stats(self, *, guild_id: int, since: datetime, top: int = 5) -> Stats:
        """One server's questions, answers and ratings since ``since``, and what it taught."""
        t = aware(since)
        asked = await self._conn.one(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE kind = 'answer'),"
            " COUNT(*) FILTER (WHERE learned) FROM questions WHERE guild_id = $1 AND at >= $2",
            (guild_id, t),
        )
        rated = await self._conn.one(
            "SELECT COUNT(*) FILTER (WHERE helpful), COUNT(*) FILTER (WHERE NOT helpful)"
            " FROM feedback WHERE guild_id = $1 AND at >= $2",
            (guild_id, t),
        )
        rows = await self._conn.all(
            "SELECT entry, COUNT(*) FROM questions WHERE guild_id = $1 AND at >= $2"
            " AND kind = 'answer' AND entry IS NOT NULL"
            ' GROUP BY entry ORDER BY COUNT(*) DESC, entry COLLATE "C" LIMIT $3',
            (guild_id, t, top),
        )
        learned = await self._conn.value(
            "SELECT COUNT(*) FROM learned_phrasings WHERE guild_id = $1", (guild_id,)
        )
        assert asked is not None and rated is not None  # aggregates always give a row
        questions, answered, answered_learned = asked
        helpful, not_helpful = rated
        return Stats(
            int(questions),
            int(answered),
            int(helpful),
            int(not_helpful),
            [(e, int(n)) for e, n in rows],
            learned_phrasings=int(learned),
            answered_learned=int(answered_learned),
        )

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
