"""The console session: the real bot, its cogs and a local SQLite file, with no Discord.

One local admin (Manage Server) talks in one enabled channel of one console server. A plain
line is a channel message, "@bot ..." a mention and "@dm ..." a DM: each goes through the
FAQ's own rules (bot.cogs.faq.asking: cooldowns, the direct-ask limit, learned phrasings).
A slash command runs the cog's own callback (bot.console.slash); a number presses that
button or menu option of what was shown last; a form (Remind me daily) asks its fields one
line at a time. Reminder DMs come from the cogs' own dispatcher, whose DMs are shown here
instead of posted, and /remind test sends one at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import discord
from discord import app_commands

from bot.app import RunClubBot, create_bot, refusal_text
from bot.cogs.faq.asking import Asked, How
from bot.config import Settings
from bot.console.fake import ConsoleInteraction, ConsoleMessage, ConsoleUser, next_id
from bot.console.show import Action, message_text
from bot.console.slash import Invocation, Refused, invoke, parse
from bot.core.clock import Clock
from bot.core.knowledge import Knowledge
from bot.reminders.dispatcher import Dispatcher
from bot.store import Claim
from bot.ui.faq_items import reply_message
from bot.ui.reminder_buttons import reminder_message
from bot.ui.respond import report_failure

log = logging.getLogger(__name__)

GUILD_ID, CHANNEL_ID, ADMIN_ID, DM_ID = 1, 2, 3, 4
CHANNEL_NAMES = {CHANNEL_ID: "console"}
ADMIN = ConsoleUser(ADMIN_ID, "local-admin", DM_ID)
PERMISSIONS = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
SILENCE = "(the bot stays silent: {reason})"
HOW_TO = (
    "In the console you are a local admin in #console, a channel where the bot answers:\n"
    "  a plain line is a channel message, @bot QUESTION a mention, @dm QUESTION a DM;\n"
    "  a number presses that [button] or menu option; /quit leaves.\n"
    "Commands (as in Discord): {commands}"
)


def console_database(settings: Settings) -> Path:
    """The console's own SQLite file, beside DATABASE_PATH: what an admin tries offline
    (a local admin, reminders, taught phrasings) never mixes with the real bot's data."""
    return settings.database_path.with_name("console.sqlite3")


