"""The /remind commands: subscribe, timezone, list, pause, resume, remove, unsubscribe, test.

A member has up to three named reminders (stretches at 07:00 and core at 19:00, say) and one
time zone; pause, resume, remove and test take a reminder's name, offered as they type. The
flows that set reminders up are in ``subscribing``, the list in ``listing``.

The cog owns the one reminder dispatcher (bot.reminders.dispatcher), started when the bot
is ready and stopped in cog_unload, and the DM sender it sends through. It wakes the
dispatcher whenever a reminder changes, here or through the bot event
``subscriptions_changed`` (the Stop button, /forgetme). After any command, it tells the member
what happened while they were away (reminders paused because their DMs closed, say).
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RunClubBot
from bot.cogs.reminders._times import local, when_text
from bot.cogs.reminders.listing import NO_REMINDERS, show_reminders
from bot.cogs.reminders.subscribing import Subscribing, reminder_line
from bot.core.schedule import ZoneError, zone_choices
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.errors import DMsClosed, SendError
from bot.reminders.sender import DMSender
from bot.store import Claim, Subscription
from bot.ui.respond import replace, respond
from bot.ui.text import CHOICE_NAME_MAX, cut
from bot.ui.zone_confirm import PendingZone

log = logging.getLogger(__name__)

Routine = Literal["stretches", "core", "both"]
Text = app_commands.Range[str, 0, 80]
DMS_CLOSED_TEXT = (
    "I couldn't DM you: your DMs are closed to me. In this server's Privacy Settings, turn on "
    "Direct Messages, then try /remind test again."
)


async def _zones(
    interaction: discord.Interaction[RunClubBot], current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]


async def _names(
    interaction: discord.Interaction[RunClubBot], current: str
) -> list[app_commands.Choice[str]]:
    """The member's reminders, by name, as they type one."""
    typed = current.strip().lower()
    subs = await interaction.client.store.reminders(interaction.user.id)
    return [
        app_commands.Choice(name=cut(reminder_line(s), CHOICE_NAME_MAX), value=s.name)
        for s in subs
        if typed in s.name
    ]


