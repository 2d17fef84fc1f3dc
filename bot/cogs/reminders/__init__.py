"""Opt-in daily reminders by DM: the extension that loads the /remind cog and its buttons.

The commands are in ``cog``; the DM's buttons and the Remind me daily form in bot.ui; the
sending in bot.reminders.
"""

from __future__ import annotations

from bot.app import RunClubBot
from bot.cogs.reminders.cog import Reminders
from bot.ui.forms import RemindMeButton
from bot.ui.reminder_buttons import DayButton, StopButton


async def setup(bot: RunClubBot) -> None:
    bot.add_dynamic_items(DayButton, StopButton, RemindMeButton)
    await bot.add_cog(Reminders(bot))
