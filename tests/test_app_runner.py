"""bot.runner: `python -m bot run` stops cleanly on SIGTERM/SIGINT and never logs the token;
it falls back without the message content intent; `python -m bot sync` registers commands."""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3

import pytest

from bot.runner import run, sync
from tests.double import TOKEN
from tests.helpers import ask_by_mention, with_settings


class AllRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self._fmt = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self._fmt.format(record))
        if record.exc_info:
            self.lines.append(self._fmt.formatException(record.exc_info))


@pytest.fixture
def root_logging():
    """run() sets up logging on the root logger: capture everything, restore afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    records = AllRecords()
    root.addHandler(records)
    try:
        yield records
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def wait_connected(double, identifies: int = 1) -> None:
    await double.wait_until(
        lambda: len(double.frames(2)) >= identifies and double.connected, 5, "IDENTIFY"
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_answers_then_shuts_down_cleanly_on_a_stop_signal(
    double, settings, root_logging, sig
):
    settings = with_settings(settings, log_level="DEBUG")
    task = asyncio.create_task(run(settings))
    await wait_connected(double)
    reply = await double.wait_for_reply(await ask_by_mention(double), timeout=5)
    assert reply["embeds"][0]["title"]

    signal.raise_signal(sig)
    assert await asyncio.wait_for(task, 5) == 0
    await double.wait_until(lambda: not double.connected, 2, "the gateway to close")
    # the database was closed: SQLite removes the WAL file when the last connection closes
    assert settings.database_path.is_file()
    assert not settings.database_path.with_name(settings.database_path.name + "-wal").exists()
    with sqlite3.connect(settings.database_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 1
    assert any("Shutting down" in line for line in root_logging.lines)
    # debug logging of every request and event, and still no token
    assert len(root_logging.lines) > 20
    assert not [line for line in root_logging.lines if TOKEN in line]


async def test_run_without_the_message_content_intent_still_answers_mentions(
    double, settings, root_logging
):
    double.message_content_allowed = False  # the intent is off in the developer portal
    task = asyncio.create_task(run(settings))
    await wait_connected(double, identifies=2)
    first, second = double.frames(2)
    assert first.data["intents"] & (1 << 15)
    assert not second.data["intents"] & (1 << 15)
    assert any("message content intent" in line for line in root_logging.lines)
    reply = await double.wait_for_reply(await ask_by_mention(double), timeout=5)
    assert "upper back" in reply["embeds"][0]["title"].lower()

    signal.raise_signal(signal.SIGTERM)
    assert await asyncio.wait_for(task, 5) == 0


async def test_run_with_a_rejected_token_says_so_and_exits_non_zero(
    double, settings, root_logging, error_log
):
    error_log.expect("Discord rejected the token")
    assert await run(with_settings(settings, token="not-the-token")) == 1
    assert any("rejected the token" in line for line in root_logging.lines)
    assert not double.frames(2)  # never reached the gateway


async def test_sync_registers_the_commands_globally(double, settings, root_logging, capsys):
    assert await sync(settings, None) == 0
    puts = double.requests_to("PUT", "/applications/{app}/commands")
    assert len(puts) == 1
    names = {c["name"] for c in double.commands[None]}
    assert {"ask", "faq", "stretches", "core", "disclaimer", "help", "remind"} <= names
    assert {"config", "faqadmin", "forgetme"} <= names
    out = capsys.readouterr().out
    assert "globally" in out and "/ask" in out
    assert not double.frames(2)  # sync never connects to the gateway


async def test_logging_in_without_connecting_starts_no_reminders(double, settings):
    # `python -m bot sync` logs in (loading every cog) but never connects: it must not
    # become a second reminder dispatcher.
    from bot.app import create_bot

    bot = create_bot(settings)
    async with bot:
        await bot.login(TOKEN)
        assert bot.get_cog("Reminders") is not None
        assert not bot.get_cog("Reminders").dispatcher.running


async def test_sync_to_one_guild_registers_there_only(double, settings, root_logging, capsys):
    assert await sync(settings, double.guild.id) == 0
    assert not double.requests_to("PUT", "/applications/{app}/commands")
    assert double.requests_to("PUT", "/applications/{app}/guilds/{gid}/commands")
    names = {c["name"] for c in double.commands[double.guild.id]}
    assert {"ask", "faq"} <= names
    assert f"to server {double.guild.id}" in capsys.readouterr().out


async def test_the_bot_does_not_sync_commands_on_start(running_bot, double):
    assert not [r for r in double.requests if "/commands" in r.path]


async def test_sync_clear_removes_a_servers_copies_after_a_global_sync(
    double, settings, root_logging, capsys
):
    assert await sync(settings, double.guild.id) == 0
    assert await sync(settings, None) == 0
    # the server now lists every command twice: its copy and the global one
    assert {c["name"] for c in double.commands[double.guild.id]} >= {"ask", "faq"}
    assert await sync(settings, double.guild.id, clear=True) == 0
    assert double.commands[double.guild.id] == []
    assert {"ask", "faq", "faqadmin"} <= {c["name"] for c in double.commands[None]}
    assert "Removed the commands registered to server" in capsys.readouterr().out


def test_clear_without_a_server_is_refused(settings, capsys):
    from bot.__main__ import build_parser, cmd_sync

    args = build_parser().parse_args(["sync", "--clear"])
    assert cmd_sync(settings, args) == 2
    assert "--guild" in capsys.readouterr().out
