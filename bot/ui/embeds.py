"""Discord rendering: Reply -> embed, the buttons and selects that go with it, safe text.

Everything a member sees from the FAQ features is built here, cut to Discord's limits and
with member text defused. The components are DynamicItems whose state lives in their
custom_id, so they keep working after a restart without any view being stored.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord
from discord.ui import DynamicItem

from bot.core.knowledge import TOPICS, FaqEntry, Knowledge
from bot.core.replies import Reply, answer_reply
from bot.store.faults import DiskFull, StoreError

log = logging.getLogger(__name__)

# Discord limits
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

NO_MENTIONS = discord.AllowedMentions.none()

COLOURS: dict[str, discord.Colour] = {
    "answer": discord.Colour.green(),
    "suggest": discord.Colour.gold(),
    "none": discord.Colour.light_grey(),
    "urgent": discord.Colour.red(),
    "routine": discord.Colour.teal(),
    "info": discord.Colour.blurple(),
}
DISCLAIMER_FIELD = "Please note"
ERROR_TEXT = "Sorry, something went wrong on my side. Please try again in a moment."
DISK_FULL_TEXT = "Sorry, I couldn't save that: my storage is full. Please try again later."
FAQ_HINT = "Browse everything the guide covers with /faq."

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
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
    text = _CONTROL.sub(" ", _ZERO_WIDTH.sub("", text))
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
        embed.set_footer(text=f"Matched FAQ: {entry.title} · Guide section: {entry.section}")
    return fit(embed)


def reply_view(reply: Reply) -> discord.ui.View | None:
    """Feedback buttons under an answer, pick buttons under suggestions, nothing otherwise."""
    if reply.kind == "answer" and reply.entry_id:
        return feedback_view(reply.entry_id)
    if reply.kind == "suggest" and reply.suggestions:
        return suggest_view(reply.suggestions)
    return None


def render(reply: Reply, knowledge: Knowledge) -> tuple[discord.Embed, discord.ui.View | None]:
    return reply_embed(reply, knowledge), reply_view(reply)


def answer_message(
    entry: FaqEntry, knowledge: Knowledge
) -> tuple[discord.Embed, discord.ui.View | None]:
    return render(answer_reply(entry, knowledge), knowledge)


def _view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def feedback_view(entry_id: str) -> discord.ui.View:
    return _view(FeedbackButton(entry_id, helpful=True), FeedbackButton(entry_id, helpful=False))


def suggest_view(entries: Sequence[FaqEntry]) -> discord.ui.View:
    return _view(*(PickButton(e) for e in entries[:3]))


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
        return fit(embed), _view(TopicSelect.build(counts, None))
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
    return fit(embed), _view(*items)


# --- interaction helpers -------------------------------------------------------------


async def send_ephemeral(interaction: discord.Interaction, text: str = "", **kwargs: Any) -> None:
    """An ephemeral message to whoever interacted, as the response or as a followup."""
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    content = cut(text, CONTENT_MAX) if text else discord.utils.MISSING
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(content, ephemeral=True, **kwargs)


async def report_failure(
    interaction: discord.Interaction, what: str, error: BaseException | None = None
) -> None:
    """Log the traceback (of ``error``, else the current one) and tell the member briefly.

    A database fault is logged in one line instead: it says all there is to say.
    """
    exc = error if error is not None else sys.exc_info()[1]
    text = ERROR_TEXT
    if isinstance(exc, StoreError):
        log.warning("%s failed: %s", what, exc)
        if isinstance(exc, DiskFull):
            text = DISK_FULL_TEXT
    else:
        log.error("%s failed", what, exc_info=error or True)
    try:
        await send_ephemeral(interaction, text)
    except discord.HTTPException:
        log.warning("could not send the error message for %s", what)


async def guarded(
    interaction: discord.Interaction, what: str, action: Callable[[], Awaitable[None]]
) -> None:
    try:
        await action()
    except Exception:
        await report_failure(interaction, what)


async def answer_privately(interaction: discord.Interaction, entry_id: str) -> None:
    """Answer one FAQ entry to whoever interacted, with the feedback buttons."""
    knowledge: Knowledge = _bot(interaction).knowledge
    entry = knowledge.entries.get(entry_id)
    if entry is None:
        await send_ephemeral(interaction, f"That question is no longer in the guide. {FAQ_HINT}")
        return
    embed, view = answer_message(entry, knowledge)
    await send_ephemeral(interaction, embed=embed, **({"view": view} if view else {}))


def _bot(interaction: discord.Interaction) -> Any:
    """The RunClubBot behind an interaction (typed loosely: it is defined in bot.app)."""
    return interaction.client


# --- components ------------------------------------------------------------------------


class PickButton(DynamicItem[discord.ui.Button], template=r"faq:pick:(?P<entry>[a-z0-9-]{1,80})"):
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
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> PickButton:
        return cls(match["entry"], label=item.label or match["entry"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(
            interaction, "suggestion button", lambda: answer_privately(interaction, self.entry_id)
        )


class FeedbackButton(
    DynamicItem[discord.ui.Button],
    template=r"faq:fb:(?P<vote>up|down):(?P<entry>[a-z0-9-]{1,80})",
):
    """Helpful / Not helpful under an answer; counted once per member and answer message."""

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
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(match["entry"], helpful=match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "feedback button", lambda: self._record(interaction))

    async def _record(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        message_id = interaction.message.id if interaction.message else interaction.id
        first = await bot.store.record_feedback(
            message_id=message_id,
            user_id=interaction.user.id,
            entry=self.entry_id,
            helpful=self.helpful,
            at=bot.clock.now(),
        )
        if first:
            text = "Thanks, noted! Your feedback helps the club improve the guide."
        else:
            text = "You already rated this answer: already noted, thanks."
        await send_ephemeral(interaction, text)


class TopicSelect(DynamicItem[discord.ui.Select], template=r"faq:topic"):
    """The /faq topic menu: picking a topic shows its questions."""

    def __init__(self, select: discord.ui.Select | None = None) -> None:
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
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str], /
    ) -> TopicSelect:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "topic menu", lambda: self._show(interaction))

    async def _show(self, interaction: discord.Interaction) -> None:
        topic = self.item.values[0] if self.item.values else None
        embed, view = browse_message(_bot(interaction).knowledge, topic)
        await interaction.response.edit_message(embed=embed, view=view)


class EntrySelect(DynamicItem[discord.ui.Select], template=r"faq:entry"):
    """The /faq question menu: picking a question answers it."""

    def __init__(self, select: discord.ui.Select | None = None) -> None:
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
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str], /
    ) -> EntrySelect:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, "question menu", lambda: self._answer(interaction))

    async def _answer(self, interaction: discord.Interaction) -> None:
        await answer_privately(interaction, self.item.values[0] if self.item.values else "")


DYNAMIC_ITEMS: tuple[type[DynamicItem[Any]], ...] = (
    PickButton,
    FeedbackButton,
    TopicSelect,
    EntrySelect,
)
