"""Opt-in daily reminders by DM: the extension that loads the /remind cog and its buttons.

The commands are in ``cog``, the flows that set reminders up in ``subscribing``, the list in
``listing``; the DM's buttons, the Remind me daily form and the time zone question in
bot.ui; the sending in bot.reminders.
"""

from __future__ import annotations

from bot.app import RunClubBot
from bot.cogs.reminders.cog import Reminders
from bot.ui.forms import RemindMeButton
from bot.ui.reminder_buttons import DayButton, StopButton
from bot.ui.zone_confirm import ZoneAnswer


async def setup(bot: RunClubBot) -> None:
    bot.add_dynamic_items(DayButton, StopButton, RemindMeButton, ZoneAnswer)
    await bot.add_cog(Reminders(bot))
