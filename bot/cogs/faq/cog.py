"""The FAQ cog: answers in enabled channels, to mentions, replies and DMs, and the slash
commands /ask, /faq, /stretches, /core, /disclaimer and /help.

Messages become plain ``Asked`` data for bot.cogs.faq.asking, which decides; this cog posts
the result. Everything is rendered by bot.ui; every message allows no mentions at all, and
member text is never echoed unescaped. Answered questions go to the question log
(bot.cogs.faq.questionlog) with their server.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RunClubBot
from bot.cogs.faq.asking import SLOW_DOWN_TEXT, Asked, Asking, How, Outcome
from bot.cogs.faq.questionlog import QuestionLog
from bot.core.cooldowns import Cooldowns, DirectAsks
from bot.core.knowledge import FaqEntry, Knowledge
from bot.core.matching import Decision, Matcher
from bot.core.replies import decision_reply, disclaimer_reply, help_reply
from bot.ui.faq_items import browse_message, reply_message
from bot.ui.render import reply_embed
from bot.ui.respond import NO_MENTIONS, respond
from bot.ui.routine_pages import send_routine
from bot.ui.text import CHOICE_NAME_MAX, cut

log = logging.getLogger(__name__)

# Only these message types are members talking; joins, pins, boosts... are system messages.
MEMBER_MESSAGES = (discord.MessageType.default, discord.MessageType.reply)


class FAQ(commands.Cog):
    """Answers from the guide, in channels and by slash command."""

    def __init__(self, bot: RunClubBot) -> None:
        self.bot = bot
        settings = bot.settings
        self.asking = Asking(
            bot.store,
            Cooldowns(bot.clock, settings.member_cooldown_s, settings.channel_cooldown_s),
            DirectAsks(bot.clock, settings.direct_asks_per_minute),
            lambda: bot.matcher,
        )
        self.questions = QuestionLog(bot.store, bot.clock)

    async def cog_load(self) -> None:
        await self.questions.prune()

    async def cog_unload(self) -> None:
        # the bot let running handlers finish before unloading (RunClubBot.close)
        self.questions.closing = True
        await self.questions.flush()

    @property
    def knowledge(self) -> Knowledge:
        return self.bot.knowledge

    @property
    def matcher(self) -> Matcher:
        return self.bot.matcher

    @property
    def question_log_failures(self) -> int:
        return self.questions.failures

    async def flush_questions(self) -> bool:
        """Write the questions asked so far now (see QuestionLog.flush)."""
        return await self.questions.flush()

    def channels_changed(self, guild_id: int) -> None:
        self.asking.channels_changed(guild_id)

    @commands.Cog.listener()
    async def on_learned_changed(self, guild_id: int) -> None:
        self.asking.learned_changed(guild_id)

    def forget_member(self, member_id: int) -> None:
        self.asking.forget_member(member_id)

    # -- channel messages, mentions, replies and DMs -------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        try:
            await self._handle_message(message)
        except Exception:
            log.exception("answering message %s failed", message.id)

    async def _handle_message(self, message: discord.Message) -> None:
        me = self.bot.user
        skip = _not_a_member(message, me)
        if skip or me is None:
            log.debug("skipped message %s: %s", message.id, skip or "not logged in")
            return
        how, text = _read(message, me)
        asked = Asked(
            member_id=message.author.id,
            guild_id=message.guild.id if message.guild else None,
            channel_id=message.channel.id,
            text=text,
            how=how,
            parent_id=getattr(message.channel, "parent_id", None),
        )
        asked_at = self.bot.clock.now()
        outcome = await self.asking.consider(asked)
        if outcome.silent:
            log.debug(
                "skipped message %s from %s in %s (%s): %s",
                message.id,
                asked.member_id,
                asked.channel_id,
                how,
                outcome.reason,
            )
            return
        if await self._post(message, outcome):
            self.answered(outcome, asked, asked_at)

    def answered(self, outcome: Outcome, asked: Asked, at: datetime) -> None:
        """A reply was posted: log its question for /faqadmin."""
        if outcome.decision is not None:
            self.questions.add(outcome.decision, asked.text, asked.guild_id, asked.member_id, at)

    async def _post(self, message: discord.Message, outcome: Outcome) -> bool:
        """Reply to a member's message; False when Discord refused it."""
        kwargs: dict[str, Any] = {}
        if outcome.reply is not None:
            embed, view = reply_message(outcome.reply, self.knowledge)
            kwargs["embed"] = embed
            if view is not None:
                kwargs["view"] = view
        else:
            kwargs["content"] = outcome.text
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

    # -- slash commands ---------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question about upper back soreness")
    @app_commands.describe(
        question="Your question, in your own words",
        private="Only you see the answer (default). Choose False to answer in the channel.",
    )
    async def ask(
        self,
        interaction: discord.Interaction[RunClubBot],
        question: app_commands.Range[str, 1, 4000],
        private: bool = True,
    ) -> None:
        asked_at = self.bot.clock.now()  # not after the reply: the clock may move meanwhile
        verdict = self.asking.direct.take(interaction.user.id)
        if verdict != "reply":
            # an interaction must be answered: privately, and only the slow-down
            log.debug("/ask by %s: over the direct-ask limit", interaction.user.id)
            await respond(interaction, SLOW_DOWN_TEXT)
            return
        entry = self._entry_by_choice(question)
        if entry is not None:
            decision = Decision("answer", entry.id, 100.0)
        else:
            decision = await self.asking.decide(question, "ask", interaction.guild_id)
        embed, view = reply_message(decision_reply(decision, self.knowledge), self.knowledge)
        await interaction.response.send_message(
            embed=embed,
            allowed_mentions=NO_MENTIONS,
            view=view if view is not None else discord.utils.MISSING,
            ephemeral=private,
        )
        self.questions.add(decision, question, interaction.guild_id, interaction.user.id, asked_at)

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


def _not_a_member(message: discord.Message, me: discord.ClientUser | None) -> str:
    """Why a message is not a member talking (empty when it is)."""
    if me is not None and message.author.id == me.id:
        return "my own"
    if message.author.bot:
        return "from a bot"
    if message.webhook_id is not None:
        return "from a webhook"
    if message.type not in MEMBER_MESSAGES:
        return f"a system message ({message.type.name})"
    return ""


def _read(message: discord.Message, me: discord.ClientUser) -> tuple[How, str]:
    """How the bot was asked (or "channel" when it was not), and the text without its
    mention."""
    mention = re.compile(rf"<@!?{me.id}>")
    if message.guild is None:
        return "dm", message.content.strip()
    if any(u.id == me.id for u in message.mentions) or mention.search(message.content):
        return "mention", mention.sub(" ", message.content).strip()
    if _replies_to(message, me):
        return "reply", message.content.strip()
    return "channel", message.content


def _replies_to(message: discord.Message, me: discord.ClientUser) -> bool:
    """The message replies to one of the bot's (even with the reply's ping turned off)."""
    ref = message.reference
    if ref is None or ref.message_id is None:
        return False
    target = ref.resolved if isinstance(ref.resolved, discord.Message) else ref.cached_message
    return target is not None and target.author.id == me.id
