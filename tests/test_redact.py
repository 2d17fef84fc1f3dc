"""The token never reaches a log or stderr: not in a message, an argument's repr, a traceback,
or an uncaught exception, even when aiohttp's TooManyRedirects carries the request headers."""

from __future__ import annotations

import io
import logging
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import aiohttp
import discord

from bot.config import PROJECT_ROOT
from bot.redact import MASK, Redactor, protect_handler, protect_logging
from bot.store import Store
from tests.bot_process import finish, spawn
from tests.double import TOKEN

SHAPED = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"  # a token's shape


async def too_many_redirects(double) -> aiohttp.TooManyRedirects:
    """A real TooManyRedirects from a request that carried the bot's Authorization header."""
    double.redirect_loop("POST", "/users/@me/channels")
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        try:
            async with http.post(f"{double.api_base}/users/@me/channels", json={}):
                pass
        except aiohttp.TooManyRedirects as exc:
            return exc
    raise AssertionError("no TooManyRedirects")


def test_the_redactor_cuts_tokens_headers_and_url_tokens():
    redact = Redactor([TOKEN])
    text = (
        f"token {TOKEN}; headers {{'Authorization': 'Bot {SHAPED}'}};"
        " Authorization: Bearer abc.def; POST /webhooks/123/aW50ZXJhY3Rpb246MTIzNDU2Nzg5"
        " and /interactions/9/itok-0123456789abcdef0123"
    )
    out = redact(text)
    assert TOKEN not in out and SHAPED not in out and "abc.def" not in out
    assert "itok-0123456789abcdef0123" not in out and "aW50ZXJhY3Rpb246" not in out
    assert out.count(MASK) == 5
    assert redact("nothing secret here: 07:30 Europe/London") == (
        "nothing secret here: 07:30 Europe/London"
    )


async def test_a_logged_too_many_redirects_shows_no_token(double):
    exc = await too_many_redirects(double)
    assert TOKEN in repr(exc)  # what would leak: the request's headers
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    discord.utils.setup_logging(handler=handler, root=False)  # discord.py's own formatter
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        protect_handler(handler, Redactor([TOKEN]))
        logger.error("sending failed: %r", exc, exc_info=exc)
        try:
            raise RuntimeError(f"wrapped {exc!r}") from exc
        except RuntimeError:
            logger.exception("Task exception was never retrieved")
    finally:
        logger.removeHandler(handler)
    out = buffer.getvalue()
    assert "TooManyRedirects" in out and "Traceback" in out and MASK in out
    assert TOKEN not in out and "Bot MTIz" not in out


def test_protect_logging_covers_the_root_handlers():
    root = logging.getLogger()
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root.addHandler(handler)
    try:
        protect_logging(TOKEN)
        logging.getLogger("bot.anything").warning("headers %s", {"Authorization": f"Bot {TOKEN}"})
    finally:
        root.removeHandler(handler)
    assert TOKEN not in buffer.getvalue() and MASK in buffer.getvalue()


def test_an_uncaught_exception_is_reported_without_the_token():
    code = (
        "from bot.redact import protect_uncaught\n"
        f"protect_uncaught({TOKEN!r})\n"
        f"raise RuntimeError({'Authorization: Bot ' + TOKEN!r})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert "RuntimeError" in result.stderr and TOKEN not in result.stderr


async def test_python_m_bot_run_with_redirect_loops_never_prints_the_token(double, tmp_path):
    """Channel replies, DM channels and reminder DMs all end in TooManyRedirects; with DEBUG
    logging the bot logs every one of them, and its output never holds the token."""
    db = tmp_path / "bot.sqlite3"
    await (await Store.open(db)).close()
    dm = double.dm_channel(double.member)
    due = datetime.now(UTC) - timedelta(seconds=30)
    with sqlite3.connect(db) as con:
        con.execute(
            "INSERT INTO subscriptions (user_id, dm_channel_id, local_time, tz, routine, status,"
            " created_at, updated_at, next_due_utc, next_local_date)"
            " VALUES (?, ?, ?, 'UTC', 'both', 'active', ?, ?, ?, ?)",
            (double.member.id, dm.id, f"{due:%H:%M}", 0, 0, due.timestamp(), str(due.date())),
        )
    con.close()
    double.redirect_loop("POST", "/channels/{id}/messages")
    double.redirect_loop("POST", "/users/@me/channels")
    proc = await spawn(double, tmp_path, DATABASE_PATH=str(db), LOG_LEVEL="DEBUG")
    try:
        await double.wait_until(lambda: double.connected, 20, "the bot to connect")
        # the reminder due 30 s ago: its DM request loops
        await double.wait_for_request(lambda r: r.path == f"/channels/{dm.id}/messages", 10)
        # a question by mention: the reply loops (logged with its traceback)
        question = f"<@{double.bot.id}> why does my upper back hurt after running?"
        mark = double.mark()
        await double.send_message("general", double.member, question)
        await double.wait_for_request(
            lambda r: r.path == f"/channels/{double.channel('general').id}/messages",
            10,
            since=mark,
        )
        # /remind test: opening the DM channel loops; the member is told
        handle = await double.slash("remind", subcommand="test", user=double.other_member)
        shown = await handle.reply(timeout=10)
        assert "didn't take the DM" in (shown.get("content") or "")
        proc.send_signal(signal.SIGTERM)
    finally:
        code, output = await finish(proc)
    assert code == 0, output[-3000:]
    assert double.redirects >= 30  # three requests, each followed 10 times
    assert "TooManyRedirects" in output
    assert TOKEN not in output and "Bot MTIz" not in output
