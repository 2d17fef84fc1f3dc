"""The daily reminder DM and its persistent buttons: Done, Skip today and Stop reminders.

The buttons keep their state (the action and the day) in their custom_id, so they keep
working after a restart. Stop deletes the subscription and fires the bot event
``subscriptions_changed``, which the reminders cog listens to. Handlers discord.py calls take
``discord.Interaction[Any]``, as discord.py declares them (see bot.ui.faq_items).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

import discord
from discord.ui import DynamicItem

from bot.core.knowledge import Knowledge
from bot.core.replies import day_routine_reply
from bot.core.schedule import routine_for
from bot.ui.render import persistent_view, reply_embed
from bot.ui.respond import guarded, respond
from bot.ui.text import fit

if TYPE_CHECKING:
    from bot.app import RunClubBot

SUBSCRIPTIONS_CHANGED = "subscriptions_changed"
_DAY = r"(?P<day>\d{4}-\d{2}-\d{2})"


def reminder_message(
    knowledge: Knowledge, routine: str, day: date
) -> tuple[discord.Embed, discord.ui.View]:
    """The day's DM: its routine from knowledge/, the disclaimer, and the three buttons."""
    reply = day_routine_reply(routine_for(day, knowledge), routine, knowledge)
    embed = reply_embed(reply, knowledge)
    embed.set_footer(text="Your daily reminder. /remind status shows your streak.")
    view = persistent_view(DayButton("done", day), DayButton("skip", day), StopButton())
    return fit(embed), view


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


class DayButton(
    DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"remind:(?P<action>done|skip):{_DAY}",
):
    """Done counts the day towards the member's streak; Skip today marks a rest day, which
    neither counts nor breaks it. Each is recorded once per day."""

    LOOKS: ClassVar[dict[str, tuple[str, str | None, discord.ButtonStyle]]] = {
        "done": ("Done", "✅", discord.ButtonStyle.success),
        "skip": ("Skip today", None, discord.ButtonStyle.secondary),
    }

    def __init__(self, action: str, day: date) -> None:
        label, emoji, style = self.LOOKS[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=style,
                custom_id=f"remind:{action}:{day.isoformat()}",
            )
        )
        self.action = action
        self.day = day

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DayButton:
        day = _day(match["day"])
        if day is None:
            raise ValueError(f"bad date in a {match['action']} button")
        return cls(match["action"], day)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        label = self.LOOKS[self.action][0]
        await guarded(interaction, f"{label} button", lambda: self._press(interaction))

    async def _press(self, interaction: discord.Interaction[RunClubBot]) -> None:
        bot = interaction.client
        first = await bot.store.record_routine(
            interaction.user.id, self.day, self.action, at=bot.clock.now()
        )
        if self.action == "skip":
            text = (
                "Rest day noted. Your streak is safe; see you tomorrow."
                if first
                else "That day is already marked."
            )
        else:
            streak, _total = await bot.store.streak(interaction.user.id, self.day)
            days = "day" if streak == 1 else "days"
            text = (
                f"Nice work! Streak: {streak} {days} in a row."
                if first
                else f"Already counted for that day. Streak: {streak} {days} in a row."
            )
        await respond(interaction, text)


class StopButton(DynamicItem[discord.ui.Button[discord.ui.View]], template=r"remind:stop"):
    """Stop reminders: deletes the subscription, as /remind unsubscribe does."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Stop reminders", style=discord.ButtonStyle.danger, custom_id="remind:stop"
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> StopButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "Stop button", lambda: self._stop(interaction))

    async def _stop(self, interaction: discord.Interaction[RunClubBot]) -> None:
        bot = interaction.client
        if await bot.store.unsubscribe(interaction.user.id):
            bot.dispatch(SUBSCRIPTIONS_CHANGED)
            text = "Reminders stopped; I won't DM you again. /remind subscribe starts them again."
        else:
            text = "You have no daily reminder, so there is nothing to stop."
        await respond(interaction, text)
