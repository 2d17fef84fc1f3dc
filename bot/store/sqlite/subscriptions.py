"""Members' reminders and time zones: subscribe (up to MAX_REMINDERS named reminders each),
pause, resume, remove, set the zone, and the dispatcher's side (next due time, pause with a
notice, delete).

A member's zone is stored once (member_zones) and copied into each of their reminders, which
the claims read; setting it moves every reminder to the same wall-clock time in the new zone.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time

import aiosqlite

from bot.core.schedule import MAX_REMINDERS, next_due, zone_of
from bot.store.model import Subscription, SubscriptionStatus, TooManyReminders
from bot.store.sqlite.columns import epoch, hh_mm, instant
from bot.store.sqlite.connection import SqliteConnection, fetch_all, fetch_one
from bot.store.sqlite.notices import insert_notice

COLUMNS = (
    "id, user_id, dm_channel_id, local_time, tz, routine, status, pause_reason, "
    "created_at, updated_at, next_due_utc, next_local_date, name"
)
UPSERT = (
    "INSERT INTO subscriptions (user_id, name, dm_channel_id, local_time, tz, routine,"
    " status, pause_reason, created_at, updated_at, next_due_utc, next_local_date)"
    " VALUES (?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?, ?, ?)"
    " ON CONFLICT (user_id, name) DO UPDATE SET"
    " dm_channel_id = COALESCE(excluded.dm_channel_id, dm_channel_id),"
    " local_time = excluded.local_time, tz = excluded.tz,"
    " routine = excluded.routine, status = 'active', pause_reason = NULL,"
    " updated_at = excluded.updated_at, next_due_utc = excluded.next_due_utc,"
    " next_local_date = excluded.next_local_date"
)
PAUSE = "UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ?"
MOVE = (
    "UPDATE subscriptions SET tz = ?, next_due_utc = ?, next_local_date = ?, updated_at = ?"
    " WHERE id = ?"
)
ORDER = "ORDER BY local_time, name"


def _subscription(row: sqlite3.Row | None) -> Subscription | None:
    if row is None:
        return None
    sid, uid, dm, lt, tz, routine, status, reason, created, updated, due, ldate, name = row
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
        name=name,
    )


def _subscriptions(rows: list[sqlite3.Row]) -> list[Subscription]:
    return [s for s in map(_subscription, rows) if s is not None]


def _which(user_id: int, name: str | None) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause for one member's reminder by name, or all of them."""
    if name is None:
        return "WHERE user_id = ?", (user_id,)
    return "WHERE user_id = ? AND name = ?", (user_id, name)


async def _move_to_zone(db: aiosqlite.Connection, user_id: int, tz: str, at: datetime) -> None:
    """Store ``tz`` as the member's zone and move each of their reminders in another zone to
    the same wall-clock time there (a day already sent is never sent again: its send record
    is unique per reminder and local date)."""
    t = epoch(at)
    await db.execute(
        "INSERT INTO member_zones (user_id, tz, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET tz = excluded.tz, updated_at = excluded.updated_at",
        (user_id, tz, t),
    )
    rows = await fetch_all(
        db, "SELECT id, local_time FROM subscriptions WHERE user_id = ? AND tz != ?", (user_id, tz)
    )
    moves = []
    for sid, lt in rows:
        due, day = next_due(time.fromisoformat(lt), tz, at)
        moves.append((tz, epoch(due), str(day), t, sid))
    await db.executemany(MOVE, moves)


