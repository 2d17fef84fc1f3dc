"""The Remind me daily button (under /stretches and /core) and the short form it opens.

The form asks for a time and a time zone (filled in with the member's stored zone, and
optional once one is stored), then leads to the same reminder as /remind subscribe, named
after the routine: its submission is handed to the reminders cog. Handlers discord.py calls
take ``discord.Interaction[Any]``, as discord.py declares them (see bot.ui.faq_items).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.ui import DynamicItem

from bot.core.schedule import ROUTINES
from bot.ui.render import ROUTINE_NAMES
from bot.ui.respond import report_failure

if TYPE_CHECKING:
    from bot.app import RunClubBot
    from bot.cogs.reminders.cog import Reminders


def remind_me_button(routine: str) -> discord.ui.Item[Any]:
    """The Remind me daily button, for the FAQ cog's /stretches and /core messages."""
    return RemindMeButton(routine if routine in ROUTINES else "both")


async def start_subscribe(interaction: discord.Interaction[RunClubBot], routine: str) -> None:
    """Open the subscribe form for ``routine`` (the Remind me daily flow)."""
    zone = await interaction.client.store.zone(interaction.user.id)
    await interaction.response.send_modal(SubscribeForm(routine, zone))


class RemindMeButton(
    DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"remind:start:(?P<routine>stretches|core|both)",
):
    """Remind me daily: opens the subscribe form."""

    def __init__(self, routine: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Remind me daily",
                emoji="⏰",
                style=discord.ButtonStyle.primary,
                custom_id=f"remind:start:{routine}",
            )
        )
        self.routine = routine

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RemindMeButton:
        return cls(match["routine"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await start_subscribe(interaction, self.routine)


class SubscribeForm(discord.ui.Modal):
    """The short form behind the Remind me daily button: time and time zone."""

    time_input: discord.ui.TextInput[SubscribeForm] = discord.ui.TextInput(
        label="Time (your local time)",
        placeholder="07:30, 7:30 am, 7pm, noon",
        max_length=20,
        custom_id="time",
    )
    zone_input: discord.ui.TextInput[SubscribeForm] = discord.ui.TextInput(
        label="Time zone",
        placeholder="Europe/London, America/New_York, UTC+2…",
        max_length=60,
        custom_id="timezone",
    )

    def __init__(self, routine: str, zone: str | None = None) -> None:
        super().__init__(
            title=f"Daily {ROUTINE_NAMES.get(routine, 'routine')} by DM",
            custom_id=f"remind:form:{routine}",
        )
        self.routine = routine
        if zone:  # remembered: shown, and may be left as it is or emptied
            self.zone_input.default = zone
            self.zone_input.required = False

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await _reminders(interaction).subscribe(
            interaction, self.time_input.value, self.routine, self.zone_input.value or None
        )

    async def on_error(  # type: ignore[override]  # Modal's own narrows BaseView's
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report_failure(interaction, "subscribe form", error)


def _reminders(interaction: discord.Interaction[RunClubBot]) -> Reminders:
    cog = interaction.client.get_cog("Reminders")
    if cog is None:
        raise RuntimeError("the Reminders cog is not loaded")
    return cast("Reminders", cog)
