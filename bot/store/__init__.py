"""The bot's only record: one SQLite file through aiosqlite, with numbered migrations.

Holds the answer channels per guild, asked questions (for gaps and stats), answer feedback,
reminder subscriptions, the per-day send records, notices waiting for a member, and the
Done / Skip presses behind a streak. Times are stored as epoch seconds (UTC) and local dates
as ISO text; every method takes and returns timezone-aware datetimes.

A send record is unique per (subscription, local date): whoever inserts it owns that day's
reminder, so two processes can never both claim it. It keeps when its first request could
have gone out (the retry window of bot.reminders.dispatcher runs from then); the DM carries a nonce
made from the subscription and the local date, so Discord itself refuses a second one.

Faults (bot.store.faults): opening checks the file (it opens, it is a database, quick_check
passes, its schema is not newer than this release, it can be written) and refuses with one
line naming DATABASE_PATH. While running, every write first checks that the path still names
the file that was opened; a deleted or replaced file, or a damaged one, is fatal: the store
reports it once through ``on_fatal`` and refuses further writes. A full disk raises DiskFull
and writes nothing, so the caller keeps its data and tries again.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfoNotFoundError

from bot.core.schedule import ZoneError, next_due, resolve_zone
from bot.store.faults import DatabaseUnusable, DiskFull, StoreError
from bot.store.migrations import SQLITE as MIGRATIONS
from bot.store.sqlite.connection import FatalHandler, SqliteConnection, fetch_all, fetch_one

__all__ = [
    "MIGRATIONS",
    "Claim",
    "ClaimResult",
    "DatabaseUnusable",
    "DiskFull",
    "Store",
    "StoreError",
    "Subscription",
]

log = logging.getLogger(__name__)

SEND_STATUSES = ("claimed", "sent", "failed", "skipped", "abandoned")
_PUNCT = re.compile(r"[^\w\s']+")
_SPACE = re.compile(r"\s+")


def _ts(value: datetime) -> float:
    if value.tzinfo is None:
        raise ValueError("the store takes timezone-aware datetimes only")
    return value.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def normalise_question(text: str) -> str:
    """The form questions are grouped by in the gaps report."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", text.lower())).strip()[:300]


class QuestionRecord(NamedTuple):
    guild_id: int | None
    user_id: int
    question: str
    kind: str
    entry: str | None
    at: datetime


class Gap(NamedTuple):
    question: str
    count: int
    last_at: datetime


@dataclass(frozen=True)
class Stats:
    questions: int
    answered: int
    helpful: int
    not_helpful: int
    top_entries: list[tuple[str, int]]


@dataclass(frozen=True)
class Subscription:
    id: int
    user_id: int
    dm_channel_id: int | None
    local_time: time
    tz: str
    routine: str
    status: str
    pause_reason: str | None
    created_at: datetime
    updated_at: datetime
    next_due: datetime
    next_local_date: date


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def reminder_nonce(subscription_id: int, day: date) -> str:
    """The Discord nonce of one day's reminder: 'r', the subscription id in base 36, then the
    local date as YYYYMMDD. Deterministic, so a retry after a crash repeats it; at most 22
    characters for any 63-bit id (Discord allows 25)."""
    return f"r{_base36(subscription_id)}{day:%Y%m%d}"


@dataclass(frozen=True)
class Claim:
    """One day's reminder that this process now owns and must send (or give up on).

    ``first_attempt``: the earliest instant a request for it may have gone out (recorded
    before any request does); None for a DM that is not a daily reminder (/remind test).
    """

    send_id: int
    subscription_id: int
    user_id: int
    dm_channel_id: int | None
    routine: str
    local_date: date
    due: datetime
    first_attempt: datetime | None = None

    @property
    def nonce(self) -> str:
        return reminder_nonce(self.subscription_id, self.local_date)


@dataclass(frozen=True)
class Quarantined:
    """A subscription the dispatcher could not schedule (its row fails), paused with a reason."""

    subscription_id: int
    user_id: int
    problem: str


@dataclass(frozen=True)
class ClaimResult:
    claims: list[Claim]
    skipped: int
    quarantined: tuple[Quarantined, ...] = ()


