"""Setting reminders up: /remind subscribe, the Remind me daily form, /remind timezone, and
the member's answer when the bot asked about a zone it guessed. One flow each, whichever
way the member came in.

The member's zone is stored once: given at a subscribe or with /remind timezone, it is theirs
from then on, their other reminders follow it, and a later subscribe may leave it out. A
zone typed as an abbreviation or with a typo is not guessed silently: the member is asked
(bot.ui.zone_confirm), and what they were doing completes when they say yes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import time
from typing import Any, Protocol

import aiohttp
import discord

from bot.app import RunClubBot
from bot.cogs.reminders._times import when_text
from bot.core.schedule import (
    MAX_REMINDERS,
    ROUTINES,
    ZONE_HELP,
    Zone,
    ZoneError,
    format_time,
    parse_time,
    read_zone,
    reminder_name,
    zone_hint,
    zone_label,
    zone_of,
)
from bot.reminders.sender import describe_failure
from bot.store import Subscription, TooManyReminders
from bot.ui.render import ROUTINE_NAMES, info_embed
from bot.ui.respond import respond
from bot.ui.zone_confirm import PendingZone, confirm_view

log = logging.getLogger(__name__)

NEED_ZONE = (
    "Which time zone are you in? Add the timezone option (like Europe/London or UTC+2), or "
    "set it once with /remind timezone."
)
TOO_MANY = (
    f"You have {MAX_REMINDERS} reminders, the most I keep for one member. Remove one with "
    "/remind remove, or use the name of one you have to change it."
)


class Answer(Protocol):
    """How a flow answers: ``respond`` (a new private message) or ``replace`` (the message
    whose button was pressed)."""

    async def __call__(
        self,
        interaction: discord.Interaction[Any],
        text: str = "",
        *,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> None: ...


def reminder_line(sub: Subscription) -> str:
    """One reminder in a line: “stretches” 07:00, stretches (paused)."""
    paused = " (paused)" if sub.status != "active" else ""
    return f"“{sub.name}” {format_time(sub.local_time)}, {ROUTINE_NAMES[sub.routine]}{paused}"


class Subscribing:
    """The flows; ``changed`` wakes the dispatcher after a reminder changes."""

    def __init__(self, bot: RunClubBot, changed: Callable[[], None]) -> None:
        self.bot = bot
        self.changed = changed

    async def subscribe(
        self,
        interaction: discord.Interaction[RunClubBot],
        time_text: str,
        routine: str,
        zone_text: str | None,
        name_text: str | None = None,
        *,
        answer: Answer = respond,
    ) -> None:
        """Read what the member typed, ask about a guessed zone, else save the reminder."""
        try:
            local_time = parse_time(time_text)
            name = reminder_name(name_text, routine)
        except ValueError as exc:
            await answer(interaction, str(exc))
            return
        if routine not in ROUTINES:
            await answer(interaction, "Routine must be stretches, core or both.")
            return
        if zone_text and zone_text.strip():
            try:
                key = read_zone(zone_text).key
            except ZoneError as exc:
                hhmm = format_time(local_time).replace(":", "")
                pending = PendingZone(exc.suggestion or "", hhmm, routine, name)
                await self.ask_zone(interaction, exc, pending, answer)
                return
        else:
            found = await self.bot.store.zone(interaction.user.id)
            if found is None:
                await answer(interaction, NEED_ZONE)
                return
            key = found
        await self.save(interaction, local_time, routine, key, name, answer)

    async def ask_zone(
        self,
        interaction: discord.Interaction[RunClubBot],
        error: ZoneError,
        pending: PendingZone,
        answer: Answer,
    ) -> None:
        """Refuse a zone; with a guess, ask whether it is the one meant (Yes / No)."""
        if error.suggestion is None:
            await answer(interaction, str(error))
            return
        question = str(error).split(ZONE_HELP)[0].strip()
        await answer(interaction, question, view=confirm_view(pending))

    async def save(
        self,
        interaction: discord.Interaction[RunClubBot],
        local_time: time,
        routine: str,
        key: str,
        name: str,
        answer: Answer,
    ) -> None:
        """Store the reminder and show it, with the member's other reminders."""
        store, member = self.bot.store, interaction.user.id
        before = await store.zone(member)
        try:
            sub, created = await store.subscribe(
                user_id=member,
                name=name,
                dm_channel_id=await self._dm_channel(interaction),
                local_time=local_time,
                tz=key,
                routine=routine,
                at=self.bot.clock.now(),
            )
        except TooManyReminders:
            await answer(interaction, TOO_MANY)
            return
        self.changed()
        zone = zone_of(key)
        lines = [
            f"Every day at **{format_time(local_time)}** ({zone_label(zone, sub.next_due)}) "
            f"I'll DM you a short routine of {ROUTINE_NAMES[routine]}.",
            f"Next one: {when_text(sub.next_due, sub.tz)}",
        ]
        others = [s for s in await store.reminders(member) if s.id != sub.id]
        if before not in (None, key):
            lines.append(f"Your time zone is now {key}; your other reminders follow it.")
        if before != key and zone_hint(zone):
            lines.append(zone_hint(zone))
        if others:
            lines.append("Your other reminders: " + "; ".join(map(reminder_line, others)) + ".")
        lines.append("/remind test checks your DMs; /remind list shows all your reminders.")
        head = f"Reminder “{name}” is set" if created else f"Reminder “{name}” is updated"
        await answer(interaction, embed=info_embed(head, "\n".join(lines)))

    async def _dm_channel(self, interaction: discord.Interaction[RunClubBot]) -> int | None:
        try:
            return (await interaction.user.create_dm()).id
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            # the dispatcher opens it when the first reminder is due
            log.info(
                "could not open a DM with %s yet: %s", interaction.user.id, describe_failure(exc)
            )
            return None

    async def set_zone(
        self,
        interaction: discord.Interaction[RunClubBot],
        zone_text: str | None,
        *,
        answer: Answer = respond,
    ) -> None:
        """/remind timezone: show the member's zone, or set it (asking about a guess)."""
        if not zone_text or not zone_text.strip():
            key = await self.bot.store.zone(interaction.user.id)
            text = (
                f"Your time zone is {zone_label(zone_of(key), self.bot.clock.now())}. "
                "Change it with /remind timezone and a zone."
                if key is not None
                else f"You have no time zone yet. {ZONE_HELP}"
            )
            await answer(interaction, text)
            return
        try:
            zone = read_zone(zone_text)
        except ZoneError as exc:
            await self.ask_zone(interaction, exc, PendingZone(exc.suggestion or ""), answer)
            return
        await self.save_zone(interaction, zone, answer)

    async def save_zone(
        self, interaction: discord.Interaction[RunClubBot], zone: Zone, answer: Answer
    ) -> None:
        now = self.bot.clock.now()
        moved = await self.bot.store.set_zone(interaction.user.id, zone.key, at=now)
        self.changed()
        lines = [f"Your time zone is now **{zone_label(zone, now)}**."]
        if moved:
            shown = [f"{reminder_line(s)}, next {when_text(s.next_due, s.tz)}" for s in moved]
            lines.append("Your reminders keep their times there: " + "; ".join(shown) + ".")
        if zone_hint(zone):
            lines.append(zone_hint(zone))
        await answer(interaction, "\n".join(lines))

    async def zone_confirmed(
        self, interaction: discord.Interaction[RunClubBot], pending: PendingZone, answer: Answer
    ) -> None:
        """The member said yes to a guessed zone: finish what they were doing with it."""
        zone = zone_of(pending.zone)
        if not pending.time:
            await self.save_zone(interaction, zone, answer)
            return
        await self.subscribe(
            interaction, pending.time, pending.routine, zone.key, pending.name, answer=answer
        )
