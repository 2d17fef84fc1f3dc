"""The FAQ features: answers in enabled channels, to mentions and DMs, and the slash commands.

/ask, /faq, /stretches, /core, /disclaimer and /help. Everything is rendered by bot.ui;
every message allows no mentions at all, and member text is never echoed unescaped.

Asked questions are logged in batches by one writer task. A batch the store cannot take (a
full disk, a busy file) is kept and tried again with a backoff, so the gaps report loses
nothing; only a database that can no longer be used at all, or a stop while the fault
lasts, ends with the batch dropped, and that is logged as an error with the count.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from datetime import datetime, timedelta
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RunClubBot
from bot.core.cooldowns import Cooldowns
from bot.core.knowledge import FaqEntry, Knowledge
from bot.core.matching import Decision, Matcher, Mode
from bot.core.replies import decision_reply, disclaimer_reply, help_reply
from bot.store import QuestionRecord
from bot.store.faults import DatabaseUnusable, DiskFull, StoreError
from bot.ui.faq_items import DYNAMIC_ITEMS, browse_message, reply_message
from bot.ui.render import reply_embed
from bot.ui.respond import NO_MENTIONS, respond
from bot.ui.routine_pages import send_routine
from bot.ui.text import CHOICE_NAME_MAX, cut

log = logging.getLogger(__name__)

# Only these message types are members talking; joins, pins, boosts... are system messages.
MEMBER_MESSAGES = (discord.MessageType.default, discord.MessageType.reply)
# Kinds whose question text is kept (30 days) so admins can see what the guide lacks.
GAP_KINDS = ("none", "suggest")
QUESTION_RETENTION = timedelta(days=30)
QUESTION_BATCH_S = 0.2  # asked questions are written to the store at most this often
QUESTION_RETRY_S = (0.5, 60.0)  # a batch the store refused: first retry, then doubling to this
EMPTY_MENTION_TEXT = (
    "Hi! Ask me about upper back soreness from running, for example "
    "*why does my upper back hurt after a run?* You can also use /ask or browse with /faq."
)


class FAQ(commands.Cog):
    """Answers from the guide, in channels and by slash command."""

    def __init__(self, bot: RunClubBot) -> None:
        self.bot = bot
        settings = bot.settings
        self.cooldowns = Cooldowns(
            bot.clock, settings.member_cooldown_s, settings.channel_cooldown_s
        )
        self._channels: dict[int, asyncio.Future[list[int]]] = {}
        self._pending: list[QuestionRecord] = []
        self._writer: asyncio.Task[None] | None = None
        self._flush_now = asyncio.Event()
        self._pruned_at: datetime | None = None
        self._closing = False
        self.question_log_failures = 0  # batches the store refused (kept and retried)
        self._attempted = asyncio.Event()  # replaced after each write attempt
        self._last_refused = False

    async def cog_load(self) -> None:
        await self.prune()

    async def cog_unload(self) -> None:
        # the bot let running handlers finish before unloading (RunClubBot.close)
        self._closing = True
        await self.flush_questions()

    @property
    def knowledge(self) -> Knowledge:
        return self.bot.knowledge

    @property
    def matcher(self) -> Matcher:
        return self.bot.matcher

    # -- channel messages, mentions and DMs ------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        try:
            await self._handle_message(message)
        except Exception:
            log.exception("answering message %s failed", message.id)

    async def _handle_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if (
            me is None
            or message.author.bot
            or message.webhook_id is not None
            or message.author.id == me.id
            or message.type not in MEMBER_MESSAGES
        ):
            return
        mention = re.compile(rf"<@!?{me.id}>")
        mentioned = any(u.id == me.id for u in message.mentions) or bool(
            mention.search(message.content)
        )
        mode: Mode
        if message.guild is None or mentioned:
            mode = "ask"
            question = mention.sub(" ", message.content).strip()
        elif await self._enabled(message):
            mode = "channel"
            question = message.content
        else:
            return
        if mode == "ask" and not question.strip(" \u200b"):
            # a bare mention gets a hint; an attachment or sticker alone gets silence
            if mentioned and self.cooldowns.try_acquire(message.author.id, message.channel.id):
                await self._reply(message, content=EMPTY_MENTION_TEXT)
            return
        asked_at = self.bot.clock.now()
        decision = self.matcher.match(question, mode)
        if mode == "channel" and decision.kind == "none":
            return
        if decision.kind == "urgent":
            self.cooldowns.hit(message.author.id, message.channel.id)
        elif not self.cooldowns.try_acquire(message.author.id, message.channel.id):
            return
        embed, view = reply_message(decision_reply(decision, self.knowledge), self.knowledge)
        if await self._reply(message, embed=embed, view=view):
            self._log(decision, question, message.guild, message.author.id, asked_at)

    async def _enabled(self, message: discord.Message) -> bool:
        if message.guild is None:
            return False
        enabled = await self.enabled_channels(message.guild.id)
        channel = message.channel
        if channel.id in enabled:
            return True
        parent_id = getattr(channel, "parent_id", None)
        return isinstance(channel, discord.Thread) and parent_id in enabled

    async def enabled_channels(self, guild_id: int) -> frozenset[int]:
        """A guild's enabled channels, read from the store once and then kept in memory."""
        pending = self._channels.get(guild_id)
        if pending is None:
            pending = asyncio.ensure_future(self.bot.store.enabled_channels(guild_id))
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

    async def _reply(self, message: discord.Message, **kwargs: Any) -> bool:
        """Reply to a member's message; False when Discord refused it."""
        if kwargs.get("view") is None:
            kwargs.pop("view", None)
        try:
            await message.channel.send(
                reference=message.to_reference(fail_if_not_exists=False),
                allowed_mentions=NO_MENTIONS,
                **kwargs,
            )
        except discord.Forbidden as exc:
            # no permission to speak there: an admin's setup choice, not a bot failure
            log.warning("may not reply in channel %s: %s", message.channel.id, exc.text)
            return False
        except discord.HTTPException as exc:
            log.warning("reply in channel %s failed: %s %s", message.channel.id, exc.status, exc)
            return False
        return True

    def _log(
        self,
        decision: Decision,
        question: str,
        guild: discord.Guild | None,
        user_id: int,
        at: datetime,
    ) -> None:
        """Count the question for /faqadmin; keep its text only when the guide fell short.

        Questions are written in batches by one writer task, off the reply's path.
        """
        self._pending.append(
            QuestionRecord(
                guild_id=guild.id if guild else None,
                user_id=user_id,
                question=question if decision.kind in GAP_KINDS else "",
                kind=decision.kind,
                entry=decision.entry,
                at=at,
            )
        )
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_questions(), name="faq-question-log")

    async def _write_questions(self) -> None:
        # gather a batch first: one transaction for many questions keeps the store quiet
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._flush_now.wait(), QUESTION_BATCH_S)
        self._flush_now.clear()
        delay = QUESTION_RETRY_S[0]
        while self._pending:
            rows, self._pending = self._pending, []
            try:
                await self.bot.store.log_questions(rows)
                self._attempt_over(refused=False)
            except (DiskFull, sqlite3.OperationalError) as exc:
                self._pending[:0] = rows  # kept, oldest first, with any asked meanwhile
                self.question_log_failures += 1
                self._attempt_over(refused=True)
                if self._closing:
                    self._drop_pending(f"stopping while the store refuses them ({exc})")
                    return
                log.warning(
                    "could not store %d asked questions (%s); kept, next try in %.1f s",
                    len(self._pending),
                    exc,
                    delay,
                )
                with contextlib.suppress(TimeoutError):  # a flush tries again at once
                    await asyncio.wait_for(self._flush_now.wait(), delay)
                self._flush_now.clear()
                delay = min(delay * 2, QUESTION_RETRY_S[1])
                continue
            except DatabaseUnusable as exc:
                self._pending[:0] = rows
                self._drop_pending(exc.problem)  # the bot is stopping; nowhere to keep them
                return
            except Exception:
                log.exception("logging %d questions failed", len(rows))
            delay = QUESTION_RETRY_S[0]
        await self.prune()

    def _attempt_over(self, *, refused: bool) -> None:
        self._last_refused = refused
        event, self._attempted = self._attempted, asyncio.Event()
        event.set()

    def _drop_pending(self, why: str) -> None:
        log.error("%d asked questions were not stored: %s", len(self._pending), why)
        self._pending = []

    async def prune(self) -> None:
        """Forget asked questions older than 30 days (checked at most once a day)."""
        now = self.bot.clock.now()
        if self._pruned_at is not None and now - self._pruned_at < timedelta(days=1):
            return
        self._pruned_at = now
        try:
            await self.bot.store.prune(now - QUESTION_RETENTION)
        except StoreError as exc:
            log.warning("pruning old questions failed: %s", exc)
        except Exception:
            log.exception("pruning old questions failed")

    async def flush_questions(self) -> bool:
        """Write the questions asked so far now. True once all are in the store; False if the
        store refused them (they stay queued, and the writer keeps trying)."""
        self._flush_now.set()
        while self._writer is not None and not self._writer.done():
            attempted = asyncio.ensure_future(self._attempted.wait())
            try:
                await asyncio.wait({self._writer, attempted}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                attempted.cancel()
            if attempted.done() and self._last_refused:
                return False
        return not self._pending

    # -- slash commands ---------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question about upper back soreness")
    @app_commands.describe(question="Your question, in your own words")
    async def ask(self, interaction: discord.Interaction[RunClubBot], question: str) -> None:
        asked_at = self.bot.clock.now()  # not after the reply: the clock may move meanwhile
        entry = self._entry_by_choice(question)
        if entry is not None:
            decision = Decision("answer", entry.id, 100.0)
        else:
            decision = self.matcher.match(question, "ask")
        embed, view = reply_message(decision_reply(decision, self.knowledge), self.knowledge)
        await interaction.response.send_message(
            embed=embed,
            allowed_mentions=NO_MENTIONS,
            view=view if view is not None else discord.utils.MISSING,
        )
        self._log(decision, question, interaction.guild, interaction.user.id, asked_at)

    @ask.autocomplete("question")
    async def ask_complete(
        self, interaction: discord.Interaction[RunClubBot], current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            entries = self.matcher.complete(current, limit=25)
        except Exception:
            log.exception("autocomplete failed for %r", current[:100])
            return []
        return [
            app_commands.Choice(name=choice, value=choice)
            for choice in dict.fromkeys(cut(e.title, CHOICE_NAME_MAX) for e in entries)
        ][:25]

    def _entry_by_choice(self, question: str) -> FaqEntry | None:
        """The entry whose title the member picked from the autocomplete list, if they did."""
        wanted = question.strip().casefold()
        for entry in self.knowledge.entries.values():
            if cut(entry.title, CHOICE_NAME_MAX).casefold() == wanted:
                return entry
        return None

    @app_commands.command(name="faq", description="Browse the club's FAQ by topic")
    async def faq(self, interaction: discord.Interaction[RunClubBot]) -> None:
        embed, view = browse_message(self.knowledge)
        await respond(interaction, embed=embed, view=view)

    @app_commands.command(name="stretches", description="Stretches for before or after a run")
    @app_commands.describe(when="before: dynamic warm-up stretches; after: static cool-down ones")
    async def stretches(
        self,
        interaction: discord.Interaction[RunClubBot],
        when: Literal["before", "after"] | None = None,
    ) -> None:
        await send_routine(interaction, "stretches", when)

    @app_commands.command(name="core", description="Core exercises that support your upper back")
    async def core(self, interaction: discord.Interaction[RunClubBot]) -> None:
        await send_routine(interaction, "core")

    @app_commands.command(name="disclaimer", description="What the bot's answers are, and are not")
    async def disclaimer(self, interaction: discord.Interaction[RunClubBot]) -> None:
        reply = disclaimer_reply(self.knowledge)
        await respond(interaction, embed=reply_embed(reply))

    @app_commands.command(name="help", description="What the bot can do")
    async def help(self, interaction: discord.Interaction[RunClubBot]) -> None:
        reply = help_reply(self.knowledge)
        await respond(interaction, embed=reply_embed(reply))


async def setup(bot: RunClubBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(FAQ(bot))
