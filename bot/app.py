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
import logging
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
from bot.ui.respond import report_failure, tell

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.faq", "bot.cogs.admin", "bot.cogs.reminders")

# discord.py 2.7 names the tasks that run command, component, modal and event handlers so
# (a name it stops using only shortens the wait for them before the bot closes)
HANDLER_TASKS = ("CommandTree-invoker", "discord-ui-", "discord.py: on_")
HANDLERS_WAIT_S = 5.0
PERMISSION_TEXT = "You need the **Manage Server** permission to use this command."


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


class RunClubTree(app_commands.CommandTree):
    """The command tree, with one error handler for every slash command."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if not isinstance(error, app_commands.CheckFailure):
            await report_failure(interaction, f"/{_command_name(interaction)}", error)
            return
        # a check that failed is the member's situation, not a bug
        if isinstance(error, app_commands.NoPrivateMessage):
            text = "This command only works in a server."
        elif isinstance(error, app_commands.MissingPermissions):
            text = PERMISSION_TEXT
        else:
            text = str(error) or "You can't use this command here."
        log.info("refused /%s to %s: %s", _command_name(interaction), interaction.user, error)
        await tell(interaction, text)


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return command.qualified_name if command is not None else "?"


class RunClubBot(commands.Bot):
    """The running club's FAQ and reminder bot."""

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
        )
        self.settings = settings
        self.clock = clock or SystemClock()
        self._given_store = store  # opened (and closed) by the caller; else opened here
        self.fatal_error: StoreError | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self._stopping: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        self.knowledge = load_knowledge(self.settings.knowledge_dir)
        self.matcher = Matcher(self.knowledge)
        self.store = self._given_store or await Store.open(self.settings.database_path)
        self.store.on_fatal = self.stop_with_error
        self._watchdog = asyncio.create_task(self._watch_database(), name="database-watchdog")
        self.add_dynamic_items(PageButton)  # the pager every extension's long replies share
        for name in EXTENSIONS:
            await self.load_extension(name)
        log.info(
            "ready to answer: %d FAQ entries, %d extensions",
            len(self.knowledge.entries),
            len(self.extensions),
        )

    async def on_message(self, message: discord.Message, /) -> None:
        """The bot has no prefix commands; the cogs listen to messages themselves."""

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("unhandled error in %s", event_method)

    def stop_with_error(self, error: StoreError) -> None:
        """The database cannot be used any more: say so once, in one line, and stop."""
        if self.fatal_error is not None:
            return
        self.fatal_error = error
        log.error("%s Stopping the bot.", error)
        self._stopping = asyncio.get_running_loop().create_task(self.close(), name="fatal-stop")

    async def _handlers_done(self) -> None:
        """Let the handlers running now answer their member (with an error, say) and finish
        with the store, which closes after them."""
        me = asyncio.current_task()
        running = [
            t for t in asyncio.all_tasks() if t is not me and t.get_name().startswith(HANDLER_TASKS)
        ]
        if running:
            await asyncio.wait(running, timeout=HANDLERS_WAIT_S)

    async def _watch_database(self) -> None:
        """Notice a deleted or replaced database file even when nothing is being written."""
        while True:
            await asyncio.sleep(self.settings.database_check_s)
            try:
                self.store.check_file()
            except DatabaseUnusable:
                return  # reported through stop_with_error

    async def close(self) -> None:
        try:
            await self._handlers_done()
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


def create_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    message_content: bool = True,
    store: Store | None = None,
) -> RunClubBot:
    """The bot ``python -m bot run`` connects; tests start the same one against the double."""
    return RunClubBot(settings, clock=clock, message_content=message_content, store=store)
