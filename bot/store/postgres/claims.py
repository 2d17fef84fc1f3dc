"""Claims and sends on PostgreSQL: the dispatcher takes the reminders due now, records what
became of each, and after a stop takes over the sends left unconfirmed.

As on SQLite, a send record is unique per (subscription, local date), so whoever inserts it
owns that day's reminder. Several processes may claim at once: the due subscriptions are
read ``FOR UPDATE SKIP LOCKED``, so each process takes rows no other transaction holds,
and none waits for another; the unique record stops a second send whatever happens. A
claim is four statements whatever its size: the locked read, one INSERT of every send
record from arrays (``unnest``), one UPDATE moving every subscription on, and the pauses of
any row that could not be scheduled.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from bot.store.interface import FinishedSend
from bot.store.model import Claim, ClaimResult, Quarantined, SendStatus
from bot.store.planning import (
    ABANDONED_DETAIL,
    LATE_DETAIL,
    QUARANTINE_NOTICE,
    QUARANTINE_REASON,
    plan_due,
    row_problem,
)
from bot.store.postgres.columns import aware
from bot.store.postgres.connection import PostgresConnection, rowcount
from bot.store.postgres.notices import insert_notice

CLAIMED, SKIPPED = SendStatus.CLAIMED.value, SendStatus.SKIPPED.value
DUE = (
    "SELECT id, user_id, dm_channel_id, routine, name, local_time, tz, next_due_utc,"
    " next_local_date FROM subscriptions WHERE status = 'active' AND next_due_utc <= $1"
    " ORDER BY next_due_utc LIMIT $2 FOR UPDATE SKIP LOCKED"
)
INSERT_SENDS = (
    "INSERT INTO sends (subscription_id, user_id, local_date, due_utc, status, claim_token,"
    " detail, at, first_attempt_utc)"
    " SELECT s, u, d, due, st, tok, det, $8, fa FROM unnest($1::bigint[], $2::bigint[],"
    " $3::date[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $9::timestamptz[])"
    " AS t(s, u, d, due, st, tok, det, fa)"
    " ON CONFLICT (subscription_id, local_date) DO NOTHING"
    " RETURNING id, subscription_id, user_id, local_date, due_utc, status, first_attempt_utc"
)
MOVE_ON = (
    "UPDATE subscriptions AS b SET next_due_utc = t.due, next_local_date = t.day"
    " FROM unnest($1::bigint[], $2::timestamptz[], $3::date[]) AS t(id, due, day)"
    " WHERE b.id = t.id"
)
RECORD_COLUMNS = (
    "s.id, s.subscription_id, s.user_id, b.dm_channel_id, b.routine, s.local_date, s.due_utc,"
    " s.first_attempt_utc, b.name"
)


class PostgresClaims:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def claim_due(self, *, now: datetime, grace: timedelta, limit: int = 500) -> ClaimResult:
        """Atomically take the reminders due at ``now`` that no other process holds: insert
        their send records and move each subscription on to its next local day, in one
        transaction. The rules are SQLite's (bot.store.sqlite.claims.SqliteClaims.claim_due):
        too late is skipped, a catch-up within the grace is claimed, a row that cannot be
        scheduled is quarantined, and only records this call inserted are returned."""
        aware(now)
        token = uuid.uuid4().hex
        skipped = 0
        quarantined: list[Quarantined] = []
        sends: list[tuple[Any, ...]] = []
        moves: list[tuple[int, datetime, date]] = []
        async with self._conn.transaction() as db:
            rows = await db.fetch(DUE, now, limit)
            if not rows:
                return ClaimResult([], 0)
            where = {int(r[0]): (r[2], r[3], r[4]) for r in rows}  # dm channel, routine, name
            for sid, uid, _dm, _routine, _name, lt, tz, due, day in rows:
                try:
                    plan = plan_due(now=now, grace=grace, local_time=lt, tz=tz, due=due)
                except Exception as exc:  # one bad row must not stop everyone's reminders
                    quarantined.append(Quarantined(sid, uid, row_problem(exc, tz)))
                    continue
                if plan.on_time:
                    sends.append((sid, uid, day, due, CLAIMED, token, None, now))
                else:
                    skipped += 1
                    sends.append((sid, uid, day, due, SKIPPED, None, LATE_DETAIL, None))
                if plan.catch_up is not None:
                    late = plan.catch_up
                    sends.append((sid, uid, late.local_date, late.due, CLAIMED, token, None, now))
                moves.append((sid, plan.next_due, plan.next_local_date))
            inserted = await db.fetch(INSERT_SENDS, *_columns(sends, 7), now, _column(sends, 7))
            await db.execute(MOVE_ON, *_columns(moves, 3))
            for q in quarantined:
                await db.execute(
                    "UPDATE subscriptions SET status = 'paused', pause_reason = $1,"
                    " updated_at = $2 WHERE id = $3",
                    QUARANTINE_REASON,
                    now,
                    q.subscription_id,
                )
                await insert_notice(db, q.user_id, QUARANTINE_NOTICE, now)
        claims = [
            Claim(i, sid, uid, dm, routine, day, due, first, name)
            for i, sid, uid, day, due, status, first in inserted
            if status == CLAIMED
            for dm, routine, name in (where[sid],)
        ]
        claims.sort(key=lambda c: (c.due, c.send_id))
        return ClaimResult(claims=claims, skipped=skipped, quarantined=tuple(quarantined))

    async def stamp_attempt(self, send_id: int, at: datetime) -> None:
        """Move a claimed send's first attempt to ``at`` (no request for it has gone out)."""
        async with self._conn.transaction() as db:
            await db.execute(
                "UPDATE sends SET first_attempt_utc = $1 WHERE id = $2 AND status = 'claimed'",
                aware(at),
                send_id,
            )

    async def recover_unconfirmed(
        self, *, now: datetime, window: timedelta
    ) -> tuple[list[Claim], int]:
        """Sends still 'claimed' by a process that stopped: those whose first attempt is
        within ``window`` of ``now`` are taken over (to be retried with their nonce), older
        ones recorded 'abandoned'. Returns the claims taken and how many were abandoned.
        Only the dispatcher leader calls this (bot.store.postgres.leader)."""
        oldest = aware(now) - window
        token = uuid.uuid4().hex
        async with self._conn.transaction() as db:
            done = await db.execute(
                "UPDATE sends SET status = 'abandoned', at = $1, detail = $2"
                " WHERE status = 'claimed' AND COALESCE(first_attempt_utc, 'epoch') < $3",
                now,
                ABANDONED_DETAIL,
                oldest,
            )
            rows = await db.fetch(
                f"WITH taken AS (UPDATE sends SET claim_token = $1 WHERE id IN (SELECT id"
                " FROM sends WHERE status = 'claimed' AND first_attempt_utc >= $2"
                " FOR UPDATE SKIP LOCKED) RETURNING *)"
                f" SELECT {RECORD_COLUMNS} FROM taken s JOIN subscriptions b"
                " ON b.id = s.subscription_id ORDER BY s.due_utc, s.id",
                token,
                oldest,
            )
        return [_claim(r) for r in rows], rowcount(done)

    async def finish(self, results: list[FinishedSend]) -> None:
        """Record the outcome of claimed sends: (send_id, status, at, detail, message_id)."""
        rows = []
        for send_id, status, at, detail, message_id in results:
            try:
                outcome = SendStatus(status)
            except ValueError:
                raise ValueError(f"unknown send status {status!r}") from None
            rows.append((send_id, outcome.value, aware(at), detail, message_id))
        if not rows:
            return
        async with self._conn.transaction() as db:
            await db.execute(
                "UPDATE sends AS s SET status = t.status, at = t.at, detail = t.detail,"
                " message_id = t.message_id FROM unnest($1::bigint[], $2::text[],"
                " $3::timestamptz[], $4::text[], $5::bigint[])"
                " AS t(id, status, at, detail, message_id) WHERE s.id = t.id",
                *_columns(rows, 5),
            )

    async def records(self, user_id: int | None = None) -> list[dict[str, Any]]:
        """Send records (all, or one member's), oldest first: for status pages and tests."""
        where, params = ("WHERE user_id = $1", (user_id,)) if user_id is not None else ("", ())
        rows = await self._conn.all(
            "SELECT id, subscription_id, user_id, local_date, due_utc, status, detail,"
            f" message_id, at, first_attempt_utc FROM sends {where} ORDER BY due_utc, id",
            params,
        )
        return [
            {
                "id": sid,
                "subscription_id": sub,
                "user_id": uid,
                "local_date": day,
                "due": due,
                "status": SendStatus(status),
                "detail": detail,
                "message_id": message_id,
                "at": at,
                "first_attempt": first,
            }
            for sid, sub, uid, day, due, status, detail, message_id, at, first in rows
        ]


def _column(rows: list[tuple[Any, ...]], index: int) -> list[Any]:
    return [row[index] for row in rows]


def _columns(rows: list[tuple[Any, ...]], count: int) -> list[list[Any]]:
    """The first ``count`` columns of ``rows``, each as a list (to bind as arrays)."""
    return [_column(rows, i) for i in range(count)]


def _claim(r: asyncpg.Record) -> Claim:
    i, sid, uid, dm, routine, day, due, first, name = r
    return Claim(i, sid, uid, dm, routine, day, due, first, name)
