"""Text within Discord's limits and a phone's: cut to a length, member text defused, embeds
fitted. No message carries more than MESSAGE_TEXT_MAX characters of text in all (content
and embed together): longer replies are split into pages (bot.ui.pages)."""

from __future__ import annotations

import re

import discord

from bot.core.textnorm import INVISIBLE

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CONTENT_MAX = 2000
OPTION_LABEL_MAX = 100
OPTION_DESCRIPTION_MAX = 100
BUTTON_LABEL_MAX = 80
CHOICE_NAME_MAX = 100
# the bot's own limit, below Discord's 6,000: one message's text in all fits a phone screen
# or two (a /stretches of 3,600 characters was about 130 lines)
MESSAGE_TEXT_MAX = 2000

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def cut(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters, at a word boundary when one is near, with …."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return text[:limit]
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= limit * 0.6:
        head = head[:space]
    return head.rstrip() + "…"


def defuse(text: str) -> str:
    """Member text made unable to ping anyone (@everyone, @here, roles, users)."""
    return discord.utils.escape_mentions(text)


def quote(text: str, limit: int) -> str:
    """Member text to echo back: on one line, no markdown, no mentions, within ``limit``."""
    text = _CONTROL.sub(" ", INVISIBLE.sub("", text))
    text = " ".join(text.split())
    text = discord.utils.escape_markdown(text, as_needed=False)
    return cut(defuse(text), limit)


def fit(embed: discord.Embed, budget: int = MESSAGE_TEXT_MAX) -> discord.Embed:
    """Cut an embed's parts to Discord's limits and its text in all to ``budget``; the last
    field (the disclaimer) always stays. Replies that could be longer are paged instead
    (bot.ui.pages): this is the backstop."""
    if embed.title:
        embed.title = cut(embed.title, TITLE_MAX)
    if embed.description:
        embed.description = cut(embed.description, DESCRIPTION_MAX)
    fields = [
        (
            cut(f.name or "\u200b", FIELD_NAME_MAX),
            cut(f.value or "\u200b", FIELD_VALUE_MAX),
            f.inline,
        )
        for f in embed.fields
    ]
    if len(fields) > FIELDS_MAX:
        fields = fields[: FIELDS_MAX - 1] + fields[-1:]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=bool(inline))
    if embed.footer.text:
        embed.set_footer(text=cut(embed.footer.text, FOOTER_MAX))
    budget = min(budget, EMBED_TOTAL_MAX)
    # The disclaimer field is the last one; drop the ones before it first.
    while len(embed) > budget and len(embed.fields) > 1:
        embed.remove_field(len(embed.fields) - 2)
    if len(embed) > budget and embed.description:
        excess = len(embed) - budget
        embed.description = cut(embed.description, max(1, len(embed.description) - excess))
    if len(embed) > budget and embed.footer.text:
        embed.set_footer(text=None)
    if len(embed) > budget and embed.fields:
        last = embed.fields[-1]
        excess = len(embed) - budget
        value = cut(last.value or "\u200b", max(1, len(last.value or "") - excess))
        embed.set_field_at(len(embed.fields) - 1, name=last.name, value=value, inline=False)
    return embed
