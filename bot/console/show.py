"""What the bot posts, as terminal text: the same embeds and components members see in
Discord, written out, with each button and menu option numbered so it can be picked.

An ``Action`` is one numbered thing to press: a button, or one option of a menu.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord

_TIMESTAMP = re.compile(r"<t:(\d{1,12})(?::[tTdDfFR])?>")
_CHANNEL = re.compile(r"<#(\d+)>")


@dataclass(frozen=True)
class Action:
    """A numbered button, or one option of a menu, on a message the console showed."""

    message_id: int
    item: discord.ui.Item[Any]
    value: str | None = None  # the option picked, for a menu


def plain(text: str, channel_names: dict[int, str]) -> str:
    """Discord markup a terminal cannot show: timestamps as UTC times, channels by name."""
    text = _TIMESTAMP.sub(
        lambda m: datetime.fromtimestamp(int(m[1]), UTC).strftime("%Y-%m-%d %H:%M UTC"), text
    )
    return _CHANNEL.sub(lambda m: "#" + channel_names.get(int(m[1]), m[1]), text)


def embed_text(embed: discord.Embed) -> list[str]:
    """An embed's title, description, fields and footer, one after another."""
    lines = []
    if embed.title:
        lines.append(f"**{embed.title}**")
    if embed.description:
        lines.append(embed.description)
    for field in embed.fields:
        lines.append(f"\n__{field.name}__\n{field.value}")
    if embed.footer.text:
        lines.append(f"\n_{embed.footer.text}_")
    return lines


def message_text(
    message_id: int,
    content: str | None,
    embeds: list[discord.Embed],
    view: discord.ui.View | None,
    actions: list[Action],
    channel_names: dict[int, str],
) -> str:
    """A message as text; its buttons and menu options are numbered on from ``actions``,
    which gets them appended."""
    lines = [content] if content else []
    for embed in embeds:
        lines += embed_text(embed)
    if view is not None:
        lines += _components(message_id, view, actions)
    return plain("\n".join(lines), channel_names)


def _components(message_id: int, view: discord.ui.View, actions: list[Action]) -> list[str]:
    lines: list[str] = []
    buttons: list[str] = []
    for child in view.children:
        item = child.item if isinstance(child, discord.ui.DynamicItem) else child
        if isinstance(item, discord.ui.Button):
            actions.append(Action(message_id, child))
            emoji = f"{item.emoji} " if item.emoji else ""
            buttons.append(f"[{len(actions)}] {emoji}{item.label or ''}".rstrip())
        elif isinstance(item, discord.ui.Select):
            lines.append(f"\n{item.placeholder or 'Pick one'}:")
            for option in item.options:
                actions.append(Action(message_id, child, option.value))
                about = f" ({option.description})" if option.description else ""
                lines.append(f"  [{len(actions)}] {option.label}{about}")
    if buttons:
        lines.append("\n" + "   ".join(buttons))
    return lines
