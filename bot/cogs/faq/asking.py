"""Who gets which reply: a member's message, from Discord or the local console, as plain data.

A direct ask (a mention, a reply to the bot, a DM, /ask) is always answered, cooldowns or
not, up to the per-member flood limit (bot.core.cooldowns.DirectAsks): past it, one short
slow-down reply, then silence until the limit frees a slot. An unprompted message in an
enabled channel is answered only when it is a clear question on the topic, or a red flag,
and the member's and the channel's cooldowns allow it. Each server's learned phrasings reach
the matcher for that server's messages only; a DM has none.

``consider`` says what to post, or why to stay silent; the FAQ cog and the console each post
it their own way, so both follow the same rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.core.cooldowns import Cooldowns, DirectAsks
from bot.core.learned import LearnedIndex
from bot.core.matching import Decision, Matcher, Mode
from bot.core.replies import Reply, decision_reply
from bot.store import Store

How = Literal["channel", "mention", "reply", "dm", "slash"]
DIRECT: frozenset[How] = frozenset({"mention", "reply", "dm", "slash"})
EMPTY_MENTION_TEXT = (
    "Hi! Ask me about upper back soreness from running, for example "
    "*why does my upper back hurt after a run?* You can also use /ask or browse with /faq."
)
SLOW_DOWN_TEXT = "You're asking faster than I can keep up. Please give me a minute, then ask again."


@dataclass(frozen=True)
class Asked:
    """A member's message as the FAQ reads it. ``how``: "channel" for an unprompted message,
    else how the bot was asked; ``parent_id``: a thread's channel; ``text``: without the
    mention of the bot."""

    member_id: int
    guild_id: int | None
    channel_id: int
    text: str
    how: How
    parent_id: int | None = None

    @property
    def direct(self) -> bool:
        return self.how in DIRECT


@dataclass(frozen=True)
class Outcome:
    """What to post for a message: a reply (with the decision behind it, for the question
    log), a short text, or nothing, with the reason (logged at DEBUG)."""

    reason: str
    reply: Reply | None = None
    text: str | None = None
    decision: Decision | None = None

    @property
    def silent(self) -> bool:
        return self.reply is None and self.text is None


class Asking:
    """The FAQ's rules for replying: cooldowns, the direct-ask limit, enabled channels and
    each server's learned phrasings (both read from the store once, then kept)."""

    def __init__(
        self,
        store: Store,
        cooldowns: Cooldowns,
        direct: DirectAsks,
        matcher: Callable[[], Matcher],
    ) -> None:
        self.store = store
        self.cooldowns = cooldowns
        self.direct = direct
        self._matcher = matcher  # the running one: /faqadmin reload swaps it
        self._channels: dict[int, asyncio.Future[list[int]]] = {}
        self._learned: dict[int, tuple[Matcher, asyncio.Future[LearnedIndex]]] = {}

    @property
    def matcher(self) -> Matcher:
        return self._matcher()

    async def consider(self, asked: Asked) -> Outcome:
        """What the bot posts for this message, or why it stays silent."""
        if asked.direct:
            return await self._direct(asked)
        if asked.guild_id is None or not await self._enabled(asked):
            return Outcome("not a direct ask, in a channel not enabled")
        decision = await self.decide(asked.text, "channel", asked.guild_id)
        if decision.kind == "none":
            return Outcome("not a clear question the guide answers")
        if decision.kind == "urgent":
            self.cooldowns.hit(asked.member_id, asked.channel_id)  # red flags never wait
        elif not self.cooldowns.try_acquire(asked.member_id, asked.channel_id):
            return Outcome("member or channel cooldown")
        return self._reply(decision)

    async def _direct(self, asked: Asked) -> Outcome:
        bare = not asked.text.strip(" \u200b")
        if bare and asked.how != "mention":
            return Outcome("no text to answer (an attachment or a sticker alone)")
        verdict = self.direct.take(asked.member_id)
        if verdict == "slow_down":
            return Outcome("over the direct-ask limit: told to slow down", text=SLOW_DOWN_TEXT)
        if verdict == "silent":
            return Outcome("over the direct-ask limit, already told to slow down")
        if bare:
            return Outcome("a bare mention: the hint", text=EMPTY_MENTION_TEXT)
        return self._reply(await self.decide(asked.text, "ask", asked.guild_id))

    def _reply(self, decision: Decision) -> Outcome:
        knowledge = self.matcher.knowledge
        return Outcome(decision.kind, reply=decision_reply(decision, knowledge), decision=decision)

    async def decide(self, text: str, mode: Mode, guild_id: int | None) -> Decision:
        """The matcher's decision, with the server's learned phrasings (none for a DM)."""
        learned = await self.learned(guild_id) if guild_id is not None else None
        return self.matcher.match(text, mode, learned or None)

    # -- what is read from the store once -----------------------------------------------

    async def _enabled(self, asked: Asked) -> bool:
        assert asked.guild_id is not None
        enabled = await self.enabled_channels(asked.guild_id)
        return asked.channel_id in enabled or (
            asked.parent_id is not None and asked.parent_id in enabled
        )

    async def enabled_channels(self, guild_id: int) -> frozenset[int]:
        """A guild's enabled channels, read from the store once and then kept in memory."""
        pending = self._channels.get(guild_id)
        if pending is None:
            pending = asyncio.ensure_future(self.store.enabled_channels(guild_id))
            self._channels[guild_id] = pending
        try:
            return frozenset(await asyncio.shield(pending))
        except Exception:
            if self._channels.get(guild_id) is pending:
                del self._channels[guild_id]
            raise

    def channels_changed(self, guild_id: int) -> None:
        """/config changed a guild's channels: read them again on the next message."""
        self._channels.pop(guild_id, None)

    async def learned(self, guild_id: int) -> LearnedIndex:
        """A guild's learned phrasings, indexed by the running matcher (built again after a
        reload or a change)."""
        matcher = self.matcher
        cached = self._learned.get(guild_id)
        if cached is not None and cached[0] is matcher:
            pending = cached[1]
            if pending.done() and not pending.exception():
                return pending.result()  # the common case: no task, no shield
        else:
            pending = asyncio.ensure_future(self._build(matcher, guild_id))
            self._learned[guild_id] = (matcher, pending)
        try:
            return await asyncio.shield(pending)
        except Exception:
            if self._learned.get(guild_id, (None, None))[1] is pending:
                del self._learned[guild_id]
            raise

    async def _build(self, matcher: Matcher, guild_id: int) -> LearnedIndex:
        phrasings = await self.store.learned_phrasings(guild_id)
        return matcher.learned((p.entry, p.phrasing) for p in phrasings)

    def learned_changed(self, guild_id: int) -> None:
        """An admin taught this guild something: index its phrasings again."""
        self._learned.pop(guild_id, None)

    def forget_member(self, member_id: int) -> None:
        """/forgetme: the member's limits go, and so may phrasings only they had asked."""
        self.cooldowns.forget_member(member_id)
        self.direct.forget_member(member_id)
        self._learned.clear()
