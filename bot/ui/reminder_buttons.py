"""The daily reminder DM and its persistent buttons: Done, Skip today and Stop.

The buttons keep their state (the action and the day; the reminder Stop stops) in their
custom_id, so they keep working after a restart. Stop deletes that reminder (a DM sent
before reminders had names stops them all) and fires the bot event ``subscriptions_changed``,
which the reminders cog listens to. A day's routine too long for one message is paged
(bot.ui.pages, kind "day"). Handlers discord.py calls take ``discord.Interaction[Any]``, as
discord.py declares them (see bot.ui.faq_items).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

import discord
from discord.ui import DynamicItem

from bot.core.knowledge import Knowledge
from bot.core.replies import day_routine_reply
from bot.core.schedule import ROUTINES, routine_for
from bot.ui.pages import Paged, page_message, page_source, paginate
from bot.ui.respond import guarded, respond
from bot.ui.text import MESSAGE_TEXT_MAX

if TYPE_CHECKING:
    from bot.app import RunClubBot

SUBSCRIPTIONS_CHANGED = "subscriptions_changed"
NOTHING_TO_STOP = "You have no reminder, so there is nothing to stop."
STOPPED_ALL = "Reminders stopped; I won't DM you again. /remind subscribe starts them again."
GONE = "That reminder is already gone. /remind list shows yours."
_DAY = r"(?P<day>\d{4}-\d{2}-\d{2})"


def day_pages(knowledge: Knowledge, routine: str, day: date, name: str) -> list[discord.Embed]:
    """The day's routine from knowledge/ under the reminder's name, as pages of a whole
    message each (the same for every reminder of that routine and name that day)."""
    reply = day_routine_reply(routine_for(day, knowledge), routine, knowledge)
    footer = f"Reminder “{name}” · /remind list" if name else "/remind list shows your streak"
    return paginate(reply, budget=MESSAGE_TEXT_MAX, footer=footer)


def day_paged(
    knowledge: Knowledge, routine: str, day: date, subscription_id: int, name: str
) -> Paged:
    """The day's pages with Done, Skip today and Stop (that reminder) under every page."""
    pages = day_pages(knowledge, routine, day, name)
    return Paged(pages, day_buttons(day, subscription_id))


def day_buttons(day: date, subscription_id: int) -> tuple[discord.ui.Item[Any], ...]:
    return DayButton("done", day), DayButton("skip", day), StopButton(subscription_id)


def reminder_message(
    knowledge: Knowledge,
    routine: str,
    day: date,
    subscription_id: int = 0,
    name: str = "",
    *,
    pages: list[discord.Embed] | None = None,
) -> tuple[discord.Embed, discord.ui.View | None]:
    """The day's DM: its routine, the disclaimer, and the buttons (its first page).
    ``pages``: the day_pages already made for this routine, day and name."""
    if pages is None:
        pages = day_pages(knowledge, routine, day, name)
    args = f"{routine}.{day.isoformat()}.{subscription_id}"
    return page_message("day", args, Paged(pages, day_buttons(day, subscription_id)))


@page_source("day")
async def _day_pages(interaction: discord.Interaction[RunClubBot], args: str) -> Paged:
    routine, raw_day, raw_id = [*args.split("."), "", ""][:3]
    day = _day(raw_day)
    if routine not in ROUTINES or day is None or not raw_id.isdigit():
        raise ValueError(f"bad day page {args!r}")
    sub = await interaction.client.store.subscription_by_id(int(raw_id))
    name = sub.name if sub is not None and sub.user_id == interaction.user.id else ""
    return day_paged(interaction.client.knowledge, routine, day, int(raw_id), name)


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


class StopButton(
    DynamicItem[discord.ui.Button[discord.ui.View]], template=r"remind:stop(?::(?P<id>\d+))?"
):
    """Stop: deletes the reminder the DM came from, as /remind remove does. The button of a DM
    sent before reminders had names (no id) stops all of the member's reminders."""

    def __init__(self, subscription_id: int | None = None) -> None:
        custom_id = "remind:stop" if subscription_id is None else f"remind:stop:{subscription_id}"
        super().__init__(
            discord.ui.Button(label="Stop", style=discord.ButtonStyle.danger, custom_id=custom_id)
        )
        self.subscription_id = subscription_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> StopButton:
        return cls(int(match["id"]) if match["id"] else None)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "Stop button", lambda: self._stop(interaction))

    async def _stop(self, interaction: discord.Interaction[RunClubBot]) -> None:
        bot = interaction.client
        store, member = bot.store, interaction.user.id
        if self.subscription_id is None:  # a DM from before reminders had names: all of them
            stopped = await store.unsubscribe(member)
            text = STOPPED_ALL if stopped else NOTHING_TO_STOP
        else:
            sub = await store.subscription_by_id(self.subscription_id)
            name = sub.name if sub is not None and sub.user_id == member else None
            stopped = await store.unsubscribe(member, name) if name is not None else 0
            text = f"Reminder “{name}” stopped. /remind list shows any others." if stopped else GONE
        if stopped:
            bot.dispatch(SUBSCRIPTIONS_CHANGED)
        await respond(interaction, text)
