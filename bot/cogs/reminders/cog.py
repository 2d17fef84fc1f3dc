"""The /remind commands: subscribe, status, pause, resume, unsubscribe and test.

The cog owns the one reminder dispatcher (bot.reminders.dispatcher), started when the bot
is ready and stopped in cog_unload, and the DM sender it sends through. It wakes the
dispatcher whenever a subscription changes, here or through the bot event
``subscriptions_changed`` (the Stop button, /forgetme). After any command, it tells the member
what happened while they were away (reminders paused because their DMs closed, say).
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RunClubBot
from bot.cogs.reminders._times import local, when_text
from bot.core.schedule import ROUTINES, format_time, parse_time, resolve_zone, zone_choices
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.errors import DMsClosed, SendError
from bot.reminders.sender import DMSender, describe_failure
from bot.store import Claim, Subscription
from bot.ui.render import ROUTINE_NAMES, info_embed
from bot.ui.respond import respond

log = logging.getLogger(__name__)

Routine = Literal["stretches", "core", "both"]
DMS_CLOSED_TEXT = (
    "I couldn't DM you: your DMs are closed to me. In this server's Privacy Settings, turn on "
    "Direct Messages, then try /remind test again."
)
NO_SUBSCRIPTION = "You have no daily reminder. Start one with /remind subscribe."


class Reminders(commands.Cog):
    """Daily stretch and core routines by DM, at each member's local time."""

    remind = app_commands.Group(
        name="remind", description="A daily stretch or core routine by DM, at your local time"
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

    # -- subscribing ----------------------------------------------------------------------

    async def subscribe(
        self,
        interaction: discord.Interaction[RunClubBot],
        time_text: str,
        routine: str,
        timezone: str,
    ) -> None:
        """Validate, store, answer: shared by /remind subscribe and the Remind me daily form."""
        try:
            local_time = parse_time(time_text)
            zone = resolve_zone(timezone)
        except ValueError as exc:  # ZoneError is a ValueError
            await respond(interaction, str(exc))
            return
        if routine not in ROUTINES:
            await respond(interaction, "Routine must be stretches, core or both.")
            return
        dm_channel_id = None
        try:
            dm_channel_id = (await interaction.user.create_dm()).id
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            # the dispatcher opens it when the first reminder is due
            log.info(
                "could not open a DM with %s yet: %s", interaction.user.id, describe_failure(exc)
            )
        sub, created = await self.bot.store.subscribe(
            user_id=interaction.user.id,
            dm_channel_id=dm_channel_id,
            local_time=local_time,
            tz=zone.key,
            routine=routine,
            at=self.bot.clock.now(),
        )
        self.dispatcher.poke()
        head = "You're subscribed" if created else "Your reminder is updated"
        body = (
            f"Every day at **{format_time(local_time)}** ({zone.key}) I'll DM you a short "
            f"routine of {ROUTINE_NAMES[routine]}.\n"
            f"Next one: {when_text(sub.next_due, sub.tz)}\n\n"
            "Use /remind test to check that your DMs are open, /remind pause or "
            "/remind unsubscribe to stop."
        )
        await respond(interaction, embed=info_embed(head, body))

    @remind.command(name="subscribe", description="Get a daily routine by DM at your local time")
    @app_commands.describe(
        time="Your local time, like 07:30, 7:30pm or 19:30",
        routine="What to get: stretches, core exercises, or both",
        timezone="Your time zone, like Europe/London (start typing to search)",
    )
    async def remind_subscribe(
        self,
        interaction: discord.Interaction[RunClubBot],
        time: app_commands.Range[str, 0, 40],
        routine: Routine,
        timezone: app_commands.Range[str, 0, 80],
    ) -> None:
        await self.subscribe(interaction, time, routine, timezone)

    @remind_subscribe.autocomplete("timezone")
    async def timezone_complete(
        self, interaction: discord.Interaction[RunClubBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_choices(current)]

    # -- the other commands ---------------------------------------------------------------

    async def _subscription(
        self, interaction: discord.Interaction[RunClubBot]
    ) -> Subscription | None:
        sub = await self.bot.store.subscription(interaction.user.id)
        if sub is None:
            await respond(interaction, NO_SUBSCRIPTION)
        return sub

    @remind.command(name="status", description="Your daily reminder: time, routine, streak")
    async def remind_status(self, interaction: discord.Interaction[RunClubBot]) -> None:
        sub = await self._subscription(interaction)
        if sub is None:
            return
        today = local(self.bot.clock.now(), sub.tz).date()
        streak, total = await self.bot.store.streak(sub.user_id, today)
        lines = [
            f"**Time:** {format_time(sub.local_time)} ({sub.tz})",
            f"**Routine:** {ROUTINE_NAMES[sub.routine]}",
        ]
        if sub.status == "active":
            lines.append(f"**Next reminder:** {when_text(sub.next_due, sub.tz)}")
        else:
            lines.append(f"**Paused:** {sub.pause_reason or 'yes'} Use /remind resume to restart.")
        days = "day" if streak == 1 else "days"
        lines.append(f"**Streak:** {streak} {days} in a row ({total} done in all)")
        await respond(interaction, embed=info_embed("Your daily reminder", "\n".join(lines)))

    @remind.command(name="pause", description="Pause your daily reminder (resume any time)")
    async def remind_pause(self, interaction: discord.Interaction[RunClubBot]) -> None:
        sub = await self._subscription(interaction)
        if sub is None:
            return
        if await self.bot.store.pause(
            sub.user_id, reason="Paused by you.", at=self.bot.clock.now()
        ):
            text = "Your daily reminder is paused. /remind resume starts it again."
        else:
            text = "Your daily reminder is already paused. /remind resume starts it again."
        await respond(interaction, text)

    @remind.command(name="resume", description="Restart your paused daily reminder")
    async def remind_resume(self, interaction: discord.Interaction[RunClubBot]) -> None:
        sub = await self._subscription(interaction)
        if sub is None:
            return
        if sub.status == "active":
            text = f"Your daily reminder is already on. Next one: {when_text(sub.next_due, sub.tz)}"
        else:
            try:
                resumed = await self.bot.store.resume(sub.user_id, at=self.bot.clock.now())
            except ValueError:  # ZoneError: a zone this machine no longer knows
                await respond(
                    interaction,
                    f"I can't restart your reminder: the time zone {sub.tz[:60]} is not known on "
                    "my machine any more. Use /remind subscribe with your time zone.",
                )
                return
            self.dispatcher.poke()
            assert resumed is not None
            text = (
                f"Your daily reminder is back on. Next one: {when_text(resumed.next_due, sub.tz)}"
            )
        await respond(interaction, text)

    @remind.command(name="unsubscribe", description="Stop and delete your daily reminder")
    async def remind_unsubscribe(self, interaction: discord.Interaction[RunClubBot]) -> None:
        if await self.bot.store.unsubscribe(interaction.user.id):
            self.dispatcher.poke()
            text = "Your daily reminder is deleted. You can subscribe again any time."
        else:
            text = NO_SUBSCRIPTION
        await respond(interaction, text)

    @remind.command(name="test", description="Send today's reminder now, to check your DMs")
    async def remind_test(self, interaction: discord.Interaction[RunClubBot]) -> None:
        sub = await self.bot.store.subscription(interaction.user.id)
        now = self.bot.clock.now()
        tz = sub.tz if sub else "UTC"
        claim = Claim(
            send_id=0,
            subscription_id=sub.id if sub else 0,
            user_id=interaction.user.id,
            dm_channel_id=sub.dm_channel_id if sub else None,
            routine=sub.routine if sub else "both",
            local_date=local(now, tz).date(),
            due=now,
        )
        try:
            await self.sender.send(claim)
        except DMsClosed:
            await respond(interaction, DMS_CLOSED_TEXT)
            return
        except SendError as exc:
            log.warning("/remind test for %s failed: %s", interaction.user.id, exc)
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
