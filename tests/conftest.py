"""Shared fixtures: the offline Discord double, settings, a fake clock, the running bot,
and a guard that fails any test during which discord.py or the bot logged an error.
The functions tests call are in tests/helpers.py."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator

import discord
import pytest
import yarl

from bot.app import RunClubBot, create_bot
from bot.config import PROJECT_ROOT, Settings
from bot.core.clock import FakeClock
from tests.double import TOKEN, DiscordDouble
from tests.helpers import START, start_bot, stop_bot
from tests.postgres_cluster import REQUIRE_ENV, Cluster, Databases, start_cluster
from tests.postgres_cluster import Unavailable as ClusterUnavailable

GUARDED_LOGGERS = ("discord", "bot")


class ErrorLog(logging.Handler):
    """Collects ERROR records; the test fails on any that it did not declare expected."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._expected: list[Callable[[logging.LogRecord], bool]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def expect(self, text: str) -> None:
        """Declare that an ERROR record whose message or traceback contains text is expected."""

        def matches(record: logging.LogRecord) -> bool:
            exc = ""
            if record.exc_info:
                exc = logging.Formatter().formatException(record.exc_info)
            return text in record.getMessage() or text in exc

        self._expected.append(matches)

    def unexpected(self) -> list[logging.LogRecord]:
        return [r for r in self.records if not any(m(r) for m in self._expected)]


@pytest.fixture(autouse=True)
def error_log() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    loggers = [logging.getLogger(name) for name in GUARDED_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    bad = handler.unexpected()
    if bad:
        formatter = logging.Formatter("%(name)s %(levelname)s: %(message)s")
        shown = "\n\n".join(formatter.format(r) for r in bad)
        pytest.fail(f"{len(bad)} error(s) logged during the test:\n{shown}", pytrace=False)


@pytest.fixture
async def double(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordDouble]:
    """The offline Discord, with discord.py pointed at it (restored afterwards)."""
    fake = DiscordDouble()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    try:
        yield fake
    finally:
        await fake.close()
    assert not fake.internal_errors, f"the Discord double failed: {fake.internal_errors}"
    assert not fake.too_long, (
        f"messages over {fake.phone_text_max} characters of text, as (id, total): {fake.too_long}"
    )


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the whole session (tests/postgres_cluster.py).
    Skipped with the reason when it cannot be started, unless REQUIRE_POSTGRES=1: then the
    tests that need it fail."""
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1, but PostgreSQL cannot be started: {exc}")
        pytest.skip(f"PostgreSQL cannot be started here ({exc}); {REQUIRE_ENV}=1 fails instead")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_databases(postgres_cluster: Cluster) -> Iterator[Databases]:
    """Fresh databases in that cluster, made ahead while the tests run."""
    databases = Databases(postgres_cluster)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def postgres_url(postgres_databases: Databases) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    name, url = postgres_databases.take("empty")
    try:
        yield url
    finally:
        postgres_databases.drop(name)


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Settings for a test: a fresh database file, the real knowledge base, quick readiness."""
    return Settings(
        token=TOKEN,
        database_path=tmp_path / "bot.sqlite3",
        knowledge_dir=PROJECT_ROOT / "knowledge",
        log_level="INFO",
        guild_ready_timeout_s=0.02,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def running_bot(
    double: DiscordDouble, settings: Settings, clock: FakeClock
) -> AsyncIterator[RunClubBot]:
    """The bot ``python -m bot run`` builds, connected to the double and ready."""
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        yield bot
    finally:
        await stop_bot(bot, task)