QUARANTINE_REASON = (
    "Your reminder settings could not be read (for example, your time zone is not known on "
    "the bot's machine any more)."
)
QUARANTINE_NOTICE = (
    "Your daily reminders are paused: I could not work out your next reminder time (your "
    "time zone may not be known on my machine any more). Use /remind subscribe to set them "
    "up again."
)
ABANDONED_DETAIL = "unconfirmed after the retry window; the DM may or may not have arrived"


def _plan(
    now: datetime, grace: timedelta, lt: str, tz: str, due_ts: float, ldate: str
) -> tuple[list[tuple[str, float, str]], float, str]:
    """One due row's send records [(local date, due, status)] and its next (due, local date).

    Raises for a row that cannot be scheduled (unknown zone, damaged time or date).
    """
    local_time = time.fromisoformat(lt)
    day = date.fromisoformat(ldate)
    zone = resolve_zone(tz)
    out: list[tuple[str, float, str]] = []
    if now.timestamp() - due_ts <= grace.total_seconds():
        out.append((str(day), due_ts, "claimed"))
    else:
        out.append((str(day), due_ts, "skipped"))
        late_due, late_day = next_due(local_time, zone, now - grace)
        if late_due <= now:
            out.append((str(late_day), late_due.timestamp(), "claimed"))
    nxt, nday = next_due(local_time, zone, now)
    return out, nxt.timestamp(), str(nday)


def _row_problem(exc: Exception, tz: str) -> str:
    """For the log: what was wrong with a subscription row (no member text in it)."""
    if isinstance(exc, ZoneError | ZoneInfoNotFoundError):
        return f"time zone {tz[:60]!r} is not known on this machine"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


_SUB_COLS = (
    "id, user_id, dm_channel_id, local_time, tz, routine, status, pause_reason, "
    "created_at, updated_at, next_due_utc, next_local_date"
)


def _sub(row: Iterable[Any]) -> Subscription:
    (sid, uid, dm, lt, tz, routine, status, reason, created, updated, due, ldate) = row
    return Subscription(
        id=sid,
        user_id=uid,
        dm_channel_id=dm,
        local_time=time.fromisoformat(lt),
        tz=tz,
        routine=routine,
        status=status,
        pause_reason=reason,
        created_at=_dt(created),  # type: ignore[arg-type]
        updated_at=_dt(updated),  # type: ignore[arg-type]
        next_due=_dt(due),  # type: ignore[arg-type]
        next_local_date=date.fromisoformat(ldate),
    )