class Console:
    """The bot offline. ``await Console.open(settings)``, ``await handle(line)`` for what the
    bot shows, ``take()`` for DMs that came meanwhile, ``await close()``."""

    def __init__(self, bot: RunClubBot) -> None:
        self.bot = bot
        self._blocks: list[str] = []
        self._actions: list[Action] = []
        self._fresh: list[Action] | None = None  # actions of what the current line showed
        self._private: dict[int, bool] = {}  # each shown message: only the admin sees it
        self._form: tuple[ConsoleInteraction, discord.ui.Modal, list[Any]] | None = None
        self.on_background: Callable[[list[str]], None] | None = None  # the REPL prints
        self._dms: set[int] = set()  # the messages that are DMs
        self.dispatcher: Dispatcher | None = None

    @classmethod
    async def open(cls, settings: Settings, clock: Clock | None = None) -> Console:
        bot = create_bot(settings, clock=clock)
        await bot.__aenter__()  # the event loop objects login would set up
        try:
            await bot.open_offline()
            console = cls(bot)
            await console._wire_reminders()
            await bot.store.enable_channel(GUILD_ID, CHANNEL_ID)
        except BaseException:
            await bot.close()
            raise
        return console

    async def close(self) -> None:
        await self.bot.close()

    @property
    def knowledge(self) -> Knowledge:
        return self.bot.knowledge

    # -- what the bot shows ----------------------------------------------------------------

    def post(
        self,
        *,
        content: str | None,
        embeds: list[discord.Embed],
        view: discord.ui.View | None,
        private: bool,
        message_id: int | None = None,
    ) -> int:
        mid = message_id or next_id()
        self._private[mid] = private
        fresh = self._fresh if self._fresh is not None else []
        text = message_text(mid, content, embeds, view, fresh, CHANNEL_NAMES)
        label = "(only you see this) " if private else ""
        self._show(label + text, fresh)
        return mid

    def _show(self, block: str, actions: list[Action]) -> None:
        self._blocks.append(block)
        if self._fresh is None:  # outside a line: a DM the dispatcher delivered
            if actions:
                self._actions = actions
            if self.on_background is not None:
                self.on_background(self.take())

    def take(self) -> list[str]:
        """What the bot showed since the last call."""
        blocks, self._blocks = self._blocks, []
        return blocks

    def open_form(self, interaction: ConsoleInteraction, modal: discord.ui.Modal) -> None:
        fields = [c for c in modal.children if isinstance(c, discord.ui.TextInput)]
        self._form = (interaction, modal, fields)
        self._blocks.append(
            f"**{modal.title}** (a form: one line per field, an empty line cancels)"
        )
        self._ask_field()

    def _ask_field(self) -> None:
        assert self._form is not None
        _, _, fields = self._form
        field = next(f for f in fields if f.value is None or f.value == "")
        hint = f" ({field.placeholder})" if field.placeholder else ""
        label = field.to_component_dict().get("label")  # .label is deprecated in discord.py 2.7
        self._blocks.append(f"{label or field.custom_id}{hint}:")

    # -- a typed line ------------------------------------------------------------------------

    async def handle(self, line: str) -> list[str]:
        """Everything the bot shows in answer to one typed line."""
        text = line.strip()
        self._fresh = []
        try:
            if self._form is not None:
                await self._fill(text)
            elif not text:
                return []
            elif text.isdigit() and self._actions:
                await self._press(int(text))
            elif text.startswith("/"):
                await self._slash(text[1:])
            else:
                await self._message(text)
            await self.bot.handlers_done()
        finally:
            if self._fresh:
                self._actions = self._fresh
            self._fresh = None
        return self.take()

    def _interaction(self, **kw: Any) -> ConsoleInteraction:
        return ConsoleInteraction(
            client=self.bot,
            outbox=self,
            user=ADMIN,
            guild_id=kw.pop("guild_id", GUILD_ID),
            channel_id=kw.pop("channel_id", CHANNEL_ID),
            permissions=PERMISSIONS,
            **kw,
        )

    async def _message(self, text: str) -> None:
        how: How = "channel"
        guild_id: int | None = GUILD_ID
        for prefix, kind in (("@bot", "mention"), ("@dm", "dm")):
            if text.lower().startswith(prefix) and text[len(prefix) : len(prefix) + 1] in " ":
                how, text = cast(How, kind), text[len(prefix) :].strip()
        if how == "dm":
            guild_id = None
        channel = DM_ID if guild_id is None else CHANNEL_ID
        asked = Asked(ADMIN_ID, guild_id, channel, text, how)
        faq: Any = self.bot.get_cog("FAQ")
        at = self.bot.clock.now()
        outcome = await faq.asking.consider(asked)
        if outcome.silent:
            self._blocks.append(SILENCE.format(reason=outcome.reason))
            return
        if outcome.reply is not None:
            embed, view = reply_message(outcome.reply, self.knowledge)
            self.post(content=None, embeds=[embed], view=view, private=False)
        else:
            self.post(content=outcome.text, embeds=[], view=None, private=False)
        faq.answered(outcome, asked, at)

    async def _slash(self, line: str) -> None:
        if line.split()[:1] == ["help"]:
            self._blocks.append(self.how_to())
        try:
            invocation = parse(self.bot.tree, line)
        except Refused as exc:
            self._blocks.append(str(exc))
            return
        interaction = self._interaction(command=invocation.command)
        await self._run(interaction, invocation)

    async def _run(self, interaction: ConsoleInteraction, invocation: Invocation) -> None:
        as_discord = cast("discord.Interaction[RunClubBot]", interaction)
        try:
            await invoke(invocation, interaction)
        except app_commands.CheckFailure as exc:
            await self._tell(interaction, refusal_text(exc))
            return
        except Exception as exc:
            await report_failure(as_discord, f"/{invocation.command.qualified_name}", exc)
            return
        # as the command tree does: the reminders cog then shows a member's notices
        self.bot.dispatch("app_command_completion", as_discord, invocation.command)

    async def _tell(self, interaction: ConsoleInteraction, text: str) -> None:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def _press(self, number: int) -> None:
        if not 1 <= number <= len(self._actions):
            self._blocks.append(f"Pick a number from 1 to {len(self._actions)}.")
            return
        action = self._actions[number - 1]
        private = self._private.get(action.message_id, False)
        dm = action.message_id in self._dms
        interaction = self._interaction(
            type=discord.InteractionType.component,
            message=ConsoleMessage(action.message_id),
            private=private,
            guild_id=None if dm else GUILD_ID,
            channel_id=DM_ID if dm else CHANNEL_ID,
        )
        item: Any = action.item
        if action.value is not None:  # a menu: what discord.py does with the pick
            item._refresh_state(interaction, {"values": [action.value]})
        try:
            await item.callback(interaction)
        except Exception as exc:
            await report_failure(cast("discord.Interaction[RunClubBot]", interaction), "", exc)

    async def _fill(self, text: str) -> None:
        assert self._form is not None
        interaction, modal, fields = self._form
        if not text:
            self._form = None
            self._blocks.append("(form cancelled)")
            return
        field = next(f for f in fields if f.value is None or f.value == "")
        field._refresh_state(interaction, {"value": text})
        if any(f.value is None or f.value == "" for f in fields):
            self._ask_field()
            return
        self._form = None
        sent = self._interaction(type=discord.InteractionType.modal_submit)
        try:
            await modal.on_submit(sent)  # type: ignore[arg-type]
        except Exception as exc:
            await modal.on_error(sent, exc)  # type: ignore[arg-type]

    def how_to(self) -> str:
        names = sorted(
            f"/{c.qualified_name}"
            for c in self.bot.tree.walk_commands()
            if isinstance(c, app_commands.Command)
        )
        return HOW_TO.format(commands=", ".join(names))

    # -- reminders ---------------------------------------------------------------------------

    async def _wire_reminders(self) -> None:
        """The reminders cog sends through the console: its DMs are shown here."""
        cog: Any = self.bot.get_cog("Reminders")
        if cog is None:
            return
        settings = self.bot.settings
        await cog.dispatcher.stop(0)  # never started: `on_ready` does not come offline
        cog.sender = ConsoleDMs(self)
        cog.dispatcher = Dispatcher(
            self.bot.store,
            cog.sender.send,
            self.bot.clock,
            grace_s=settings.reminder_grace_s,
            rate_per_s=settings.send_rate_per_s,
        )
        cog.dispatcher.start()
        self.dispatcher = cog.dispatcher

    def show_dm(self, embed: discord.Embed, view: discord.ui.View | None) -> int:
        mid = next_id()
        self._dms.add(mid)
        self._private[mid] = False
        actions: list[Action] = self._fresh if self._fresh is not None else []
        text = message_text(mid, None, [embed], view, actions, CHANNEL_NAMES)
        self._show(f"(a DM from the bot)\n{text}", actions)
        return mid


class ConsoleDMs:
    """The reminders cog's DM sender in the console: a DM is shown, not posted."""

    def __init__(self, console: Console) -> None:
        self.console = console

    async def send(self, claim: Claim) -> int:
        """A reminder DM (the dispatcher's, or /remind test's); returns its message id."""
        knowledge = self.console.knowledge
        embed, view = reminder_message(
            knowledge, claim.routine, claim.local_date, claim.subscription_id, claim.name
        )
        return self.console.show_dm(embed, view)

    async def close(self) -> None:
        """Nothing to close: the reminders cog calls this as it unloads."""
