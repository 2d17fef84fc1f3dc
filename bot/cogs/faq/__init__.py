"""The FAQ extension: answers from the guide, in channels, to mentions, replies and DMs, and
by slash command.

    cog.py          the FAQ cog: Discord messages and slash commands in, replies out
    asking.py       who gets which reply (direct asks, cooldowns, the flood limit, enabled
                    channels, each server's learned phrasings), from plain data
    questionlog.py  asked questions on their way to the store, in batches
"""

from __future__ import annotations

from bot.app import RunClubBot
from bot.cogs.faq.cog import FAQ
from bot.ui.faq_items import DYNAMIC_ITEMS


async def setup(bot: RunClubBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(FAQ(bot))