class Reminders(commands.Cog):
    """Daily stretch and core routines by DM, at each member's local time."""

    remind = app_commands.Group(
        name="remind", description="Daily stretch or core routines by DM, at your local time"
    )

    def __init__(self, bot: RunClubBot) -> None:
        self.bot = bot
        settings = bot.settings
        self.sender = DMSender(
            bot.http, bot.store, lambda: bot.knowledge, timeout_s=settings.http_timeout_s
        )
        self.dispatcher = Dispatcher(
            bot.store,
            self.sender.send,
            bot.clock,
            grace_s=settings.reminder_grace_s,
            rate_per_s=settings.send_rate_per_s,
        )
        self.flows = Subscribing(bot, self.dispatcher.poke)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # Started once connected, not at load: `python -m bot sync` loads the cogs and logs
        # in without connecting, and must not send anyone a reminder.
        self.dispatcher.start()

    @commands.Cog.listener()
    async def on_subscriptions_changed(self) -> None:
        self.dispatcher.poke()

    async def cog_unload(self) -> None:
        await self.dispatcher.stop()
        await self.sender.close()

    # -- setting reminders up ---------------------------------------------------------------

    async def subscribe(
        self,
        interaction: discord.Interaction[RunClubBot],
        time_text: str,
        routine: str,
        timezone: str | None,
    ) -> None:
        """The Remind me daily form's submission (bot.ui.forms)."""
        await self.flows.subscribe(interaction, time_text, routine, timezone)

    async def zone_confirmed(
        self, interaction: discord.Interaction[RunClubBot], pending: PendingZone
    ) -> None:
        """Yes to a zone the bot guessed (bot.ui.zone_confirm): the answer replaces the ask."""
        await self.flows.zone_confirmed(interaction, pending, replace)

    @remind.command(name="subscribe", description="Get a daily routine by DM at your local time")
    @app_commands.describe(
        time="Your local time, like 07:30, 7:30 am, 7.30, 7pm or noon",
        routine="What to get: stretches, core exercises, or both",
        timezone="Your time zone, like Europe/London or UTC+2 (once set, you can leave it out)",
        name="A name for this reminder, to have up to three (default: the routine's)",
    )
    @app_commands.autocomplete(timezone=_zones, name=_names)
    async def remind_subscribe(
        self,
        interaction: discord.Interaction[RunClubBot],
        time: app_commands.Range[str, 0, 40],
        routine: Routine,
        timezone: Text | None = None,
        name: Text | None = None,
    ) -> None:
        await self.flows.subscribe(interaction, time, routine, timezone, name)

    @remind.command(name="timezone", description="Your time zone, for all your reminders")
    @app_commands.describe(zone="Like Europe/London, America/New_York or UTC+2 (empty: show it)")
    @app_commands.autocomplete(zone=_zones)
    async def remind_timezone(
        self, interaction: discord.Interaction[RunClubBot], zone: Text | None = None
    ) -> None:
        await self.flows.set_zone(interaction, zone)

    # -- the member's reminders -------------------------------------------------------------

    @remind.command(name="list", description="Your reminders: times, next DMs, your streak")
    async def remind_list(self, interaction: discord.Interaction[RunClubBot]) -> None:
        await show_reminders(interaction)

    async def _chosen(
        self, interaction: discord.Interaction[RunClubBot], name: str | None
    ) -> tuple[list[Subscription], str | None] | None:
        """The member's reminders and the name chosen (None: all); None once the member is
        told they have none, or none by that name."""
        subs = await self.bot.store.reminders(interaction.user.id)
        if not subs:
            await respond(interaction, NO_REMINDERS)
            return None
        if name is None or not name.strip():
            return subs, None
        wanted = " ".join(name.lower().split())
        if not any(s.name == wanted for s in subs):
            yours = ", ".join(f"“{s.name}”" for s in subs)
            await respond(interaction, f"You have no reminder named that. Yours: {yours}.")
            return None
        return subs, wanted

    @remind.command(name="pause", description="Pause a reminder, or all of them")
    @app_commands.describe(name="Which reminder (empty: all of them)")
    @app_commands.autocomplete(name=_names)
    async def remind_pause(
        self, interaction: discord.Interaction[RunClubBot], name: Text | None = None
    ) -> None:
        chosen = await self._chosen(interaction, name)
        if chosen is None:
            return
        _subs, which = chosen
        paused = await self.bot.store.pause(
            interaction.user.id, which, reason="Paused by you.", at=self.bot.clock.now()
        )
        what = f"Reminder “{which}” is" if which else "Your reminders are"
        again = f"/remind resume {which}" if which else "/remind resume"
        if paused:
            text = f"{what} paused. {again} starts it again."
        else:
            text = f"{what} already paused. {again} starts it again."
        await respond(interaction, text)

    @remind.command(name="resume", description="Restart a paused reminder, or all of them")
    @app_commands.describe(name="Which reminder (empty: all of them)")
    @app_commands.autocomplete(name=_names)
    async def remind_resume(
        self, interaction: discord.Interaction[RunClubBot], name: Text | None = None
    ) -> None:
        chosen = await self._chosen(interaction, name)
        if chosen is None:
            return
        subs, which = chosen
        try:
            resumed = await self.bot.store.resume(
                interaction.user.id, which, at=self.bot.clock.now()
            )
        except ZoneError:  # a zone this machine no longer knows
            await respond(
                interaction,
                f"I can't restart your reminders: the time zone {subs[0].tz[:60]} is not known "
                "on my machine any more. Set it again with /remind timezone.",
            )
            return
        if resumed:
            self.dispatcher.poke()
            text = "Back on: " + "; ".join(
                f"“{s.name}”, next {when_text(s.next_due, s.tz)}" for s in resumed
            )
        else:
            text = "Already on: nothing to resume. /remind list shows your reminders."
        await respond(interaction, text)

    @remind.command(name="remove", description="Delete one of your reminders")
    @app_commands.describe(name="Which reminder")
    @app_commands.autocomplete(name=_names)
    async def remind_remove(self, interaction: discord.Interaction[RunClubBot], name: Text) -> None:
        chosen = await self._chosen(interaction, name)
        if chosen is None:
            return
        _subs, which = chosen
        if which is None:
            await respond(interaction, "Which one? Type its name. /remind list shows them.")
            return
        await self.bot.store.unsubscribe(interaction.user.id, which)
        self.dispatcher.poke()
        await respond(interaction, f"Reminder “{which}” is deleted.")

    @remind.command(name="unsubscribe", description="Stop and delete all your reminders")
    async def remind_unsubscribe(self, interaction: discord.Interaction[RunClubBot]) -> None:
        if await self.bot.store.unsubscribe(interaction.user.id):
            self.dispatcher.poke()
            text = "Your reminders are deleted. You can subscribe again any time."
        else:
            text = NO_REMINDERS
        await respond(interaction, text)

    @remind.command(name="test", description="Send a reminder now, to check your DMs")
    @app_commands.describe(name="Which reminder (empty: your first)")
    @app_commands.autocomplete(name=_names)
    async def remind_test(
        self, interaction: discord.Interaction[RunClubBot], name: Text | None = None
    ) -> None:
        member = interaction.user.id
        wanted = " ".join(name.lower().split()) if name else None
        sub = await self.bot.store.subscription(member, wanted)
        if wanted and sub is None:
            await respond(interaction, "You have no reminder named that. /remind list shows yours.")
            return
        now = self.bot.clock.now()
        tz = sub.tz if sub else (await self.bot.store.zone(member) or "UTC")
        claim = Claim(
            send_id=0,
            subscription_id=sub.id if sub else 0,
            user_id=member,
            dm_channel_id=sub.dm_channel_id if sub else None,
            routine=sub.routine if sub else "both",
            local_date=local(now, tz).date(),
            due=now,
            name=sub.name if sub else "",
        )
        try:
            await self.sender.send(claim)
        except DMsClosed:
            await respond(interaction, DMS_CLOSED_TEXT)
            return
        except SendError as exc:
            log.warning("/remind test for %s failed: %s", member, exc)
            await respond(interaction, "Discord didn't take the DM; try again soon.")
            return
        text = "Sent! Check your DMs."
        if sub is None:
            text += " To get one every day, use /remind subscribe."
        await respond(interaction, text)

    # -- notices --------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_app_command_completion(
        self,
        interaction: discord.Interaction[RunClubBot],
        command: app_commands.Command[Any, ..., Any],
    ) -> None:
        """Tell a member what happened while they were away (e.g. reminders paused)."""
        store = getattr(self.bot, "store", None)  # gone once the bot has closed
        if store is None or not await store.has_notices(interaction.user.id):
            return
        notices = await store.pop_notices(interaction.user.id)
        if notices:
            try:
                await respond(interaction, "\n\n".join(notices))
            except discord.HTTPException as exc:
                log.warning("could not show notices to %s: %s", interaction.user.id, exc)
