"""The Discord bot itself: the Bot subclass that opens the store, loads knowledge and cogs.

``create_bot(settings)`` builds exactly the bot ``python -m bot run`` connects and the
end-to-end tests run against the offline Discord double.

If the database becomes unusable while the bot runs (damaged, deleted or replaced: the store
reports it, and a watchdog checks the file every ``database_check_s``), the bot logs one line
naming DATABASE_PATH and stops; ``fatal_error`` says why, and ``python -m bot run`` exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.knowledge import Knowledge, load_knowledge
from bot.core.matching import Matcher
from bot.store import Store
from bot.store.faults import DatabaseUnusable, StoreError
from bot.ui.pages import PageButton
from bot.ui.respond import PERMISSION_TEXT, report_failure, tell

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.faq", "bot.cogs.admin", "bot.cogs.reminders")

# discord.py 2.7 names the tasks that run command, component, modal and event handlers so
# (a name it stops using only shortens the wait for them before the bot closes)
HANDLER_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: on_")
HANDLERS_WAIT_S = 5.0
UNKNOWN_COMMAND_TEXT = (
    "I don't know that command right now (I may be restarting or updating). "
    "Please try again in a minute."
)


async def handlers_settled(wait_s: float) -> set[asyncio.Task[Any]]:
    """Wait until no command, component or event handler runs, counting those that running
    ones start meanwhile (a finished command dispatches on_app_command_completion, which
    reads the store); return those still running after ``wait_s`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    me = asyncio.current_task()
    while True:
        running = {
            t
            for t in asyncio.all_tasks()
            if t is not me and not t.done() and t.get_name().startswith(HANDLER_TASKS)
        }
        left = deadline - loop.time()
        if not running or left <= 0:
            return running
        await asyncio.wait(running, timeout=left)


def intents(*, message_content: bool = True) -> discord.Intents:
    """Only what the bot needs: no members, no presences."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = message_content
    return wanted


def allowed_mentions() -> discord.AllowedMentions:
    """Nobody is pinged, except the member a reply answers (when the reply means to)."""
    return discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=True)


def settle_heap() -> None:
    """Put what the bot has built so far (knowledge, the matcher, its word lists: a large heap
    that lives as long as the process, or until a reload) out of the garbage collector's
    sight. Each full collection walked all of it and blocked the event loop for 30 to 45 ms
    (benchmarks/bench_discord_burst.py); frozen, a collection walks only what came since.
    Called after start and after a reload (what the old knowledge held is collected first)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class RunClubTree(app_commands.CommandTree):
    """The command tree, with one error handler for every slash command."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandNotFound):
            # Discord's copy of the commands is not this bot's: not synced since an upgrade,
            # or the bot is stopping and has put its commands away
            log.warning("/%s is not a command of this bot now: %s", error.name, error)
            await tell(interaction, UNKNOWN_COMMAND_TEXT)
            return
        if not isinstance(error, app_commands.CheckFailure):
            await report_failure(interaction, f"/{_command_name(interaction)}", error)
            return
        # a check that failed is the member's situation, not a bug
        log.info("refused /%s to %s: %s", _command_name(interaction), interaction.user, error)
        await tell(interaction, refusal_text(error))


def refusal_text(error: app_commands.CheckFailure) -> str:
    """What a member is told when a command's check refuses them (here and in the console)."""
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.MissingPermissions):
        return PERMISSION_TEXT
    return str(error) or "You can't use this command here."


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return command.qualified_name if command is not None else "?"


class RunClubBot(commands.Bot):
    """The running club's FAQ and reminder bot, on one unsharded connection."""

    settings: Settings
    clock: Clock
    store: Store
    knowledge: Knowledge
    matcher: Matcher

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        message_content: bool = True,
        store: Store | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(message_content=message_content),
            allowed_mentions=allowed_mentions(),
            tree_cls=RunClubTree,
            guild_ready_timeout=settings.guild_ready_timeout_s,
            max_messages=1000,
            chunk_guilds_at_startup=False,
            **self._shard_options(settings),
        )
        self.settings = settings
        self.clock = clock or SystemClock()
        self._given_store = store  # opened (and closed) by the caller; else opened here
        self.fatal_error: StoreError | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._stopping: asyncio.Task[None] | None = None
        self._closing: asyncio.Future[None] | None = None

    @staticmethod
    def _shard_options(settings: Settings) -> dict[str, Any]:
        return {}

    async def setup_hook(self) -> None:
        self.knowledge = load_knowledge(self.settings.knowledge_dir)
        self.matcher = Matcher(self.knowledge)
        self.store = self._given_store or await Store.open(self.settings.database)
        self.store.on_fatal = self.stop_with_error
        self._watchdog = asyncio.create_task(self._watch_database(), name="database-watchdog")
        self.add_dynamic_items(PageButton)  # the pager every extension's long replies share
        for name in EXTENSIONS:
            await self.load_extension(name)
        settle_heap()
        log.info(
            "ready to answer: %d FAQ entries, %d extensions",
            len(self.knowledge.entries),
            len(self.extensions),
        )

    async def open_offline(self) -> None:
        """Everything ``login`` prepares, without Discord: knowledge, the store, the cogs.
        The local console runs the bot so (inside ``async with bot``)."""
        await self.setup_hook()

    async def on_message(self, message: discord.Message, /) -> None:
        """The bot has no prefix commands; the cogs listen to messages themselves."""

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, StoreError):
            log.warning("%s failed: %s", event_method, error)  # a database fault is one line
            return
        log.exception("unhandled error in %s", event_method)

    def stop_with_error(self, error: StoreError) -> None:
        """The database cannot be used any more: say so once, in one line, and stop."""
        if self.fatal_error is not None:
            return
        self.fatal_error = error
        log.error("%s Stopping the bot.", error)
        self._stopping = asyncio.get_running_loop().create_task(self.close(), name="fatal-stop")

    async def handlers_done(self) -> None:
        """Let the handlers running now answer their member (with an error, say) and finish
        with the store, which closes after them."""
        await handlers_settled(HANDLERS_WAIT_S)

    async def _watch_database(self) -> None:
        """Notice a deleted or replaced database file even when nothing is being written."""
        while True:
            await asyncio.sleep(self.settings.database_check_s)
            try:
                self.store.check_file()
            except DatabaseUnusable:
                return  # reported through stop_with_error

    async def close(self) -> None:
        """Close once: a second call while the first runs (the bot stopping itself on a
        database fault as it is being stopped) waits for the first to finish."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        try:
            await self.handlers_done()
            await super().close()
        finally:
            if self._watchdog is not None and self._watchdog is not asyncio.current_task():
                self._watchdog.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._watchdog
            store = getattr(self, "store", None)
            if store is not None:
                if store is not self._given_store:
                    await store.close()
                del self.store


class ShardedRunClubBot(RunClubBot, commands.AutoShardedBot):
    """The same bot on discord.py's AutoShardedBot, running the shards this process owns.

    SHARD_COUNT is the number of shards in all; SHARD_IDS the ones this process runs (all of
    them when unset). Everything else is RunClubBot's: its methods come first in the MRO,
    then AutoShardedBot's connection handling (AutoShardedClient's before Client's).
    """

    @staticmethod
    def _shard_options(settings: Settings) -> dict[str, Any]:
        ids = list(settings.shard_ids) if settings.shard_ids is not None else None
        return {"shard_count": settings.shard_count, "shard_ids": ids}


def create_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    message_content: bool = True,
    store: Store | None = None,
) -> RunClubBot:
    """The bot ``python -m bot run`` connects; tests start the same one against the double.

    With SHARD_COUNT set, the sharded one (discord.py's AutoShardedBot) for SHARD_IDS.
    """
    cls = RunClubBot if settings.shard_count is None else ShardedRunClubBot
    return cls(settings, clock=clock, message_content=message_content, store=store)
