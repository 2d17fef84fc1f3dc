"""Claims and sends: the dispatcher takes the reminders due now, records what became of each,
and after a stop takes over the sends left unconfirmed (or abandons them past the window).

A send record is unique per (subscription, local date): whoever inserts it owns that day's
reminder, so two processes can never both claim it. It keeps when its first request could
have gone out (the retry window of bot.reminders.dispatcher runs from then); the DM carries a
nonce made from the subscription and the local date, so Discord itself refuses a second one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import aiosqlite

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
from bot.store.sqlite.columns import epoch, instant, maybe_instant
from bot.store.sqlite.connection import SqliteConnection, fetch_all
from bot.store.sqlite.notices import insert_notice

# as bound to SQL (plain text binds faster than a StrEnum); a claimed send carries the claim
# token and its first attempt (now: no request can have gone out before), a skipped one why
CLAIMED, SKIPPED, LATE = SendStatus.CLAIMED.value, SendStatus.SKIPPED.value, LATE_DETAIL
INSERT_SEND = (
    "INSERT OR IGNORE INTO sends (subscription_id, user_id, local_date, due_utc,"
    " status, claim_token, detail, at, first_attempt_utc)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class SqliteClaims:
    def __init__(self, conn: SqliteConnection) -> None:
        self._conn = conn

    async def claim_due(self, *, now: datetime, grace: timedelta, limit: int = 500) -> ClaimResult:
        """Atomically take the reminders due at ``now``: insert their send records and move
        each subscription on to its next local day, in one transaction.

        A reminder due more than ``grace`` ago is recorded as skipped; if the member's time
        came round again within the grace window (after downtime), that one is claimed.
        Only the send records this call inserted are returned, so a reminder claimed by
        another process (or already sent today) is never returned twice. A claimed record's
        first attempt is ``now``: no request for it can have gone out before.

        A row that cannot be scheduled (a time zone this machine does not know, a damaged
        time or date) is quarantined: paused with a reason and a notice for the member, in
        the same transaction, so it neither blocks the others nor comes back every loop.
        """
        t_now = epoch(now)
        token = uuid.uuid4().hex
        skipped = 0
        quarantined: list[Quarantined] = []
        async with self._conn.transaction() as db:
            rows = await fetch_all(
                db,
                "SELECT id, user_id, local_time, tz, next_due_utc, next_local_date"
                " FROM subscriptions WHERE status = 'active' AND next_due_utc <= ?"
                " ORDER BY next_due_utc LIMIT ?",
                (t_now, limit),
            )
            if not rows:
                return ClaimResult([], 0)
            inserts: list[tuple[object, ...]] = []
            updates: list[tuple[object, ...]] = []
            for sid, uid, lt, tz, due_ts, ldate in rows:
                try:
                    day = str(date.fromisoformat(ldate))
                    due = float(due_ts)
                    plan = plan_due(
                        now=now,
                        grace=grace,
                        local_time=time.fromisoformat(lt),
                        tz=tz,
                        due=instant(due),
                    )
                except Exception as exc:  # one bad row must not stop everyone's reminders
                    quarantined.append(Quarantined(sid, uid, row_problem(exc, tz)))
                    continue
                if plan.on_time:
                    inserts.append((sid, uid, day, due, CLAIMED, token, None, t_now, t_now))
                else:
                    skipped += 1
                    inserts.append((sid, uid, day, due, SKIPPED, None, LATE, t_now, None))
                if plan.catch_up is not None:
                    late_day, late_due = str(plan.catch_up.local_date), epoch(plan.catch_up.due)
                    inserts.append(
                        (sid, uid, late_day, late_due, CLAIMED, token, None, t_now, t_now)
                    )
                updates.append((epoch(plan.next_due), str(plan.next_local_date), sid))
            await db.executemany(INSERT_SEND, inserts)
            await db.executemany(
                "UPDATE subscriptions SET next_due_utc = ?, next_local_date = ? WHERE id = ?",
                updates,
            )
            for q in quarantined:
                await db.execute(
                    "UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ?"
                    " WHERE id = ?",
                    (QUARANTINE_REASON, t_now, q.subscription_id),
                )
                await insert_notice(db, q.user_id, QUARANTINE_NOTICE, t_now)
            claimed = await _claims_with_token(db, token)
        return ClaimResult(claims=claimed, skipped=skipped, quarantined=tuple(quarantined))

    async def stamp_attempt(self, send_id: int, at: datetime) -> None:
        """Move a claimed send's first attempt to ``at``: no request for it has gone out yet
        (it waited, or every earlier request was refused before it could create anything)."""
        async with self._conn.transaction() as db:
            await db.execute(
                "UPDATE sends SET first_attempt_utc = ? WHERE id = ? AND status = 'claimed'",
                (epoch(at), send_id),
            )

    async def recover_unconfirmed(
        self, *, now: datetime, window: timedelta
    ) -> tuple[list[Claim], int]:
        """Sends still 'claimed' (a process stopped between its request and the record of the
        answer): those whose first attempt is within ``window`` of ``now`` are taken over, to
        be retried with their nonce; older ones are recorded 'abandoned' (the DM may or may
        not have been delivered, and Discord no longer deduplicates its nonce). Returns the
        claims taken and how many were abandoned."""
        t_now = epoch(now)
        oldest = t_now - window.total_seconds()
        token = uuid.uuid4().hex
        async with self._conn.transaction() as db:
            cur = await db.execute(
                "UPDATE sends SET status = 'abandoned', at = ?, detail = ?"
                " WHERE status = 'claimed' AND COALESCE(first_attempt_utc, 0) < ?",
                (t_now, ABANDONED_DETAIL, oldest),
            )
            abandoned = cur.rowcount
            await db.execute(
                "UPDATE sends SET claim_token = ? WHERE status = 'claimed'"
                " AND first_attempt_utc >= ?",
                (token, oldest),
            )
            claims = await _claims_with_token(db, token)
        return claims, abandoned

    async def finish(self, results: list[FinishedSend]) -> None:
        """Record the outcome of claimed sends: (send_id, status, at, detail, message_id)."""
        rows = []
        for send_id, status, at, detail, message_id in results:
            try:
                outcome = SendStatus(status)
            except ValueError:
                raise ValueError(f"unknown send status {status!r}") from None
            rows.append((outcome.value, epoch(at), detail, message_id, send_id))
        if not rows:
            return
        async with self._conn.transaction() as db:
            await db.executemany(
                "UPDATE sends SET status = ?, at = ?, detail = ?, message_id = ? WHERE id = ?",
                rows,
            )

    async def records(self, user_id: int | None = None) -> list[dict[str, Any]]:
        """Send records (all, or one member's), oldest first: for status pages and tests."""
        where, params = ("WHERE user_id = ?", (user_id,)) if user_id is not None else ("", ())
        rows = await self._conn.all(
            "SELECT id, subscription_id, user_id, local_date, due_utc, status, detail, message_id,"
            f" at, first_attempt_utc FROM sends {where} ORDER BY due_utc, id",
            params,
        )
        return [
            {
                "id": sid,
                "subscription_id": sub,
                "user_id": uid,
                "local_date": date.fromisoformat(day),
                "due": instant(due),
                "status": SendStatus(status),
                "detail": detail,
                "message_id": message_id,
                "at": instant(at),
                "first_attempt": maybe_instant(first),
            }
            for sid, sub, uid, day, due, status, detail, message_id, at, first in rows
        ]


async def _claims_with_token(db: aiosqlite.Connection, token: str) -> list[Claim]:
    rows = await fetch_all(
        db,
        "SELECT s.id, s.subscription_id, s.user_id, b.dm_channel_id, b.routine,"
        " s.local_date, s.due_utc, s.first_attempt_utc, b.name FROM sends s JOIN subscriptions b"
        " ON b.id = s.subscription_id WHERE s.claim_token = ? ORDER BY s.due_utc, s.id",
        (token,),
    )
    return [
        Claim(i, sid, uid, dm, routine, date.fromisoformat(d), instant(due), maybe_instant(f), n)
        for i, sid, uid, dm, routine, d, due, f, n in rows
    ]