class Store:
    """All reads and writes of the bot's database. Create with ``await Store.open(path)``."""

    def __init__(self, connection: SqliteConnection) -> None:
        self.connection = connection
        self.db = connection.db
        self.path = connection.path
        self._lock = connection.lock
        self._tx = connection.transaction
        self._one = connection.one
        self._all = connection.all
        self.check_file = connection.check_file
        self.checkpoint = connection.checkpoint
        self.schema_version = connection.schema_version
        self.close = connection.close

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if needed), check and migrate the database at ``path``."""
        return cls(await SqliteConnection.open(path))

    @property
    def fatal(self) -> DatabaseUnusable | None:
        return self.connection.fatal

    @property
    def on_fatal(self) -> FatalHandler | None:
        return self.connection.on_fatal

    @on_fatal.setter
    def on_fatal(self, handler: FatalHandler | None) -> None:
        self.connection.on_fatal = handler

    async def _raw_one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return await fetch_one(self.db, sql, params)

    async def _raw_all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return await fetch_all(self.db, sql, params)

    # -- answer channels ------------------------------------------------------------------

    async def enable_channel(self, guild_id: int, channel_id: int) -> bool:
        async with self._tx() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO guild_channels VALUES (?, ?, ?)",
                (guild_id, channel_id, datetime.now(UTC).timestamp()),
            )
            return cur.rowcount == 1

    async def disable_channel(self, guild_id: int, channel_id: int) -> bool:
        async with self._tx() as db:
            cur = await db.execute(
                "DELETE FROM guild_channels WHERE guild_id = ? AND channel_id = ?",
                (guild_id, channel_id),
            )
            return cur.rowcount == 1

    async def enabled_channels(self, guild_id: int) -> list[int]:
        rows = await self._all(
            "SELECT channel_id FROM guild_channels WHERE guild_id = ?"
            " ORDER BY added_at, channel_id",
            (guild_id,),
        )
        return [r[0] for r in rows]

    async def is_enabled(self, guild_id: int, channel_id: int) -> bool:
        row = await self._one(
            "SELECT 1 FROM guild_channels WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        )
        return row is not None

    # -- questions, feedback, gaps, stats -------------------------------------------------

    async def log_question(
        self,
        *,
        guild_id: int | None,
        user_id: int,
        question: str,
        kind: str,
        entry: str | None,
        at: datetime,
    ) -> int:
        async with self._tx() as db:
            cur = await db.execute(
                "INSERT INTO questions (guild_id, user_id, question, normalised, kind, entry, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    user_id,
                    question[:2000],
                    normalise_question(question),
                    kind,
                    entry,
                    _ts(at),
                ),
            )
            return int(cur.lastrowid or 0)

    async def log_questions(self, rows: Iterable[QuestionRecord]) -> int:
        """Store many asked questions in one transaction (the FAQ cog batches them)."""
        values = [
            (
                r.guild_id,
                r.user_id,
                r.question[:2000],
                normalise_question(r.question),
                r.kind,
                r.entry,
                _ts(r.at),
            )
            for r in rows
        ]
        if not values:
            return 0
        async with self._tx() as db:
            await db.executemany(
                "INSERT INTO questions (guild_id, user_id, question, normalised, kind, entry, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        return len(values)

    async def record_feedback(
        self, *, message_id: int, user_id: int, entry: str | None, helpful: bool, at: datetime
    ) -> bool:
        """Store a member's rating of an answer; False if they already rated that answer."""
        async with self._tx() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO feedback VALUES (?, ?, ?, ?, ?)",
                (message_id, user_id, entry, int(bool(helpful)), _ts(at)),
            )
            return cur.rowcount == 1

    async def gaps(self, *, since: datetime, limit: int = 10) -> list[Gap]:
        """The most-asked questions since ``since`` that the guide did not answer."""
        rows = await self._all(
            "SELECT normalised, COUNT(*), MAX(at) FROM questions"
            " WHERE at >= ? AND kind IN ('none', 'suggest') AND normalised != ''"
            " GROUP BY normalised ORDER BY COUNT(*) DESC, MAX(at) DESC LIMIT ?",
            (_ts(since), limit),
        )
        return [Gap(q, n, _dt(last)) for q, n, last in rows]  # type: ignore[arg-type]

    async def stats(self, *, since: datetime, top: int = 5) -> Stats:
        t = _ts(since)
        questions, answered = await self._one(
            "SELECT COUNT(*), COALESCE(SUM(kind = 'answer'), 0) FROM questions WHERE at >= ?",
            (t,),
        )
        helpful, not_helpful = await self._one(
            "SELECT COALESCE(SUM(helpful = 1), 0), COALESCE(SUM(helpful = 0), 0)"
            " FROM feedback WHERE at >= ?",
            (t,),
        )
        rows = await self._all(
            "SELECT entry, COUNT(*) FROM questions WHERE at >= ? AND kind = 'answer'"
            " AND entry IS NOT NULL GROUP BY entry ORDER BY COUNT(*) DESC, entry LIMIT ?",
            (t, top),
        )
        return Stats(questions, answered, helpful, not_helpful, [(e, n) for e, n in rows])

    async def prune(self, before: datetime) -> dict[str, int]:
        """Delete questions, feedback and send records older than ``before``."""
        t = _ts(before)
        out: dict[str, int] = {}
        async with self._tx() as db:
            for table, column in (("questions", "at"), ("feedback", "at"), ("sends", "due_utc")):
                cur = await db.execute(f"DELETE FROM {table} WHERE {column} < ?", (t,))
                out[table] = cur.rowcount
        return out

    async def forget_member(self, user_id: int) -> dict[str, int]:
        """Delete everything stored about one member; returns how many rows went per table."""
        out: dict[str, int] = {}
        async with self._tx() as db:
            for table in ("questions", "feedback", "sends", "notices", "routine_log"):
                cur = await db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
                out[table] = cur.rowcount
            cur = await db.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
            out["subscriptions"] = cur.rowcount
        return out

    # -- subscriptions --------------------------------------------------------------------

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
        lt = f"{local_time.hour:02d}:{local_time.minute:02d}"
        async with self._tx() as db:
            existed = await self._raw_one(
                "SELECT 1 FROM subscriptions WHERE user_id = ?", (user_id,)
            )
            await db.execute(
                "INSERT INTO subscriptions (user_id, dm_channel_id, local_time, tz, routine,"
                " status, pause_reason, created_at, updated_at, next_due_utc, next_local_date)"
                " VALUES (?, ?, ?, ?, ?, 'active', NULL, ?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET"
                " dm_channel_id = COALESCE(excluded.dm_channel_id, dm_channel_id),"
                " local_time = excluded.local_time, tz = excluded.tz,"
                " routine = excluded.routine, status = 'active', pause_reason = NULL,"
                " updated_at = excluded.updated_at, next_due_utc = excluded.next_due_utc,"
                " next_local_date = excluded.next_local_date",
                (user_id, dm_channel_id, lt, tz, routine, _ts(at), _ts(at), _ts(due), str(day)),
            )
        sub = await self.subscription(user_id)
        assert sub is not None
        return sub, existed is None

    async def subscription(self, user_id: int) -> Subscription | None:
        row = await self._one(
            f"SELECT {_SUB_COLS} FROM subscriptions WHERE user_id = ?", (user_id,)
        )
        return _sub(row) if row else None

    async def subscription_by_id(self, subscription_id: int) -> Subscription | None:
        row = await self._one(
            f"SELECT {_SUB_COLS} FROM subscriptions WHERE id = ?", (subscription_id,)
        )
        return _sub(row) if row else None

    async def pause(self, user_id: int, *, reason: str, at: datetime) -> bool:
        """Pause an active subscription; False if there is none or it is already paused."""
        async with self._tx() as db:
            cur = await db.execute(
                "UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ?"
                " WHERE user_id = ? AND status = 'active'",
                (reason, _ts(at), user_id),
            )
            return cur.rowcount == 1

    async def resume(self, user_id: int, *, at: datetime) -> Subscription | None:
        """Resume a paused subscription from the next due time after ``at``; None if none."""
        sub = await self.subscription(user_id)
        if sub is None:
            return None
        due, day = next_due(sub.local_time, sub.tz, at)
        async with self._tx() as db:
            await db.execute(
                "UPDATE subscriptions SET status = 'active', pause_reason = NULL, updated_at = ?,"
                " next_due_utc = ?, next_local_date = ? WHERE id = ?",
                (_ts(at), _ts(due), str(day), sub.id),
            )
        return await self.subscription(user_id)

    async def unsubscribe(self, user_id: int) -> bool:
        """Delete a member's subscription and its send records; False if there was none."""
        async with self._tx() as db:
            cur = await db.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
            return cur.rowcount == 1

    async def set_dm_channel(self, user_id: int, channel_id: int | None) -> None:
        async with self._tx() as db:
            await db.execute(
                "UPDATE subscriptions SET dm_channel_id = ? WHERE user_id = ?",
                (channel_id, user_id),
            )

    # -- the dispatcher's side ------------------------------------------------------------

    async def next_due_time(self) -> datetime | None:
        """The earliest due instant among active subscriptions."""
        row = await self._one("SELECT MIN(next_due_utc) FROM subscriptions WHERE status = 'active'")
        return _dt(row[0]) if row else None

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
        t_now = _ts(now)
        token = uuid.uuid4().hex
        skipped = 0
        quarantined: list[Quarantined] = []
        async with self._tx() as db:
            rows = await self._raw_all(
                "SELECT id, user_id, local_time, tz, next_due_utc, next_local_date"
                " FROM subscriptions WHERE status = 'active' AND next_due_utc <= ?"
                " ORDER BY next_due_utc LIMIT ?",
                (t_now, limit),
            )
            if not rows:
                return ClaimResult([], 0)
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            for sid, uid, lt, tz, due_ts, ldate in rows:
                try:
                    rows_for, nxt, nday = _plan(now, grace, lt, tz, float(due_ts), ldate)
                except Exception as exc:  # one bad row must not stop everyone's reminders
                    quarantined.append(Quarantined(sid, uid, _row_problem(exc, tz)))
                    continue
                for day, due, status in rows_for:
                    if status == "claimed":
                        inserts.append((sid, uid, day, due, status, token, None, t_now, t_now))
                    else:
                        skipped += 1
                        inserts.append((sid, uid, day, due, status, None, "late", t_now, None))
                updates.append((nxt, nday, sid))
            await db.executemany(
                "INSERT OR IGNORE INTO sends (subscription_id, user_id, local_date, due_utc,"
                " status, claim_token, detail, at, first_attempt_utc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                inserts,
            )
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
                await db.execute(
                    "INSERT INTO notices (user_id, text, at) VALUES (?, ?, ?)",
                    (q.user_id, QUARANTINE_NOTICE, t_now),
                )
            claimed = await self._claims_with_token(token)
        return ClaimResult(claims=claimed, skipped=skipped, quarantined=tuple(quarantined))

    async def _claims_with_token(self, token: str) -> list[Claim]:
        rows = await self._raw_all(
            "SELECT s.id, s.subscription_id, s.user_id, b.dm_channel_id, b.routine,"
            " s.local_date, s.due_utc, s.first_attempt_utc FROM sends s JOIN subscriptions b"
            " ON b.id = s.subscription_id WHERE s.claim_token = ? ORDER BY s.due_utc, s.id",
            (token,),
        )
        return [
            Claim(i, sid, uid, dm, routine, date.fromisoformat(d), _dt(due), _dt(first))  # type: ignore[arg-type]
            for i, sid, uid, dm, routine, d, due, first in rows
        ]

    async def stamp_attempt(self, send_id: int, at: datetime) -> None:
        """Move a claimed send's first attempt to ``at``: no request for it has gone out yet
        (it waited, or every earlier request was refused before it could create anything)."""
        async with self._tx() as db:
            await db.execute(
                "UPDATE sends SET first_attempt_utc = ? WHERE id = ? AND status = 'claimed'",
                (_ts(at), send_id),
            )

    async def recover_unconfirmed(
        self, *, now: datetime, window: timedelta
    ) -> tuple[list[Claim], int]:
        """Sends still 'claimed' (a process stopped between its request and the record of the
        answer): those whose first attempt is within ``window`` of ``now`` are taken over, to
        be retried with their nonce; older ones are recorded 'abandoned' (the DM may or may
        not have been delivered, and Discord no longer deduplicates its nonce). Returns the
        claims taken and how many were abandoned."""
        t_now = _ts(now)
        oldest = t_now - window.total_seconds()
        token = uuid.uuid4().hex
        async with self._tx() as db:
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
            claims = await self._claims_with_token(token)
        return claims, abandoned

    async def finish_send(
        self,
        send_id: int,
        *,
        status: str,
        at: datetime,
        detail: str | None = None,
        message_id: int | None = None,
    ) -> None:
        await self.finish_sends([(send_id, status, at, detail, message_id)])

    async def finish_sends(
        self, results: list[tuple[int, str, datetime, str | None, int | None]]
    ) -> None:
        """Record the outcome of claimed sends: (send_id, status, at, detail, message_id)."""
        rows = []
        for send_id, status, at, detail, message_id in results:
            if status not in SEND_STATUSES:
                raise ValueError(f"unknown send status {status!r}")
            rows.append((status, _ts(at), detail, message_id, send_id))
        if not rows:
            return
        async with self._tx() as db:
            await db.executemany(
                "UPDATE sends SET status = ?, at = ?, detail = ?, message_id = ? WHERE id = ?",
                rows,
            )

    async def pause_subscription(
        self, subscription_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> bool:
        """Pause by id (the dispatcher's side) and leave the member a notice, in one go."""
        async with self._tx() as db:
            cur = await db.execute(
                "UPDATE subscriptions SET status = 'paused', pause_reason = ?, updated_at = ?"
                " WHERE id = ? AND status = 'active' RETURNING user_id",
                (reason, _ts(at), subscription_id),
            )
            row = await cur.fetchone()
            await cur.close()
            if row is None:
                return False
            if notice:
                await db.execute(
                    "INSERT INTO notices (user_id, text, at) VALUES (?, ?, ?)",
                    (row[0], notice, _ts(at)),
                )
            return True

    async def delete_subscription(self, subscription_id: int) -> bool:
        async with self._tx() as db:
            cur = await db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))
            return cur.rowcount == 1

    async def sends(self, user_id: int | None = None) -> list[dict[str, Any]]:
        """Send records (all, or one member's), oldest first: for status pages and tests."""
        where, params = ("WHERE user_id = ?", (user_id,)) if user_id is not None else ("", ())
        rows = await self._all(
            "SELECT id, subscription_id, user_id, local_date, due_utc, status, detail, message_id,"
            f" at, first_attempt_utc FROM sends {where} ORDER BY due_utc, id",
            params,
        )
        keys = ("id", "subscription_id", "user_id", "local_date", "due", "status", "detail")
        out = []
        for row in rows:
            rec = dict(zip(keys, row[:7], strict=True))
            rec["due"] = _dt(rec["due"])
            rec["local_date"] = date.fromisoformat(rec["local_date"])
            rec["message_id"] = row[7]
            rec["at"] = _dt(row[8])
            rec["first_attempt"] = _dt(row[9])
            out.append(rec)
        return out

    # -- notices --------------------------------------------------------------------------

    async def add_notice(self, user_id: int, text: str, *, at: datetime) -> None:
        async with self._tx() as db:
            await db.execute(
                "INSERT INTO notices (user_id, text, at) VALUES (?, ?, ?)",
                (user_id, text, _ts(at)),
            )

    async def pop_notices(self, user_id: int) -> list[str]:
        """Take (and delete) the notices waiting for a member, oldest first."""
        async with self._tx() as db:
            cur = await db.execute(
                "DELETE FROM notices WHERE user_id = ? RETURNING id, text", (user_id,)
            )
            rows = await cur.fetchall()
            await cur.close()
        return [text for _id, text in sorted(rows)]

    async def has_notices(self, user_id: int) -> bool:
        row = await self._one("SELECT 1 FROM notices WHERE user_id = ? LIMIT 1", (user_id,))
        return row is not None

    # -- Done / Skip and the streak -------------------------------------------------------

    async def record_routine(self, user_id: int, day: date, action: str, *, at: datetime) -> bool:
        """Record Done or Skip for a member's local date; False if that day already has one."""
        if action not in ("done", "skip"):
            raise ValueError(f"unknown routine action {action!r}")
        async with self._tx() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO routine_log VALUES (?, ?, ?, ?)",
                (user_id, str(day), action, _ts(at)),
            )
            return cur.rowcount == 1

    async def streak(self, user_id: int, today: date) -> tuple[int, int]:
        """(current streak, total Done days). The streak counts consecutive days done, ending
        today or yesterday; a skipped day is a rest day that neither counts nor breaks it."""
        rows = await self._all(
            "SELECT local_date, action FROM routine_log WHERE user_id = ? ORDER BY local_date DESC",
            (user_id,),
        )
        total = sum(1 for _d, a in rows if a == "done")
        marks = {date.fromisoformat(d): a for d, a in rows}
        day = today if today in marks else today - timedelta(days=1)
        streak = 0
        while day in marks:
            if marks[day] == "done":
                streak += 1
            day -= timedelta(days=1)
        return streak, total

    async def check_consistency(self) -> list[str]:
        """Problems in the stored data (empty when all is well): used by tests and `check`."""
        problems: list[str] = []
        for row in await self._all("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: {tuple(row)}")
        (ok,) = await self._one("PRAGMA integrity_check")
        if ok != "ok":
            problems.append(f"integrity: {ok}")
        for (n,) in await self._all(
            "SELECT COUNT(*) FROM subscriptions WHERE status = 'paused' AND pause_reason IS NULL"
        ):
            if n:
                problems.append(f"{n} paused subscriptions without a reason")
        for (n,) in await self._all(
            "SELECT COUNT(*) FROM subscriptions"
            " WHERE status = 'active' AND pause_reason IS NOT NULL"
        ):
            if n:
                problems.append(f"{n} active subscriptions with a pause reason")
        for (n,) in await self._all(
            "SELECT COUNT(*) FROM sends s LEFT JOIN subscriptions b ON b.id = s.subscription_id"
            " WHERE b.id IS NULL OR b.user_id != s.user_id"
        ):
            if n:
                problems.append(f"{n} send records without their subscription")
        return problems
