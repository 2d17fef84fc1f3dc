"""Members' daily reminder subscriptions: subscribe, pause, resume, unsubscribe, and the
dispatcher's side (next due time, pause with a notice, delete)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time

from bot.core.schedule import next_due, resolve_zone
from bot.store.model import Subscription, SubscriptionStatus
from bot.store.sqlite.columns import epoch, hh_mm, instant
from bot.store.sqlite.connection import SqliteConnection, fetch_one
from bot.store.sqlite.notices import insert_notice

COLUMNS = (
    "id, user_id, dm_channel_id, local_time, tz, routine, status, pause_reason, "
    "created_at, updated_at, next_due_utc, next_local_date"
)
UPSERT = (
    "INSERT INTO subscriptions (user_id, dm_channel_id, local_time, tz, routine,"
    " status, pause_reason, created_at, updated_at, next_due_utc, next_local_date)"
    " VALUES (?, ?, ?, ?, ?, 'active', NULL, ?, ?, ?, ?)"
    " ON CONFLICT (user_id) DO UPDATE SET"
    " dm_channel_id = COALESCE(excluded.dm_channel_id, dm_channel_id),"
    " local_time = excluded.local_time, tz = excluded.tz,"
    " routine = excluded.routine, status = 'active', pause_reason = NULL,"
    " updated_at = excluded.updated_at, next_due_utc = excluded.next_due_utc,"
    " next_local_date = excluded.next_local_date"
)
PAUSE = "UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ?"


def _subscription(row: sqlite3.Row | None) -> Subscription | None:
    if row is None:
        return None
    sid, uid, dm, lt, tz, routine, status, reason, created, updated, due, ldate = row
    return Subscription(
        id=sid,
        user_id=uid,
        dm_channel_id=dm,
        local_time=time.fromisoformat(lt),
        tz=tz,
        routine=routine,
        status=SubscriptionStatus(status),
        pause_reason=reason,
        created_at=instant(created),
        updated_at=instant(updated),
        next_due=instant(due),
        next_local_date=date.fromisoformat(ldate),
    )


class SqliteSubscriptions:
    def __init__(self, conn: SqliteConnection) -> None:
        self._conn = conn

    async def subscribe(
        self,
        *,
        user_id: int,
        dm_channel_id: int | None,
        local_time: time,
        tz: str,
        routine: str,
        at: datetime,
    ) -> tuple[Subscription, bool]:
        """Create or replace a member's subscription (active); True if it is new.

        A streak and today's send record survive a change of time or routine, so changing
        the time never brings a second reminder for a day already sent.
        """
        resolve_zone(tz)
        due, day = next_due(local_time, tz, at)
        values = (user_id, dm_channel_id, hh_mm(local_time), tz, routine)
        times = (epoch(at), epoch(at), epoch(due), str(day))
        async with self._conn.transaction() as db:
            existed = await fetch_one(
                db, "SELECT 1 FROM subscriptions WHERE user_id = ?", (user_id,)
            )
            await db.execute(UPSERT, values + times)
        sub = await self.of_member(user_id)
        assert sub is not None
        return sub, existed is None

    async def of_member(self, user_id: int) -> Subscription | None:
        return _subscription(
            await self._conn.one(
                f"SELECT {COLUMNS} FROM subscriptions WHERE user_id = ?", (user_id,)
            )
        )

    async def by_id(self, subscription_id: int) -> Subscription | None:
        return _subscription(
            await self._conn.one(
                f"SELECT {COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
            )
        )

    async def pause(self, user_id: int, *, reason: str, at: datetime) -> bool:
        """Pause an active subscription; False if there is none or it is already paused."""
        async with self._conn.transaction() as db:
            cur = await db.execute(
                f"{PAUSE} WHERE user_id = ? AND status = 'active'", (reason, epoch(at), user_id)
            )
            return cur.rowcount == 1

    async def resume(self, user_id: int, *, at: datetime) -> Subscription | None:
        """Resume a paused subscription from the next due time after ``at``; None if none."""
        sub = await self.of_member(user_id)
        if sub is None:
            return None
        due, day = next_due(sub.local_time, sub.tz, at)
        async with self._conn.transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET status = 'active', pause_reason = NULL, updated_at = ?,"
                " next_due_utc = ?, next_local_date = ? WHERE id = ?",
                (epoch(at), epoch(due), str(day), sub.id),
            )
        return await self.of_member(user_id)

    async def unsubscribe(self, user_id: int) -> bool:
        """Delete a member's subscription and its send records; False if there was none."""
        async with self._conn.transaction() as db:
            cur = await db.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
            return cur.rowcount == 1

    async def set_dm_channel(self, user_id: int, channel_id: int | None) -> None:
        async with self._conn.transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET dm_channel_id = ? WHERE user_id = ?",
                (channel_id, user_id),
            )

    async def next_due_time(self) -> datetime | None:
        """The earliest due instant among active subscriptions."""
        row = await self._conn.one(
            "SELECT MIN(next_due_utc) FROM subscriptions WHERE status = 'active'"
        )
        return None if row is None or row[0] is None else instant(row[0])

    async def pause_by_id(
        self, subscription_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> bool:
        """Pause by id (the dispatcher's side) and leave the member a notice, in one go."""
        t = epoch(at)
        async with self._conn.transaction() as db:
            row = await fetch_one(
                db,
                f"{PAUSE} WHERE id = ? AND status = 'active' RETURNING user_id",
                (reason, t, subscription_id),
            )
            if row is None:
                return False
            if notice:
                await insert_notice(db, row[0], notice, t)
            return True

    async def delete(self, subscription_id: int) -> bool:
        async with self._conn.transaction() as db:
            cur = await db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))
            return cur.rowcount == 1
