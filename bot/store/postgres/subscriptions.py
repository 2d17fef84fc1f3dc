"""Members' reminders and time zones: subscribe (up to MAX_REMINDERS named reminders each),
pause, resume, remove, set the zone, and the dispatcher's side (next due time, pause with a
notice, delete). The rules are SQLite's (bot.store.sqlite.subscriptions).

A member's zone is stored once (member_zones) and copied into each of their reminders, which
the claims read; setting it moves every reminder to the same wall-clock time in the new zone.
Writing the member's zone row comes first in every change of their reminders' zone, so two
of the member's subscribes at once take turns on that row: the limit is counted by one at
a time.
"""

from __future__ import annotations

from datetime import datetime, time

import asyncpg

from bot.core.schedule import MAX_REMINDERS, next_due, zone_of
from bot.store.model import Subscription, SubscriptionStatus, TooManyReminders
from bot.store.postgres.columns import aware
from bot.store.postgres.connection import Connection, PostgresConnection, rowcount
from bot.store.postgres.notices import insert_notice

COLUMNS = (
    "id, user_id, dm_channel_id, local_time, tz, routine, status, pause_reason, "
    "created_at, updated_at, next_due_utc, next_local_date, name"
)
UPSERT = (
    "INSERT INTO subscriptions AS s (user_id, name, dm_channel_id, local_time, tz, routine,"
    " status, pause_reason, created_at, updated_at, next_due_utc, next_local_date)"
    " VALUES ($1, $2, $3, $4, $5, $6, 'active', NULL, $7, $7, $8, $9)"
    " ON CONFLICT (user_id, name) DO UPDATE SET"
    " dm_channel_id = COALESCE(excluded.dm_channel_id, s.dm_channel_id),"
    " local_time = excluded.local_time, tz = excluded.tz,"
    " routine = excluded.routine, status = 'active', pause_reason = NULL,"
    " updated_at = excluded.updated_at, next_due_utc = excluded.next_due_utc,"
    " next_local_date = excluded.next_local_date"
    " RETURNING (xmax = 0) AS created"
)
PAUSE = "UPDATE subscriptions SET status = 'paused', pause_reason = $1, updated_at = $2"
# the rows a change of several of a member's reminders takes, locked in id order, so two such
# changes at once wait for each other instead of deadlocking
LOCKED = "SELECT id FROM subscriptions {where} ORDER BY id FOR UPDATE"
ORDER = 'ORDER BY local_time, name COLLATE "C"'
# many subscriptions moved on at once: (id, tz, next due, next local date), updated_at $5
MOVE = (
    "UPDATE subscriptions AS b SET tz = t.tz, next_due_utc = t.due, next_local_date = t.day,"
    " updated_at = $5 FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::date[])"
    " AS t(id, tz, due, day) WHERE b.id = t.id"
)
RESUME = (
    "UPDATE subscriptions AS b SET status = 'active', pause_reason = NULL, updated_at = $4,"
    " next_due_utc = t.due, next_local_date = t.day"
    " FROM unnest($1::bigint[], $2::timestamptz[], $3::date[]) AS t(id, due, day)"
    f" WHERE b.id = t.id RETURNING {', '.join('b.' + c for c in COLUMNS.split(', '))}"
)


def _subscription(row: asyncpg.Record | None) -> Subscription | None:
    if row is None:
        return None
    sid, uid, dm, lt, tz, routine, status, reason, created, updated, due, ldate, name = row
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
        name=name,
    )


def _subscriptions(rows: list[asyncpg.Record]) -> list[Subscription]:
    return [s for s in map(_subscription, rows) if s is not None]


def _which(user_id: int, name: str | None) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause for one member's reminder by name, or all of them ($1, $2)."""
    if name is None:
        return "WHERE user_id = $1", (user_id,)
    return "WHERE user_id = $1 AND name = $2", (user_id, name)


async def _move_to_zone(db: Connection, user_id: int, tz: str, at: datetime) -> None:
    """Store ``tz`` as the member's zone and move each of their reminders in another zone to
    the same wall-clock time there (a day already sent is never sent again: its send record
    is unique per reminder and local date)."""
    await db.execute(
        "INSERT INTO member_zones (user_id, tz, updated_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (user_id) DO UPDATE SET tz = excluded.tz, updated_at = excluded.updated_at",
        user_id,
        tz,
        at,
    )
    rows = await db.fetch(
        "SELECT id, local_time FROM subscriptions WHERE user_id = $1 AND tz != $2"
        " ORDER BY id FOR UPDATE",
        user_id,
        tz,
    )
    if not rows:
        return
    ids, zones, dues, days = [], [], [], []
    for sid, lt in rows:
        due, day = next_due(lt, tz, at)
        ids.append(sid)
        zones.append(tz)
        dues.append(due)
        days.append(day)
    await db.execute(MOVE, ids, zones, dues, days, at)