class SqliteSubscriptions:
    def __init__(self, conn: SqliteConnection) -> None:
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
        due, day = next_due(local_time, tz, at)
        values = (user_id, name, dm_channel_id, hh_mm(local_time), tz, routine)
        times = (epoch(at), epoch(at), epoch(due), str(day))
        async with self._conn.transaction() as db:
            existed = await fetch_one(
                db, "SELECT 1 FROM subscriptions WHERE user_id = ? AND name = ?", (user_id, name)
            )
            if existed is None:
                row = await fetch_one(
                    db, "SELECT COUNT(*) FROM subscriptions WHERE user_id = ?", (user_id,)
                )
                if row is not None and row[0] >= MAX_REMINDERS:
                    raise TooManyReminders(MAX_REMINDERS)
            await _move_to_zone(db, user_id, tz, at)
            await db.execute(UPSERT, values + times)
        sub = await self.named(user_id, name)
        assert sub is not None
        return sub, existed is None

    async def of_member(self, user_id: int) -> list[Subscription]:
        """A member's reminders, by time of day."""
        return _subscriptions(
            await self._conn.all(
                f"SELECT {COLUMNS} FROM subscriptions WHERE user_id = ? {ORDER}", (user_id,)
            )
        )

    async def named(self, user_id: int, name: str) -> Subscription | None:
        return _subscription(
            await self._conn.one(
                f"SELECT {COLUMNS} FROM subscriptions WHERE user_id = ? AND name = ?",
                (user_id, name),
            )
        )

    async def by_id(self, subscription_id: int) -> Subscription | None:
        return _subscription(
            await self._conn.one(
                f"SELECT {COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
            )
        )

    async def zone(self, user_id: int) -> str | None:
        """The member's stored time zone (a key: see bot.core.schedule.zone_of), if any."""
        row = await self._conn.one("SELECT tz FROM member_zones WHERE user_id = ?", (user_id,))
        return None if row is None else str(row[0])

    async def set_zone(self, user_id: int, tz: str, *, at: datetime) -> list[Subscription]:
        """Store the member's zone and move their reminders to it; returns their reminders."""
        zone_of(tz)
        async with self._conn.transaction() as db:
            await _move_to_zone(db, user_id, tz, at)
        return await self.of_member(user_id)

    async def pause(self, user_id: int, name: str | None, *, reason: str, at: datetime) -> int:
        """Pause the member's active reminder ``name`` (None: all of them); how many paused."""
        where, params = _which(user_id, name)
        async with self._conn.transaction() as db:
            cur = await db.execute(
                f"{PAUSE} {where} AND status = 'active'", (reason, epoch(at), *params)
            )
            return cur.rowcount

    async def resume(self, user_id: int, name: str | None, *, at: datetime) -> list[Subscription]:
        """Resume the member's paused reminder ``name`` (None: all of them) from the next due
        time after ``at``; returns those resumed. A zone this machine no longer knows raises
        ZoneError and resumes none."""
        where, params = _which(user_id, name)
        async with self._conn.transaction() as db:
            rows = await fetch_all(
                db,
                f"SELECT {COLUMNS} FROM subscriptions {where} AND status = 'paused' {ORDER}",
                params,
            )
            paused = _subscriptions(rows)
            updates = []
            for sub in paused:
                due, day = next_due(sub.local_time, sub.tz, at)
                updates.append((epoch(at), epoch(due), str(day), sub.id))
            await db.executemany(
                "UPDATE subscriptions SET status = 'active', pause_reason = NULL, updated_at = ?,"
                " next_due_utc = ?, next_local_date = ? WHERE id = ?",
                updates,
            )
        resumed = [await self.by_id(sub.id) for sub in paused]
        return [s for s in resumed if s is not None]

    async def unsubscribe(self, user_id: int, name: str | None = None) -> int:
        """Delete the member's reminder ``name`` (None: all of them) and its send records; how
        many went. The member's zone stays (forgotten by /forgetme)."""
        where, params = _which(user_id, name)
        async with self._conn.transaction() as db:
            cur = await db.execute(f"DELETE FROM subscriptions {where}", params)
            return cur.rowcount

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

    async def pause_member(
        self, user_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> int:
        """Pause all of a member's active reminders (their DMs closed, say) and leave one
        notice if any was active; how many paused."""
        t = epoch(at)
        async with self._conn.transaction() as db:
            cur = await db.execute(
                f"{PAUSE} WHERE user_id = ? AND status = 'active'", (reason, t, user_id)
            )
            if cur.rowcount and notice:
                await insert_notice(db, user_id, notice, t)
            return cur.rowcount

    async def delete(self, subscription_id: int) -> bool:
        async with self._conn.transaction() as db:
            cur = await db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))
            return cur.rowcount == 1
