"""Long replies as pages that fit a phone, turned with Previous / Next buttons.

``paginate`` splits a core Reply into embeds: the title on each, the body on the first, as
many fields (exercises, say) as fit the page's budget, the disclaimer on every page, and
"Page 2 of 3" in the footer. No page has more than MESSAGE_TEXT_MAX characters of text.

The buttons are persistent: a PageButton's custom id holds what the message shows and which
page to turn to (``pg:<kind>:<args>:<page>:<p|n>``), so it works after a restart with no view
stored. A click asks the kind's source (registered with ``page_source``) for the pages again,
from the args, and shows the one asked for in place. A source returns the pages and the
buttons that go under every page (Remind me daily under /stretches, Done under a DM).
Handlers discord.py calls take ``discord.Interaction[Any]`` (see bot.ui.faq_items).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord.ui import DynamicItem

from bot.core.replies import Reply
from bot.ui.render import persistent_view, reply_embed
from bot.ui.respond import guarded, replace
from bot.ui.text import FIELD_VALUE_MAX, MESSAGE_TEXT_MAX, fit

if TYPE_CHECKING:
    from bot.app import RunClubBot

PAGE_TEXT = 1500  # a page's target: about a phone screen and a half
_ARGS = r"[\w.\-]*"


@dataclass(frozen=True)
class Paged:
    """A paged reply: its pages, and the items that go under every one of them."""

    pages: Sequence[discord.Embed]
    extras: tuple[discord.ui.Item[Any], ...] = ()


Source = Callable[["discord.Interaction[RunClubBot]", str], Awaitable[Paged]]
SOURCES: dict[str, Source] = {}


def page_source(kind: str) -> Callable[[Source], Source]:
    """Register the function that rebuilds a kind of paged reply from its args, for clicks."""

    def register(source: Source) -> Source:
        SOURCES[kind] = source
        return source

    return register


def paginate(reply: Reply, *, budget: int = PAGE_TEXT, footer: str = "") -> list[discord.Embed]:
    """A reply as pages of at most ``budget`` characters (never over MESSAGE_TEXT_MAX); each
    page keeps the title and the disclaimer, the first also the body. A body alone too long
    for a page is split at line ends."""
    budget = min(budget, MESSAGE_TEXT_MAX)
    fixed = len(reply.title) + len(reply.disclaimer or "") + len(footer) + 40
    chunks: list[tuple[str, list[tuple[str, str]]]] = []
    body_lines = _lines(reply.body, max(200, budget - fixed)) if reply.body else [""]
    for text in body_lines[:-1]:
        chunks.append((text, []))
    body, size = body_lines[-1], fixed + len(body_lines[-1])
    fields: list[tuple[str, str]] = []
    for name, value in reply.fields:
        cost = len(name) + min(len(value), FIELD_VALUE_MAX)
        if fields and size + cost > budget:
            chunks.append((body, fields))
            body, fields, size = "", [], fixed
        fields.append((name, value))
        size += cost
    chunks.append((body, fields))
    pages = []
    for n, (text, page_fields) in enumerate(chunks, start=1):
        page = Reply(reply.kind, reply.title, text, reply.disclaimer, reply.entry_id, (), ())
        embed = reply_embed(page)
        at = len(embed.fields) - bool(reply.disclaimer)  # before the disclaimer
        for name, value in page_fields:
            embed.insert_field_at(at, name=name, value=value, inline=False)
            at += 1
        words = [f"Page {n} of {len(chunks)}"] if len(chunks) > 1 else []
        if footer:
            words.append(footer)
        if words:
            embed.set_footer(text=" · ".join(words))
        pages.append(fit(embed))
    return pages


def _lines(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, cut at line ends where it can be."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        for start in range(0, max(len(line), 1), size):
            part = line[start : start + size]
            if current and len(current) + 1 + len(part) > size:
                pieces.append(current)
                current = part
            else:
                current = f"{current}\n{part}" if current else part
    pieces.append(current)
    return pieces


def page_message(
    kind: str, args: str, paged: Paged, page: int = 0
) -> tuple[discord.Embed, discord.ui.View | None]:
    """Page ``page`` (kept in range) of a paged reply, with Previous / Next when there is more
    than one page and the reply's own items after them."""
    last = len(paged.pages) - 1
    page = max(0, min(page, last))
    items: list[discord.ui.Item[Any]] = []
    if last > 0:
        items += [
            PageButton(kind, args, max(0, page - 1), "p", disabled=page == 0),
            PageButton(kind, args, min(last, page + 1), "n", disabled=page == last),
        ]
    items += paged.extras
    return paged.pages[page], persistent_view(*items) if items else None


class PageButton(
    DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"pg:(?P<kind>[a-z]+):(?P<args>{_ARGS}):(?P<page>\d{{1,3}}):(?P<way>[pn])",
):
    """Previous or Next: shows page ``page`` of what the message shows, in place."""

    def __init__(self, kind: str, args: str, page: int, way: str, *, disabled: bool = False):
        label, emoji = ("Previous", "◀") if way == "p" else ("Next", "▶")
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=f"pg:{kind}:{args}:{page}:{way}",
                disabled=disabled,
            )
        )
        self.kind, self.args, self.page, self.way = kind, args, page, way

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        return cls(match["kind"], match["args"], int(match["page"]), match["way"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, f"{self.kind} page button", lambda: self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction[RunClubBot]) -> None:
        source = SOURCES.get(self.kind)
        if source is None:
            await replace(interaction, "This list is no longer available; run its command again.")
            return
        paged = await source(interaction, self.args)
        embed, view = page_message(self.kind, self.args, paged, self.page)
        await replace(interaction, embed=embed, view=view)
