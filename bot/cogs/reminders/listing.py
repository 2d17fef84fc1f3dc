"""/remind list: the member's zone, streak and reminders, one field each, through the pager
(bot.ui.pages, kind "remind"), so a long list would page like /stretches. With at most
MAX_REMINDERS reminders it is one page today."""

from __future__ import annotations

import discord

from bot.app import RunClubBot
from bot.cogs.reminders._times import local, when_text
from bot.core.replies import Reply
from bot.core.schedule import ZoneError, format_time, zone_label, zone_of
from bot.ui.pages import Paged, page_message, page_source, paginate
from bot.ui.render import ROUTINE_NAMES
from bot.ui.respond import respond

NO_REMINDERS = "You have no reminders. Start one with /remind subscribe."


async def reminders_paged(bot: RunClubBot, member: int) -> Paged:
    """A member's reminders as pages; an empty list is one page saying so."""
    subs = await bot.store.reminders(member)
    now = bot.clock.now()
    if not subs:
        return Paged([discord.Embed(description=NO_REMINDERS)])
    key = await bot.store.zone(member) or subs[0].tz
    try:
        zone = zone_label(zone_of(key), now)
    except ZoneError:
        zone = f"{key} (not known on my machine any more: set it again with /remind timezone)"
    streak, total = await bot.store.streak(member, local(now, key).date())
    days = "day" if streak == 1 else "days"
    body = f"**Time zone:** {zone}\n**Streak:** {streak} {days} in a row ({total} done in all)"
    fields = []
    for sub in subs:
        if sub.status == "active":
            state = f"Next: {when_text(sub.next_due, sub.tz)}"
        else:
            reason = sub.pause_reason or "yes"
            state = f"**Paused:** {reason} /remind resume {sub.name} restarts it."
        title = f"“{sub.name}” · {format_time(sub.local_time)} ({sub.tz})"
        fields.append((title, f"{ROUTINE_NAMES[sub.routine].capitalize()}\n{state}"))
    reply = Reply("info", "Your reminders", body, fields=tuple(fields))
    return Paged(paginate(reply))


async def show_reminders(interaction: discord.Interaction[RunClubBot]) -> None:
    paged = await reminders_paged(interaction.client, interaction.user.id)
    embed, view = page_message("remind", "", paged)
    if embed.description == NO_REMINDERS:
        await respond(interaction, NO_REMINDERS)
        return
    await respond(interaction, embed=embed, view=view)


@page_source("remind")
async def _pages(interaction: discord.Interaction[RunClubBot], args: str) -> Paged:
    return await reminders_paged(interaction.client, interaction.user.id)
