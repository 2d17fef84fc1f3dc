"""/stretches and /core as pages that fit a phone: a few exercises a page, the disclaimer on
each, Previous / Next, and the Remind me daily button under every page while the reminders
extension is loaded. The pages are rebuilt from the custom id on each click (bot.ui.pages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core.replies import core_reply, stretches_reply
from bot.ui.forms import remind_me_button
from bot.ui.pages import Paged, page_message, page_source, paginate
from bot.ui.respond import respond

if TYPE_CHECKING:
    from bot.app import RunClubBot

WHEN = ("before", "after", "all")


def routine_paged(bot: RunClubBot, kind: str, when: str = "all") -> Paged:
    """The pages of /stretches (``when``: before, after or all) or /core."""
    knowledge = bot.knowledge
    if kind == "stretches":
        reply = stretches_reply(knowledge, when if when in ("before", "after") else None)
    else:
        reply = core_reply(knowledge)
    extras = (remind_me_button(kind),) if bot.get_cog("Reminders") is not None else ()
    return Paged(paginate(reply), extras)


async def send_routine(
    interaction: discord.Interaction[RunClubBot], kind: str, when: str | None = None
) -> None:
    """Answer /stretches or /core with the first page, privately."""
    args = when if when in WHEN else "all"
    embed, view = page_message(kind, args, routine_paged(interaction.client, kind, args))
    await respond(interaction, embed=embed, view=view)


@page_source("stretches")
async def _stretches(interaction: discord.Interaction[RunClubBot], args: str) -> Paged:
    return routine_paged(interaction.client, "stretches", args)


@page_source("core")
async def _core(interaction: discord.Interaction[RunClubBot], args: str) -> Paged:
    return routine_paged(interaction.client, "core", args)
