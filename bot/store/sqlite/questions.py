"""Asked questions and answer feedback: the gaps report, the stats, and their retention.

Every read is one server's: a question or a rating carries the server it was made in (NULL
for a DM, which no server's report shows).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.store.model import Gap, QuestionRecord, Stats, Vote, normalise_question
from bot.store.sqlite.columns import epoch, instant
from bot.store.sqlite.connection import SqliteConnection, fetch_one

INSERT = (
    "INSERT INTO questions (guild_id, user_id, question, normalised, kind, entry, at, learned)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
# the unanswered questions of one server, grouped; those its admins taught are answered now
GAPS = (
    "SELECT normalised, COUNT(*), MAX(at), MAX(id) FROM questions"
    " WHERE guild_id = ? AND at >= ? AND kind IN ('none', 'suggest') AND normalised != ''"
    " AND normalised NOT IN (SELECT phrasing FROM learned_phrasings WHERE guild_id = ?)"
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
        int(r.learned),
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
        other button switches it."""
        async with self._conn.transaction() as db:
            before = await fetch_one(
                db,
                "SELECT helpful FROM feedback WHERE message_id = ? AND user_id = ?",
                (message_id, user_id),
            )
            if before is not None and bool(before[0]) == helpful:
                return Vote.UNCHANGED
            await db.execute(
                "INSERT INTO feedback (message_id, user_id, guild_id, entry, helpful, at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, user_id) DO UPDATE SET"
                " helpful = excluded.helpful, at = excluded.at",
                (message_id, user_id, guild_id, entry, int(helpful), epoch(at)),
            )
        return Vote.RECORDED if before is None else Vote.CHANGED

    async def gaps(self, *, guild_id: int, since: datetime, limit: int = 10) -> list[Gap]:
        """One server's most-asked questions since ``since`` that the guide did not answer."""
        rows = await self._conn.all(
            GAPS + " GROUP BY normalised ORDER BY COUNT(*) DESC, MAX(at) DESC LIMIT ?",
            (guild_id, epoch(since), guild_id, limit),
        )
        return [Gap(q, n, instant(last), qid) for q, n, last, qid in rows]

    async def gap(self, *, guild_id: int, question_id: int, since: datetime) -> Gap | None:
        """The unanswered question that ``question_id`` asked in this server, grouped as in
        ``gaps``; None if it is not one (answered, taught, gone, or another server's)."""
        row = await self._conn.one(
            GAPS + " AND normalised = (SELECT normalised FROM questions WHERE id = ?"
            " AND guild_id = ?) GROUP BY normalised",
            (guild_id, epoch(since), guild_id, question_id, guild_id),
        )
        if row is None:
            return None
        q, n, last, qid = row
        return Gap(q, n, instant(last), qid)

    async def stats(self, *, guild_id: int, since: datetime, top: int = 5) -> Stats:
        """One server's questions, answers and ratings since ``since``, and what it taught."""
        t = epoch(since)
        asked = await self._conn.one(
            "SELECT COUNT(*), COALESCE(SUM(kind = 'answer'), 0), COALESCE(SUM(learned), 0)"
            " FROM questions WHERE guild_id = ? AND at >= ?",
            (guild_id, t),
        )
        rated = await self._conn.one(
            "SELECT COALESCE(SUM(helpful = 1), 0), COALESCE(SUM(helpful = 0), 0)"
            " FROM feedback WHERE guild_id = ? AND at >= ?",
            (guild_id, t),
        )
        rows = await self._conn.all(
            "SELECT entry, COUNT(*) FROM questions WHERE guild_id = ? AND at >= ?"
            " AND kind = 'answer' AND entry IS NOT NULL"
            " GROUP BY entry ORDER BY COUNT(*) DESC, entry LIMIT ?",
            (guild_id, t, top),
        )
        learned = await self._conn.value(
            "SELECT COUNT(*) FROM learned_phrasings WHERE guild_id = ?", (guild_id,)
        )
        assert asked is not None and rated is not None  # aggregates always give a row
        questions, answered, answered_learned = asked
        helpful, not_helpful = rated
        return Stats(
            questions,
            answered,
            helpful,
            not_helpful,
            [(e, n) for e, n in rows],
            learned_phrasings=int(learned),
            answered_learned=answered_learned,
        )

    async def prune(self, before: datetime) -> dict[str, int]:
        """Delete questions, feedback and send records older than ``before``."""
        t = epoch(before)
        out: dict[str, int] = {}
        async with self._conn.transaction() as db:
            for table, column in RETAINED:
                cur = await db.execute(f"DELETE FROM {table} WHERE {column} < ?", (t,))
                out[table] = cur.rowcount
        return out
