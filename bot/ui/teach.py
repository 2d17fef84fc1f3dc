"""/faqadmin gaps and the admin's learning loop: a server's unanswered questions, each one a
pick in a menu, then a menu of FAQ entries to teach "this is entry X"; /faqadmin learned
lists what the server taught, with a menu to forget a phrasing taught by mistake.

Teaching stores the question as a learned phrasing of that entry for that server (the store's
Learning concern) and fires the bot event ``learned_changed`` (with the guild id), on which the
FAQ cog indexes the server's phrasings again: the next message is matched with it. The menus
are DynamicItems with their state in the custom_id (the question's id and the page of
entries), so they work after a restart; each checks Manage Server again, and the store only
teaches a question of the server the menu is used in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord.ui import DynamicItem

from bot.core.knowledge import TOPICS, Knowledge
from bot.core.textnorm import INVISIBLE
from bot.store import Gap
from bot.ui.render import info_embed, persistent_view
from bot.ui.respond import PERMISSION_TEXT, guarded, respond
from bot.ui.text import OPTION_DESCRIPTION_MAX, OPTION_LABEL_MAX, cut, quote

if TYPE_CHECKING:
    from bot.app import RunClubBot

LEARNED_CHANGED = "learned_changed"
WINDOW = timedelta(days=30)
GAPS_SHOWN = 10
LEARNED_SHOWN = 25  # a menu's options
ENTRIES_PER_PAGE = 24  # a select holds 25 options: the last is "More entries…"
MORE = "more"
GAPS_TITLE = "Unanswered questions, last 30 days"
NO_GAPS = "No unanswered questions in the last 30 days."
TEACH_HINT = "Pick one below to teach me which FAQ entry answers it, in this server."


def _label(text: str, limit: int) -> str:
    """Member text as a menu label: one line, no invisible characters (labels show no
    markdown and ping nobody)."""
    return cut(" ".join(INVISIBLE.sub("", text).split()), limit) or "…"


def _numbered_select(
    custom_id: str, placeholder: str, rows: Sequence[tuple[str, int, str]]
) -> discord.ui.Select[discord.ui.View]:
    """A menu of (text, id, description) rows, numbered as the list above it."""
    options = [
        discord.SelectOption(
            label=_label(f"{n}. {text}", OPTION_LABEL_MAX),
            value=str(value),
            description=cut(description, OPTION_DESCRIPTION_MAX),
        )
        for n, (text, value, description) in enumerate(rows, 1)
    ]
    return discord.ui.Select(custom_id=custom_id, placeholder=placeholder, options=options)


async def gaps_message(
    bot: RunClubBot, guild_id: int, note: str = ""
) -> tuple[discord.Embed, discord.ui.View | None]:
    """A server's most-asked unanswered questions, with the menu that teaches them."""
    rows = await bot.store.gaps(guild_id=guild_id, since=bot.clock.now() - WINDOW, limit=GAPS_SHOWN)
    lines = [note] if note else []
    if rows:
        lines += [
            f"{n}. **{g.count}×** {quote(g.question, 120)} (last {_ago(g)})"
            for n, g in enumerate(rows, 1)
        ]
        lines.append(f"\n{TEACH_HINT}")
    else:
        lines.append(NO_GAPS)
    view = persistent_view(GapSelect.build(rows)) if rows else None
    return info_embed(GAPS_TITLE, "\n".join(lines)), view


def teach_message(
    gap: Gap, knowledge: Knowledge, page: int = 0
) -> tuple[discord.Embed, discord.ui.View]:
    """One unanswered question and the menu of entries to teach it as."""
    body = (
        f"> {quote(gap.question, 300)}\n(asked {gap.count}× in the last 30 days)\n\n"
        "Which FAQ entry answers it? Once you pick one, I answer this question, and questions "
        "close to it, with that entry in this server. Red flags still get the urgent reply."
    )
    view = persistent_view(TeachSelect.build(gap.question_id, knowledge, page))
    return info_embed("Teach me this question", body), view


def _ago(gap: Gap) -> str:
    return f"<t:{int(gap.last_at.timestamp())}:R>"


def _is_admin(interaction: discord.Interaction[RunClubBot]) -> bool:
    return interaction.guild_id is not None and interaction.permissions.manage_guild


class GapSelect(DynamicItem[discord.ui.Select[discord.ui.View]], template=r"faq:gap"):
    """The unanswered questions: picking one asks which entry answers it."""

    def __init__(self, select: discord.ui.Select[discord.ui.View] | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id="faq:gap", options=[]))

    @classmethod
    def build(cls, gaps: Sequence[Gap]) -> GapSelect:
        rows = [(g.question, g.question_id, f"asked {g.count}×") for g in gaps[:25]]
        return cls(_numbered_select("faq:gap", "Teach me one of these questions", rows))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> GapSelect:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "gaps menu", lambda: self._pick(interaction))

    async def _pick(self, interaction: discord.Interaction[RunClubBot]) -> None:
        if not _is_admin(interaction):
            await respond(interaction, PERMISSION_TEXT)
            return
        assert interaction.guild_id is not None
        picked = self.item.values[0] if self.item.values else ""
        bot = interaction.client
        gap = None
        if picked.isdigit():
            gap = await bot.store.gap(
                guild_id=interaction.guild_id,
                question_id=int(picked),
                since=bot.clock.now() - WINDOW,
            )
        if gap is None:
            note = "That question is no longer in the list (taught, deleted or too old)."
            embed, view = await gaps_message(bot, interaction.guild_id, note)
        else:
            embed, view = teach_message(gap, bot.knowledge)
        await interaction.response.edit_message(embed=embed, view=view)


