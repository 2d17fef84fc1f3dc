"""Entry points that talk to Discord: run the bot until a signal stops it, or sync commands.

``python -m bot run`` and ``python -m bot sync [--guild ID [--clear]]`` call these.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

import discord

from bot.app import RunClubBot, create_bot
from bot.config import ConfigError, Settings
from bot.redact import protect_logging
from bot.store import Store
from bot.store.faults import StoreError

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _token(settings: Settings) -> str:
    if not settings.token:
        raise ConfigError("DISCORD_TOKEN is not set")
    return settings.token


def _setup_logging(settings: Settings) -> None:
    discord.utils.setup_logging(level=logging.getLevelName(settings.log_level))
    protect_logging(*settings.secrets)  # no token or Authorization header in any line


async def run(settings: Settings) -> int:
    """Connect and answer until SIGTERM or SIGINT, then close Discord and the database.

    The database is opened and checked first, before anything talks to Discord: if it
    cannot be used, one line says why (naming DATABASE_PATH) and the exit code is 1, as it
    is when the database fails while the bot runs. If the message content intent is not
    enabled in the developer portal, the bot runs without it: it then answers mentions,
    DMs and slash commands only.
    """
    token = _token(settings)
    _setup_logging(settings)
    return await _with_store(settings, lambda store: _run_with(settings, token, store))


async def _with_store(settings: Settings, work: Callable[[Store], Awaitable[int]]) -> int:
    """Open and check the database before anything talks to Discord, run ``work`` with it,
    close it. A database that cannot be used is one line (naming DATABASE_PATH) and exit 1."""
    try:
        store = await Store.open(settings.database)
    except StoreError as exc:
        log.error("%s", exc)
        return 1
    try:
        return await work(store)
    finally:
        await store.close()
        log.info("Closed the database")


async def _run_with(settings: Settings, token: str, store: Store) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    try:
        for message_content in (True, False):
            bot = create_bot(settings, message_content=message_content, store=store)
            try:
                return await _run_until_stopped(bot, token, stop)
            except discord.PrivilegedIntentsRequired:
                log.warning(
                    "The message content intent is not enabled for this bot in the Discord "
                    "developer portal (Bot > Privileged Gateway Intents). Running without it: "
                    "the bot answers mentions, DMs and slash commands, but not channel questions."
                )
            except discord.LoginFailure:
                log.error("Discord rejected the token (DISCORD_TOKEN): check it and try again.")
                return 1
        return 1
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def _run_until_stopped(bot: RunClubBot, token: str, stop: asyncio.Event) -> int:
    async with bot:
        running = asyncio.create_task(bot.start(token), name="discord")
        stopping = asyncio.create_task(stop.wait(), name="stop-signal")
        try:
            done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if running in done:
            running.result()  # raises what ended the connection
            return 1 if bot.fatal_error else 0
        log.info("Shutting down on a stop signal")
        await bot.close()
        await running
        log.info("Closed the Discord connection")
        return 1 if bot.fatal_error else 0


async def sync(settings: Settings, guild_id: int | None, *, clear: bool = False) -> int:
    """Register the slash commands with Discord, globally or to one server, then exit.

    Global commands can take a while to appear everywhere; a server's appear at once. A
    server that has both shows every command twice: ``clear`` removes the server's copies
    (after a global sync), leaving the global ones.
    """
    token = _token(settings)
    _setup_logging(settings)
    return await _with_store(
        settings, lambda store: _sync_with(settings, token, guild_id, store, clear=clear)
    )


async def _sync_with(
    settings: Settings, token: str, guild_id: int | None, store: Store, *, clear: bool
) -> int:
    bot = create_bot(settings, store=store)
    async with bot:
        await bot.login(token)
        if guild_id is None:
            synced = await bot.tree.sync()
            where = "globally"
        else:
            guild = discord.Object(guild_id)
            if clear:
                bot.tree.clear_commands(guild=guild)
            else:
                bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            where = f"to server {guild_id}"
    if clear:
        print(
            f"Removed the commands registered to server {guild_id}: it shows the global "
            "commands only (run `sync` without --guild if they are not registered yet)."
        )
        return 0
    names = ", ".join(f"/{c.name}" for c in sorted(synced, key=lambda c: c.name))
    print(f"Registered {len(synced)} commands {where}: {names}")
    return 0
