"""Store: the bot's one record, as the cogs and the dispatcher call it.

A thin facade over a backend's concerns (bot.store.interface): each method hands over to
the concern that owns it (``store.channels``, ``store.questions``, ``store.learning``,
``store.subscriptions``, ``store.claims``, ``store.notices``, ``store.streaks``, ``store.audit``,
``store.leadership``, ``store.transfer``), where the docstrings are. ``await Store.open(path)``
opens the SQLite backend, ``await Store.open("postgresql://...")`` the PostgreSQL one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot import database_url
from bot.store import sqlite, transfer
from bot.store.faults import DatabaseUnusable
from bot.store.interface import Backend, FatalHandler, FinishedSend
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


class Store:
    """All reads and writes of the bot's database. Create with ``await Store.open(where)``."""

    def __init__(self, backend: Backend) -> None:
        self.connection = backend.connection
        self.channels = backend.channels
        self.questions = backend.questions
        self.learning = backend.learning
        self.subscriptions = backend.subscriptions
        self.claims = backend.claims
        self.notices = backend.notices
        self.streaks = backend.streaks
        self.audit = backend.audit
        self.leadership = backend.leadership
        self.transfer = backend.transfer
        self.backend = backend.name
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    async def open(cls, where: Path | str) -> Store:
        """Open, check and migrate the database: PostgreSQL for a ``postgresql://`` (or
        ``postgres://``) URL, else the SQLite file at that path (created if needed).

        Raises DatabaseUnusable with one line naming DATABASE_PATH, or DATABASE_URL with its
        password masked, when it cannot be used.
        """
        if isinstance(where, str) and database_url.is_postgres(where):
            from bot.store import postgres  # asyncpg is loaded only for PostgreSQL

            return cls(await postgres.open_backend(where))
        return cls(await sqlite.open_backend(where))

    # -- the database -----------------------------------------------------------------------

    @property
    def fatal(self) -> DatabaseUnusable | None:
        return self.connection.fatal

    @property
    def on_fatal(self) -> FatalHandler | None:
        return self.connection.on_fatal

    @on_fatal.setter
    def on_fatal(self, handler: FatalHandler | None) -> None:
        self.connection.on_fatal = handler

    async def close(self) -> None:
        """Close once. A second call while the first runs (the bot stopping itself on a
        database fault as it is being stopped) waits for the first: aiosqlite's worker thread
        ends with the first close, and a second would wait for it forever."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        await self.leadership.resign()
        await self.connection.close()

    def check_file(self) -> None:
        self.connection.check_file()

    async def checkpoint(self) -> None:
        await self.connection.checkpoint()

    async def schema_version(self) -> int:
        return await self.connection.schema_version()

    # -- answer channels --------------------------------------------------------------------

    async def enable_channel(self, guild_id: int, channel_id: int) -> bool:
        return await self.channels.enable(guild_id, channel_id)

    async def disable_channel(self, guild_id: int, channel_id: int) -> bool:
        return await self.channels.disable(guild_id, channel_id)

    async def enabled_channels(self, guild_id: int) -> list[int]:
        return await self.channels.enabled(guild_id)

    async def is_enabled(self, guild_id: int, channel_id: int) -> bool:
        return await self.channels.is_enabled(guild_id, channel_id)

    # -- questions, feedback, gaps, stats ---------------------------------------------------

    async def log_question(
        self,
        *,
        guild_id: int | None,
        user_id: int,
        question: str,
        kind: str,
        entry: str | None,
        at: datetime,
        learned: bool = False,
    ) -> int:
        record = QuestionRecord(guild_id, user_id, question, kind, entry, at, learned)
        return await self.questions.log(record)

    async def log_questions(self, rows: Iterable[QuestionRecord]) -> int:
        return await self.questions.log_many(rows)

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
        return await self.questions.record_feedback(
            message_id=message_id,
            user_id=user_id,
            guild_id=guild_id,
            entry=entry,
            helpful=helpful,
            at=at,
        )

    async def gaps(self, *, guild_id: int, since: datetime, limit: int = 10) -> list[Gap]:
        return await self.questions.gaps(guild_id=guild_id, since=since, limit=limit)

    async def gap(self, *, guild_id: int, question_id: int, since: datetime) -> Gap | None:
        return await self.questions.gap(guild_id=guild_id, question_id=question_id, since=since)

    async def stats(self, *, guild_id: int, since: datetime, top: int = 5) -> Stats:
        return await self.questions.stats(guild_id=guild_id, since=since, top=top)

    async def prune(self, before: datetime) -> dict[str, int]:
        return await self.questions.prune(before)

    # -- learned phrasings ------------------------------------------------------------------

    async def teach(
        self, *, guild_id: int, question_id: int, entry: str, at: datetime
    ) -> LearnedPhrasing | None:
        return await self.learning.teach(
            guild_id=guild_id, question_id=question_id, entry=entry, at=at
        )

    async def learned_phrasings(self, guild_id: int) -> list[LearnedPhrasing]:
        return await self.learning.of_guild(guild_id)

    async def all_learned_phrasings(self) -> list[LearnedPhrasing]:
        return await self.learning.every()

    async def unlearn(self, *, guild_id: int, phrasing_id: int) -> bool:
        return await self.learning.unlearn(guild_id=guild_id, phrasing_id=phrasing_id)

    # -- reminders and the member's time zone ----------------------------------------------

    async def subscribe(
        self,
        *,
        user_id: int,
        dm_channel_id: int | None,
        local_time: time,
        tz: str,
        routine: str,
        at: datetime,
        name: str = "daily",
    ) -> tuple[Subscription, bool]:
        return await self.subscriptions.subscribe(
            user_id=user_id,
            name=name,
            dm_channel_id=dm_channel_id,
            local_time=local_time,
            tz=tz,
            routine=routine,
            at=at,
        )

    async def reminders(self, user_id: int) -> list[Subscription]:
        """A member's reminders, by time of day."""
        return await self.subscriptions.of_member(user_id)

    async def subscription(self, user_id: int, name: str | None = None) -> Subscription | None:
        """A member's reminder ``name``; without a name, their earliest one."""
        if name is not None:
            return await self.subscriptions.named(user_id, name)
        found = await self.subscriptions.of_member(user_id)
        return found[0] if found else None

    async def subscription_by_id(self, subscription_id: int) -> Subscription | None:
        return await self.subscriptions.by_id(subscription_id)

    async def zone(self, user_id: int) -> str | None:
        return await self.subscriptions.zone(user_id)

    async def set_zone(self, user_id: int, tz: str, *, at: datetime) -> list[Subscription]:
        return await self.subscriptions.set_zone(user_id, tz, at=at)

    async def pause(
        self, user_id: int, name: str | None = None, *, reason: str, at: datetime
    ) -> int:
        return await self.subscriptions.pause(user_id, name, reason=reason, at=at)

    async def resume(
        self, user_id: int, name: str | None = None, *, at: datetime
    ) -> list[Subscription]:
        return await self.subscriptions.resume(user_id, name, at=at)

    async def unsubscribe(self, user_id: int, name: str | None = None) -> int:
        return await self.subscriptions.unsubscribe(user_id, name)

    async def set_dm_channel(self, user_id: int, channel_id: int | None) -> None:
        await self.subscriptions.set_dm_channel(user_id, channel_id)

    async def next_due_time(self) -> datetime | None:
        return await self.subscriptions.next_due_time()

    async def pause_subscription(
        self, subscription_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> bool:
        return await self.subscriptions.pause_by_id(
            subscription_id, reason=reason, notice=notice, at=at
        )

    async def pause_member(
        self, user_id: int, *, reason: str, notice: str | None, at: datetime
    ) -> int:
        return await self.subscriptions.pause_member(user_id, reason=reason, notice=notice, at=at)

    async def delete_subscription(self, subscription_id: int) -> bool:
        return await self.subscriptions.delete(subscription_id)

    # -- claims and sends -------------------------------------------------------------------

    async def claim_due(self, *, now: datetime, grace: timedelta, limit: int = 500) -> ClaimResult:
        return await self.claims.claim_due(now=now, grace=grace, limit=limit)

    async def stamp_attempt(self, send_id: int, at: datetime) -> None:
        await self.claims.stamp_attempt(send_id, at)

    async def recover_unconfirmed(
        self, *, now: datetime, window: timedelta
    ) -> tuple[list[Claim], int]:
        return await self.claims.recover_unconfirmed(now=now, window=window)

    async def finish_send(
        self,
        send_id: int,
        *,
        status: str,
        at: datetime,
        detail: str | None = None,
        message_id: int | None = None,
    ) -> None:
        await self.claims.finish([(send_id, status, at, detail, message_id)])

    async def finish_sends(self, results: list[FinishedSend]) -> None:
        await self.claims.finish(results)

    async def sends(self, user_id: int | None = None) -> list[dict[str, Any]]:
        return await self.claims.records(user_id)

    # -- notices, Done / Skip and the streak ------------------------------------------------

    async def add_notice(self, user_id: int, text: str, *, at: datetime) -> None:
        await self.notices.add(user_id, text, at=at)

    async def pop_notices(self, user_id: int) -> list[str]:
        return await self.notices.pop(user_id)

    async def has_notices(self, user_id: int) -> bool:
        return await self.notices.waiting(user_id)

    async def record_routine(self, user_id: int, day: date, action: str, *, at: datetime) -> bool:
        return await self.streaks.record(user_id, day, action, at=at)

    async def streak(self, user_id: int, today: date) -> tuple[int, int]:
        return await self.streaks.streak(user_id, today)

    # -- the dispatcher's leader, when several processes share the database ----------------

    async def lead(self) -> bool:
        return await self.leadership.lead()

    async def resign(self) -> None:
        await self.leadership.resign()

    # -- moving house -----------------------------------------------------------------------

    async def export_json(self) -> str:
        """Every table as the JSON document of bot.store.transfer."""
        version = await self.schema_version()
        tables = await self.transfer.dump()
        return transfer.document(tables, schema_version=version, backend=self.backend)

    async def import_json(self, text: str, *, replace: bool = False) -> dict[str, int]:
        """Load an export; refused (TransferError) if this database holds data, unless
        ``replace``. Returns the rows loaded per table."""
        tables = transfer.read_document(text, schema_version=await self.schema_version())
        await self.transfer.load(tables, replace=replace)
        return {table: len(rows) for table, rows in tables.items()}

    # -- audit ------------------------------------------------------------------------------

    async def check_consistency(self) -> list[str]:
        return await self.audit.check_consistency()

    async def forget_member(self, user_id: int) -> dict[str, int]:
        return await self.audit.forget_member(user_id)