class TeachSelect(
    DynamicItem[discord.ui.Select[discord.ui.View]],
    template=r"faq:teach:(?P<question>\d{1,20}):(?P<page>\d{1,4})",
):
    """The FAQ entries, a page at a time: picking one teaches the question as that entry."""

    def __init__(
        self, question_id: int, page: int, select: discord.ui.Select[discord.ui.View] | None = None
    ) -> None:
        custom_id = f"faq:teach:{question_id}:{page}"
        super().__init__(select or discord.ui.Select(custom_id=custom_id, options=[]))
        self.question_id = question_id
        self.page = page

    @classmethod
    def build(cls, question_id: int, knowledge: Knowledge, page: int) -> TeachSelect:
        entries = list(knowledge.entries.values())
        pages = max(1, -(-len(entries) // ENTRIES_PER_PAGE))
        page %= pages
        shown = entries[page * ENTRIES_PER_PAGE : (page + 1) * ENTRIES_PER_PAGE]
        options = [
            discord.SelectOption(
                label=_label(e.title, OPTION_LABEL_MAX),
                value=e.id,
                description=cut(TOPICS.get(e.topic, e.topic), OPTION_DESCRIPTION_MAX),
            )
            for e in shown
        ]
        if pages > 1:
            options.append(
                discord.SelectOption(
                    label="More entries…", value=MORE, description=f"page {page + 1} of {pages}"
                )
            )
        select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=f"faq:teach:{question_id}:{page}",
            placeholder="This question is answered by…",
            options=options,
        )
        return cls(question_id, page, select)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TeachSelect:
        return cls(int(match["question"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "teach menu", lambda: self._teach(interaction))

    async def _teach(self, interaction: discord.Interaction[RunClubBot]) -> None:
        if not _is_admin(interaction):
            await respond(interaction, PERMISSION_TEXT)
            return
        assert interaction.guild_id is not None
        bot, guild_id = interaction.client, interaction.guild_id
        picked = self.item.values[0] if self.item.values else ""
        if picked == MORE:
            gap = await bot.store.gap(
                guild_id=guild_id, question_id=self.question_id, since=bot.clock.now() - WINDOW
            )
            if gap is not None:
                embed, view = teach_message(gap, bot.knowledge, self.page + 1)
                await interaction.response.edit_message(embed=embed, view=view)
                return
            note = "That question is no longer in the list (taught, deleted or too old)."
        else:
            note = await self._learn(interaction, guild_id, picked)
        embed, maybe_view = await gaps_message(bot, guild_id, note)
        await interaction.response.edit_message(embed=embed, view=maybe_view)

    async def _learn(
        self, interaction: discord.Interaction[RunClubBot], guild_id: int, entry_id: str
    ) -> str:
        """Teach the question as ``entry_id``; what to tell the admin."""
        bot = interaction.client
        entry = bot.knowledge.entries.get(entry_id)
        if entry is None:
            return "That entry is no longer in the guide; pick another."
        taught = await bot.store.teach(
            guild_id=guild_id, question_id=self.question_id, entry=entry.id, at=bot.clock.now()
        )
        if taught is None:
            return "That question is no longer in the list (taught, deleted or too old)."
        bot.dispatch(LEARNED_CHANGED, guild_id)
        return (
            f"✅ Learned: {quote(taught.phrasing, 120)} → **{quote(entry.title, 120)}**. "
            "I answer it that way in this server from now on.\n"
        )


async def learned_message(
    bot: RunClubBot, guild_id: int, note: str = ""
) -> tuple[discord.Embed, discord.ui.View | None]:
    """The phrasings a server taught, newest first, with the menu that forgets one."""
    phrasings = list(reversed(await bot.store.learned_phrasings(guild_id)))[:LEARNED_SHOWN]
    titles = {e.id: e.title for e in bot.knowledge.entries.values()}
    lines = [note] if note else []
    lines += [
        f"{n}. {quote(p.phrasing, 100)} → **{quote(titles.get(p.entry, p.entry), 80)}**"
        for n, p in enumerate(phrasings, 1)
    ]
    if not phrasings:
        lines.append("Nothing yet. Teach me from /faqadmin gaps.")
    view = None
    if phrasings:
        rows = [(p.phrasing, p.id, titles.get(p.entry, p.entry)) for p in phrasings]
        view = persistent_view(
            UnlearnSelect(_numbered_select("faq:unlearn", "Forget one of these", rows))
        )
    return info_embed("What I was taught in this server", "\n".join(lines)), view


class UnlearnSelect(DynamicItem[discord.ui.Select[discord.ui.View]], template=r"faq:unlearn"):
    """The server's learned phrasings: picking one forgets it."""

    def __init__(self, select: discord.ui.Select[discord.ui.View] | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id="faq:unlearn", options=[]))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> UnlearnSelect:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "learned menu", lambda: self._forget(interaction))

    async def _forget(self, interaction: discord.Interaction[RunClubBot]) -> None:
        if not _is_admin(interaction):
            await respond(interaction, PERMISSION_TEXT)
            return
        assert interaction.guild_id is not None
        bot, guild_id = interaction.client, interaction.guild_id
        picked = self.item.values[0] if self.item.values else ""
        forgot = picked.isdigit() and await bot.store.unlearn(
            guild_id=guild_id, phrasing_id=int(picked)
        )
        if forgot:
            bot.dispatch(LEARNED_CHANGED, guild_id)
            note = "Forgotten: the question is back in /faqadmin gaps if members ask it again.\n"
        else:
            note = "That phrasing was already forgotten.\n"
        embed, view = await learned_message(bot, guild_id, note)
        await interaction.response.edit_message(embed=embed, view=view)


DYNAMIC_ITEMS: tuple[type[DynamicItem[Any]], ...] = (GapSelect, TeachSelect, UnlearnSelect)