class PostgresSubscriptions:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def subscribe(
        self,
        *,
        user_id: int,
        name: str,
        dm_channel_id: int | None,
        local_time: time,
        tz: str,
        routine: str,
        at: datetime,
    ) -> tuple[Subscription, bool]:
        """Create or replace a member's reminder ``name`` (active); True if it is new.

        ``tz`` becomes the member's zone, and their other reminders move to it. A new name
        for a member who has MAX_REMINDERS already raises TooManyReminders and stores nothing.
        A streak and today's send record survive a change of time or routine, so changing the
        time never brings a second reminder for a day already sent.
        """
        zone_of(tz)
        due, day = next_due(local_time, tz, aware(at))
        minute = time(local_time.hour, local_time.minute)
        async with self._conn.transaction() as db:
            await _move_to_zone(db, user_id, tz, at)  # first: the member's subscribes queue
            held = await db.fetchrow(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE name = $2) FROM subscriptions"
                " WHERE user_id = $1",
                user_id,
                name,
            )
            assert held is not None  # aggregates always give a row
            count, existed = held
            if not existed and count >= MAX_REMINDERS:
                raise TooManyReminders(MAX_REMINDERS)
            created = await db.fetchval(
                UPSERT, user_id, name, dm_channel_id, minute, tz, routine, at, due, day
            )
        sub = await self.named(user_id, name)
        assert sub is not None
        return sub, bool(created)

    async def of_member(self, user_id: int) -> list[Subscription]:
        """A member's reminders, by time of day."""
        return _subscriptions(
            await self._conn.all(
                f"SELECT {COLUMNS} FROM subscriptions WHERE user_id = $1 {ORDER}", (user_id,)
            )
        )

    async def named(self, user_id: int, name: str) -> Subscription | None:
        return _subscription(
            await self._conn.one(
                f"SELECT {COLUMNS} FROM subscriptions WHERE user_id = $1 AND name = $2",
                (user_id, name),
            )
        )

    async def by_id(self, subscription_id: int) -> Subscription | None:
        return _subscription(
            await self._conn.one(
                f"SELECT {COLUMNS} FROM subscriptions WHERE id = $1", (subscription_id,)
            )
        )

    async def zone(self, user_id: int) -> str | None:
        """The member's stored time zone (a key: see bot.core.schedule.zone_of), if any."""
        tz = await self._conn.value("SELECT tz FROM member_zones WHERE user_id = $1", (user_id,))
        return None if tz is None else str(tz)

    async def set_zone(self, user_id: int, tz: str, *, at: datetime) -> list[Subscription]:
        """Store the member's zone and move their reminders to it; returns their reminders."""
        zone_of(tz)
        async with self._conn.transaction() as db:
            await _move_to_zone(db, user_id, tz, aware(at))
        return await self.of_member(user_id)

    async def pause(self, user_id: int, name: str | None, *, reason: str, at: datetime) -> int:
        """Pause the member's active reminder ``name`` (None: all of them); how many paused."""
        where, params = _which(user_id, name)
        n = len(params)
        async with self._conn.transaction() as db:
            done = await db.execute(
                f"UPDATE subscriptions SET status = 'paused', pause_reason = ${n + 1},"
                f" updated_at = ${n + 2} WHERE id IN ("
                + LOCKED.format(where=f"{where} AND status = 'active'")
                + ")",
                *params,
                reason,
                aware(at),
            )
        return rowcount(done)

    async def resume(self, user_id: int, name: str | None, *, at: datetime) -> list[Subscription]:
        """Resume the member's paused reminder ``name`` (None: all of them) from the next due
        time after ``at``; returns those resumed. A zone this machine no longer knows raises
        ZoneError and resumes none."""
        where, params = _which(user_id, name)
        async with self._conn.transaction() as db:
            paused = _subscriptions(
                await db.fetch(
                    f"SELECT {COLUMNS} FROM subscriptions {where} AND status = 'paused'"
                    " ORDER BY id FOR UPDATE",
                    *params,
                )
            )
            paused.sort(key=lambda s: (s.local_time, s.name))  # as ORDER: by time of day
            if not paused:
                return []
            dues = [next_due(sub.local_time, sub.tz, aware(at)) for sub in paused]
            rows = await db.fetch(
                RESUME, [s.id for s in paused], [d for d, _ in dues], [d for _, d in dues], at
            )
        resumed = {s.id: s for s in _subscriptions(rows)}
        return [resumed[s.id] for s in paused if s.id in resumed]

    async def unsubscribe(self, user_id: int, name: str | None = None) -> int:
        """Delete the member's reminder ``name`` (None: all of them) and its send records; how
        many went. The member's zone stays (forgotten by /forgetme)."""
        where, params = _which(user_id, name)
        async with self._conn.transaction() as db:
            done = await db.execute(
                f"DELETE FROM subscriptions WHERE id IN ({LOCKED.format(where=where)})", *params
            )
        return rowcount(done)

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

    async def pause_member(
        self, user_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> int:
        """Pause all of a member's active reminders (their DMs closed, say) and leave one
        notice if any was active; how many paused."""
        async with self._conn.transaction() as db:
            done = await db.execute(
                f"{PAUSE} WHERE id IN ("
                + LOCKED.format(where="WHERE user_id = $3 AND status = 'active'")
                + ")",
                reason,
                aware(at),
                user_id,
            )
            paused = rowcount(done)
            if paused and notice:
                await insert_notice(db, user_id, notice, at)
        return paused

    async def delete(self, subscription_id: int) -> bool:
        async with self._conn.transaction() as db:
            done = await db.execute("DELETE FROM subscriptions WHERE id = $1", subscription_id)
        return rowcount(done) == 1
