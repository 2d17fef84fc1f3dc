"""Confirming a time zone that was not taken as typed: an abbreviation (EST) or a typo.

The member is asked "Did you mean America/New_York?" with Yes and No. The buttons are
persistent: the zone, and what the member was doing (a subscribe's time, routine and name;
nothing for /remind timezone), ride in the custom id, so an answer given after a restart
still completes it. Yes hands the answer to the reminders cog; No leaves everything as it was.
Handlers discord.py calls take ``discord.Interaction[Any]`` (see bot.ui.faq_items).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.ui import DynamicItem

from bot.core.schedule import ZONE_HELP
from bot.ui.render import persistent_view
from bot.ui.respond import guarded, replace

if TYPE_CHECKING:
    from bot.app import RunClubBot
    from bot.cogs.reminders.cog import Reminders

NOT_CHANGED = f"OK, nothing is changed. {ZONE_HELP}"


@dataclass(frozen=True)
class PendingZone:
    """A zone to confirm, and the subscribe waiting for it (empty time: just set the zone)."""

    zone: str
    time: str = ""  # HHMM
    routine: str = ""
    name: str = ""

    def custom_id(self, answer: str) -> str:
        if not self.time:
            return f"rz:{answer}:{self.zone}"
        return f"rz:{answer}:{self.zone}|{self.time}|{self.routine}|{self.name}"


def confirm_view(pending: PendingZone) -> discord.ui.View:
    """Yes, use the zone / No."""
    return persistent_view(ZoneAnswer(pending, yes=True), ZoneAnswer(pending, yes=False))


class ZoneAnswer(
    DynamicItem[discord.ui.Button[discord.ui.View]],
    template=(
        r"rz:(?P<answer>[yn]):(?P<zone>[A-Za-z0-9_/+\-]{1,40})"
        r"(?:\|(?P<time>\d{4})\|(?P<routine>stretches|core|both)\|(?P<name>[^|]{1,20}))?"
    ),
):
    """Yes or No to a zone the bot guessed."""

    def __init__(self, pending: PendingZone, *, yes: bool) -> None:
        label = f"Yes, {pending.zone}" if yes else "No"
        style = discord.ButtonStyle.success if yes else discord.ButtonStyle.secondary
        custom_id = pending.custom_id("y" if yes else "n")
        super().__init__(discord.ui.Button(label=label[:80], style=style, custom_id=custom_id))
        self.pending = pending
        self.yes = yes

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ZoneAnswer:
        pending = PendingZone(
            match["zone"], match["time"] or "", match["routine"] or "", match["name"] or ""
        )
        return cls(pending, yes=match["answer"] == "y")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "time zone answer", lambda: self._answer(interaction))

    async def _answer(self, interaction: discord.Interaction[RunClubBot]) -> None:
        if not self.yes:
            await replace(interaction, NOT_CHANGED)
            return
        cog = interaction.client.get_cog("Reminders")
        if cog is None:
            raise RuntimeError("the Reminders cog is not loaded")
        await cast("Reminders", cog).zone_confirmed(interaction, self.pending)
