"""The FAQ's persistent buttons and selects, and the messages that carry them.

Each component is a DynamicItem whose state lives in its custom_id, so it keeps working
after a restart without any view being stored: suggestions to pick, Helpful / Not helpful
under an answer, and the /faq browser's topic and question menus.

discord.py declares its handlers (callback, from_custom_id) for an interaction of any client,
so they take ``discord.Interaction[Any]``; what they call takes ``Interaction[RunClubBot]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord.ui import DynamicItem

from bot.core.knowledge import TOPICS, FaqEntry, Knowledge
from bot.core.replies import Reply, answer_reply
from bot.store import Vote
from bot.ui.render import COLOURS, FAQ_HINT, persistent_view, reply_embed
from bot.ui.respond import guarded, respond
from bot.ui.text import BUTTON_LABEL_MAX, OPTION_LABEL_MAX, cut, fit

if TYPE_CHECKING:
    from bot.app import RunClubBot


def reply_message(
    reply: Reply, knowledge: Knowledge
) -> tuple[discord.Embed, discord.ui.View | None]:
    """A reply as a message: its embed, and the buttons that go under it."""
    return reply_embed(reply, knowledge), reply_view(reply)


def reply_view(reply: Reply) -> discord.ui.View | None:
    """Feedback buttons under an answer, pick buttons under suggestions, nothing otherwise."""
    if reply.kind == "answer" and reply.entry_id:
        return persistent_view(
            FeedbackButton(reply.entry_id, helpful=True),
            FeedbackButton(reply.entry_id, helpful=False),
        )
    if reply.kind == "suggest" and reply.suggestions:
        return persistent_view(*(PickButton(e) for e in reply.suggestions[:3]))
    return None


def answer_message(
    entry: FaqEntry, knowledge: Knowledge
) -> tuple[discord.Embed, discord.ui.View | None]:
    return reply_message(answer_reply(entry, knowledge), knowledge)


def browse_message(
    knowledge: Knowledge, topic: str | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    """The /faq browser: a topic select, and once a topic is picked, a select of its entries."""
    counts = {t: 0 for t in TOPICS}
    for entry in knowledge.entries.values():
        counts[entry.topic] = counts.get(entry.topic, 0) + 1
    if topic is None or topic not in TOPICS:
        lines = [f"**{TOPICS[t]}** ({n} questions)" for t, n in counts.items()]
        embed = discord.Embed(
            title="Upper back soreness: the club's FAQ",
            description="Pick a topic, then a question.\n\n" + "\n".join(lines),
            colour=COLOURS["info"],
        )
        return fit(embed), persistent_view(TopicSelect.build(counts, None))
    entries = [e for e in knowledge.entries.values() if e.topic == topic]
    embed = discord.Embed(
        title=f"FAQ: {TOPICS[topic]}",
        description="\n".join(f"{n}. {e.title}" for n, e in enumerate(entries, 1))
        or "No questions under this topic yet.",
        colour=COLOURS["info"],
    )
    items: list[discord.ui.Item[Any]] = [TopicSelect.build(counts, topic)]
    if entries:
        items.append(EntrySelect.build(entries))
    return fit(embed), persistent_view(*items)


async def answer_privately(interaction: discord.Interaction[RunClubBot], entry_id: str) -> None:
    """Answer one FAQ entry to whoever interacted, with the feedback buttons."""
    knowledge = interaction.client.knowledge
    entry = knowledge.entries.get(entry_id)
    if entry is None:
        await respond(interaction, f"That question is no longer in the guide. {FAQ_HINT}")
        return
    embed, view = answer_message(entry, knowledge)
    await respond(interaction, embed=embed, view=view)


class PickButton(
    DynamicItem[discord.ui.Button[discord.ui.View]], template=r"faq:pick:(?P<entry>[a-z0-9-]{1,80})"
):
    """A suggestion: clicking it answers that entry, privately to whoever clicked."""

    def __init__(self, entry: FaqEntry | str, label: str | None = None) -> None:
        entry_id = entry if isinstance(entry, str) else entry.id
        label = label or (entry if isinstance(entry, str) else entry.title)
        super().__init__(
            discord.ui.Button(
                label=cut(label, BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.primary,
                custom_id=f"faq:pick:{entry_id}",
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PickButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["entry"], label=label or match["entry"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(
            interaction, "suggestion button", lambda: answer_privately(interaction, self.entry_id)
        )


class FeedbackButton(
    DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"faq:fb:(?P<vote>up|down):(?P<entry>[a-z0-9-]{1,80})",
):
    """Helpful / Not helpful under an answer: one vote per member and answer message, which
    the other button switches."""

    def __init__(self, entry_id: str, *, helpful: bool) -> None:
        vote = "up" if helpful else "down"
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Not helpful",
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"faq:fb:{vote}:{entry_id}",
            )
        )
        self.entry_id = entry_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FeedbackButton:
        return cls(match["entry"], helpful=match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "feedback button", lambda: self._record(interaction))

    async def _record(self, interaction: discord.Interaction[RunClubBot]) -> None:
        bot = interaction.client
        message_id = interaction.message.id if interaction.message else interaction.id
        vote = await bot.store.record_feedback(
            message_id=message_id,
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            entry=self.entry_id,
            helpful=self.helpful,
            at=bot.clock.now(),
        )
        await respond(interaction, vote_text(vote, helpful=self.helpful))


def vote_text(vote: Vote, *, helpful: bool) -> str:
    """What a member is told after pressing Helpful or Not helpful."""
    rating = "👍 Helpful" if helpful else "👎 Not helpful"
    if vote is Vote.RECORDED:
        return "Thanks, noted! Your feedback helps the club improve the guide."
    if vote is Vote.CHANGED:
        return f"Changed: your rating of this answer is now {rating}. Thanks!"
    other = "👎 Not helpful" if helpful else "👍 Helpful"
    return f"You already rated this answer {rating}; press {other} to change it."


class TopicSelect(DynamicItem[discord.ui.Select[discord.ui.View]], template=r"faq:topic"):
    """The /faq topic menu: picking a topic shows its questions."""

    def __init__(self, select: discord.ui.Select[discord.ui.View] | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id="faq:topic", options=[]))

    @classmethod
    def build(cls, counts: dict[str, int], selected: str | None) -> TopicSelect:
        options = [
            discord.SelectOption(
                label=cut(TOPICS[t], OPTION_LABEL_MAX),
                value=t,
                description=f"{n} questions",
                default=t == selected,
            )
            for t, n in counts.items()
            if t in TOPICS
        ]
        return cls(
            discord.ui.Select(custom_id="faq:topic", placeholder="Pick a topic", options=options)
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TopicSelect:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "topic menu", lambda: self._show(interaction))

    async def _show(self, interaction: discord.Interaction[RunClubBot]) -> None:
        topic = self.item.values[0] if self.item.values else None
        embed, view = browse_message(interaction.client.knowledge, topic)
        await interaction.response.edit_message(embed=embed, view=view)


class EntrySelect(DynamicItem[discord.ui.Select[discord.ui.View]], template=r"faq:entry"):
    """The /faq question menu: picking a question answers it."""

    def __init__(self, select: discord.ui.Select[discord.ui.View] | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id="faq:entry", options=[]))

    @classmethod
    def build(cls, entries: Sequence[FaqEntry]) -> EntrySelect:
        options = [
            discord.SelectOption(label=cut(e.title, OPTION_LABEL_MAX), value=e.id)
            for e in entries[:25]
        ]
        return cls(
            discord.ui.Select(custom_id="faq:entry", placeholder="Pick a question", options=options)
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> EntrySelect:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, "question menu", lambda: self._answer(interaction))

    async def _answer(self, interaction: discord.Interaction[RunClubBot]) -> None:
        await answer_privately(interaction, self.item.values[0] if self.item.values else "")


DYNAMIC_ITEMS: tuple[type[DynamicItem[Any]], ...] = (
    PickButton,
    FeedbackButton,
    TopicSelect,
    EntrySelect,
)
