"""Text within Discord's limits: cut to a length, member text defused, embeds fitted."""

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


def fit(embed: discord.Embed) -> discord.Embed:
    """Cut an embed's parts to Discord's limits; the last field (the disclaimer) always stays."""
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
    # The disclaimer field is the last one; drop the ones before it first.
    while len(embed) > EMBED_TOTAL_MAX and len(embed.fields) > 1:
        embed.remove_field(len(embed.fields) - 2)
    if len(embed) > EMBED_TOTAL_MAX and embed.description:
        excess = len(embed) - EMBED_TOTAL_MAX
        embed.description = cut(embed.description, max(1, len(embed.description) - excess))
    return embed
