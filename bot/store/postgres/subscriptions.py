"""Members' daily reminder subscriptions: subscribe, pause, resume, unsubscribe, and the
dispatcher's side (next due time, pause with a notice, delete)."""

from __future__ import annotations

from datetime import datetime, time

import asyncpg

from bot.core.schedule import next_due, resolve_zone
from bot.store.model import Subscription, SubscriptionStatus
from bot.store.postgres.columns import aware
from bot.store.postgres.connection import PostgresConnection, rowcount
from bot.store.postgres.notices import insert_notice

COLUMNS = (
    "id, user_id, dm_channel_id, local_time, tz, routine, status, pause_reason, "
    "created_at, updated_at, next_due_utc, next_local_date"
)
UPSERT = (
    "INSERT INTO subscriptions AS s (user_id, dm_channel_id, local_time, tz, routine,"
    " status, pause_reason, created_at, updated_at, next_due_utc, next_local_date)"
    " VALUES ($1, $2, $3, $4, $5, 'active', NULL, $6, $7, $8, $9)"
    " ON CONFLICT (user_id) DO UPDATE SET"
    " dm_channel_id = COALESCE(excluded.dm_channel_id, s.dm_channel_id),"
    " local_time = excluded.local_time, tz = excluded.tz,"
    " routine = excluded.routine, status = 'active', pause_reason = NULL,"
    " updated_at = excluded.updated_at, next_due_utc = excluded.next_due_utc,"
    " next_local_date = excluded.next_local_date"
    " RETURNING (xmax = 0) AS created"
)
PAUSE = "UPDATE subscriptions SET status = 'paused', pause_reason = $1, updated_at = $2"


def _subscription(row: asyncpg.Record | None) -> Subscription | None:
    if row is None:
        return None
    sid, uid, dm, lt, tz, routine, status, reason, created, updated, due, ldate = row
    return Subscription(
        id=sid,
        user_id=uid,
        dm_channel_id=dm,
        local_time=lt,
        tz=tz,
        routine=routine,
        status=SubscriptionStatus(status),
        pause_reason=reason,
        created_at=created,
        updated_at=updated,
        next_due=due,
        next_local_date=ldate,
    )


class PostgresSubscriptions:
    def __init__(self, conn: PostgresConnection) -> None:
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
        due, day = next_due(local_time, tz, aware(at))
        minute = time(local_time.hour, local_time.minute)
        async with self._conn.transaction() as db:
            created = await db.fetchval(
                UPSERT, user_id, dm_channel_id, minute, tz, routine, at, at, due, day
            )
        sub = await self.of_member(user_id)
        assert sub is not None
        return sub, bool(created)

    async def of_member(self, user_id: int) -> Subscription | None:
        return _subscription(
            await self._conn.one(
                f"SELECT {COLUMNS} FROM subscriptions WHERE user_id = $1", (user_id,)
            )
        )

    async def by_id(self, subscription_id: int) -> Subscription | None:
        return _subscription(
            await self._conn.one(
                f"SELECT {COLUMNS} FROM subscriptions WHERE id = $1", (subscription_id,)
            )
        )

    async def pause(self, user_id: int, *, reason: str, at: datetime) -> bool:
        """Pause an active subscription; False if there is none or it is already paused."""
        async with self._conn.transaction() as db:
            done = await db.execute(
                f"{PAUSE} WHERE user_id = $3 AND status = 'active'", reason, aware(at), user_id
            )
        return rowcount(done) == 1

    async def resume(self, user_id: int, *, at: datetime) -> Subscription | None:
        """Resume a paused subscription from the next due time after ``at``; None if none."""
        sub = await self.of_member(user_id)
        if sub is None:
            return None
        due, day = next_due(sub.local_time, sub.tz, aware(at))
        async with self._conn.transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET status = 'active', pause_reason = NULL, updated_at = $1,"
                " next_due_utc = $2, next_local_date = $3 WHERE id = $4",
                at,
                due,
                day,
                sub.id,
            )
        return await self.of_member(user_id)

    async def unsubscribe(self, user_id: int) -> bool:
        """Delete a member's subscription and its send records; False if there was none."""
        async with self._conn.transaction() as db:
            done = await db.execute("DELETE FROM subscriptions WHERE user_id = $1", user_id)
        return rowcount(done) == 1

    async def set_dm_channel(self, user_id: int, channel_id: int | None) -> None:
        async with self._conn.transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET dm_channel_id = $1 WHERE user_id = $2",
                channel_id,
                user_id,
            )

    async def next_due_time(self) -> datetime | None:
        """The earliest due instant among active subscriptions."""
        due: datetime | None = await self._conn.value(
            "SELECT MIN(next_due_utc) FROM subscriptions WHERE status = 'active'"
        )
        return due

    async def pause_by_id(
        self, subscription_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> bool:
        """Pause by id (the dispatcher's side) and leave the member a notice, in one go."""
        async with self._conn.transaction() as db:
            user_id = await db.fetchval(
                f"{PAUSE} WHERE id = $3 AND status = 'active' RETURNING user_id",
                reason,
                aware(at),
                subscription_id,
            )
            if user_id is None:
                return False
            if notice:
                await insert_notice(db, user_id, notice, at)
            return True

    async def delete(self, subscription_id: int) -> bool:
        async with self._conn.transaction() as db:
            done = await db.execute("DELETE FROM subscriptions WHERE id = $1", subscription_id)
        return rowcount(done) == 1
