"""Replies as embeds: a core Reply rendered with its colour, fields and disclaimer, and the
persistent views that carry buttons under a message."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.knowledge import Knowledge
from bot.core.replies import Reply
from bot.ui.text import cut, fit

COLOURS: dict[str, discord.Colour] = {
    "answer": discord.Colour.green(),
    "suggest": discord.Colour.gold(),
    "none": discord.Colour.light_grey(),
    "urgent": discord.Colour.red(),
    "routine": discord.Colour.teal(),
    "info": discord.Colour.blurple(),
}
DISCLAIMER_FIELD = "Please note"
FAQ_HINT = "Browse everything the guide covers with /faq."
FOOTER_SHORT_MAX = 60
ROUTINE_NAMES = {"stretches": "stretches", "core": "core exercises", "both": "stretches and core"}


def reply_embed(reply: Reply, knowledge: Knowledge | None = None) -> discord.Embed:
    """The embed for a Reply: title, body, fields, and the disclaimer always as the last field."""
    body = reply.body
    if reply.kind == "none" and "/faq" not in body:
        body = f"{body}\n\n{FAQ_HINT}"
    embed = discord.Embed(title=reply.title, description=body or None, colour=COLOURS[reply.kind])
    for name, value in reply.fields:
        embed.add_field(name=name, value=value, inline=False)
    if reply.disclaimer:
        embed.add_field(name=DISCLAIMER_FIELD, value=reply.disclaimer, inline=False)
    entry = knowledge.entries.get(reply.entry_id) if knowledge and reply.entry_id else None
    if entry is not None:
        embed.set_footer(text=answer_footer(entry.section))
    return fit(embed)


def answer_footer(section: str) -> str:
    """The short footer under an answer: where in the guide it comes from (the embed's title
    already says which question it answers): the guide's subsection when there is one, as in
    "Guide: Ice and Heat", at most 60 characters."""
    parts = [p.strip() for p in section.split(" / ")]
    return cut(f"Guide: {' / '.join(parts[1:]) or parts[0]}", FOOTER_SHORT_MAX)


def info_embed(title: str, body: str) -> discord.Embed:
    """A plain informational embed (settings, statistics, a member's reminder)."""
    return reply_embed(Reply("info", title, body))


def persistent_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """A view that never times out: its items are DynamicItems, found again by custom_id."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view
