"""The store's one interface: what a backend provides, concern by concern.

A backend (bot.store.sqlite, bot.store.postgres) implements each protocol in its own module and
bundles them in a ``Backend``; the Store facade (bot.store.facade) composes them. mypy checks
that a backend's classes match these protocols where it builds its Backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from bot.store.faults import DatabaseUnusable, StoreError
from bot.store.model import (
    Claim,
    ClaimResult,
    Gap,
    LearnedPhrasing,
    QuestionRecord,
    Stats,
    Subscription,
    Vote,
)

FatalHandler = Callable[[StoreError], None]
# (send_id, status, at, detail, message_id), as the dispatcher batches them
FinishedSend = tuple[int, str, datetime, str | None, int | None]
# a table's rows as plain Python values, in bot.store.transfer.TABLES' column order
TableRows = list[tuple[Any, ...]]


class Connection(Protocol):
    """The database itself: its lifetime, its schema version, and whether it is still usable.

    Once the database is unusable, ``fatal`` holds why, ``on_fatal`` has been told once, and
    every later use raises it.
    """

    fatal: DatabaseUnusable | None
    on_fatal: FatalHandler | None

    async def close(self) -> None: ...
    def check_file(self) -> None: ...
    async def checkpoint(self) -> None: ...
    async def schema_version(self) -> int: ...


class Channels(Protocol):
    async def enable(self, guild_id: int, channel_id: int) -> bool: ...
    async def disable(self, guild_id: int, channel_id: int) -> bool: ...
    async def enabled(self, guild_id: int) -> list[int]: ...
    async def is_enabled(self, guild_id: int, channel_id: int) -> bool: ...


class Questions(Protocol):
    """Asked questions and ratings. Every read is one server's: a DM's (guild_id None) are in
    no server's gaps or stats."""

    async def log(self, record: QuestionRecord) -> int: ...
    async def log_many(self, records: Iterable[QuestionRecord]) -> int: ...
    async def record_feedback(
        self,
        *,
        message_id: int,
        user_id: int,
        guild_id: int | None,
        entry: str | None,
        helpful: bool,
        at: datetime,
    ) -> Vote: ...
    async def gaps(self, *, guild_id: int, since: datetime, limit: int = 10) -> list[Gap]: ...
    async def gap(self, *, guild_id: int, question_id: int, since: datetime) -> Gap | None: ...
    async def stats(self, *, guild_id: int, since: datetime, top: int = 5) -> Stats: ...
    async def prune(self, before: datetime) -> dict[str, int]: ...


class Learning(Protocol):
    """Phrasings a server's admins taught from its unanswered questions, for that server."""

    async def teach(
        self, *, guild_id: int, question_id: int, entry: str, at: datetime
    ) -> LearnedPhrasing | None: ...
    async def of_guild(self, guild_id: int) -> list[LearnedPhrasing]: ...
    async def every(self) -> list[LearnedPhrasing]: ...
    async def unlearn(self, *, guild_id: int, phrasing_id: int) -> bool: ...


class Subscriptions(Protocol):
    """Members' named reminders (up to MAX_REMINDERS each) and their one stored time zone.

    ``name=None`` in pause, resume and unsubscribe means all of the member's reminders.
    """

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
    ) -> tuple[Subscription, bool]: ...
    async def of_member(self, user_id: int) -> list[Subscription]: ...
    async def named(self, user_id: int, name: str) -> Subscription | None: ...
    async def by_id(self, subscription_id: int) -> Subscription | None: ...
    async def zone(self, user_id: int) -> str | None: ...
    async def set_zone(self, user_id: int, tz: str, *, at: datetime) -> list[Subscription]: ...
    async def pause(self, user_id: int, name: str | None, *, reason: str, at: datetime) -> int: ...
    async def resume(
        self, user_id: int, name: str | None, *, at: datetime
    ) -> list[Subscription]: ...
    async def unsubscribe(self, user_id: int, name: str | None = None) -> int: ...
    async def set_dm_channel(self, user_id: int, channel_id: int | None) -> None: ...
    async def next_due_time(self) -> datetime | None: ...
    async def pause_by_id(
        self, subscription_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> bool: ...
    async def pause_member(
        self, user_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> int: ...
    async def delete(self, subscription_id: int) -> bool: ...


class Claims(Protocol):
    async def claim_due(
        self, *, now: datetime, grace: timedelta, limit: int = 500
    ) -> ClaimResult: ...
    async def stamp_attempt(self, send_id: int, at: datetime) -> None: ...
    async def recover_unconfirmed(
        self, *, now: datetime, window: timedelta
    ) -> tuple[list[Claim], int]: ...
    async def finish(self, results: list[FinishedSend]) -> None: ...
    async def records(self, user_id: int | None = None) -> list[dict[str, Any]]: ...


class Notices(Protocol):
    async def add(self, user_id: int, text: str, *, at: datetime) -> None: ...
    async def pop(self, user_id: int) -> list[str]: ...
    async def waiting(self, user_id: int) -> bool: ...


class Streaks(Protocol):
    async def record(self, user_id: int, day: date, action: str, *, at: datetime) -> bool: ...
    async def streak(self, user_id: int, today: date) -> tuple[int, int]: ...


class Audit(Protocol):
    async def check_consistency(self) -> list[str]: ...
    async def forget_member(self, user_id: int) -> dict[str, int]: ...


class Leadership(Protocol):
    """Which process sends the reminders when several share the database: one leads, the
    others stand by, so the global send budget is shared (bot.store.postgres.leader)."""

    async def lead(self) -> bool: ...
    async def resign(self) -> None: ...


class Transfer(Protocol):
    """Every table at once, as plain values (bot.store.transfer): export and import."""

    async def dump(self) -> dict[str, TableRows]: ...
    async def load(self, tables: Mapping[str, TableRows], *, replace: bool) -> None: ...


@dataclass(frozen=True)
class Backend:
    """One opened database and its concerns, all sharing that database's connection."""

    connection: Connection
    channels: Channels
    questions: Questions
    learning: Learning
    subscriptions: Subscriptions
    claims: Claims
    notices: Notices
    streaks: Streaks
    audit: Audit
    leadership: Leadership
    transfer: Transfer
    name: str  # "sqlite" or "postgres"
