"""Server admin commands and /forgetme.

/config channels add|remove|list chooses where the bot answers by itself. /faqadmin gaps
shows this server's unanswered questions and teaches the bot their answers, learned lists
(and forgets) what it was taught here, stats gives this server's figures, and reload swaps in
an edited knowledge/. All of them need Manage Server, both as Discord's default permission
and checked here (discord.py's has_permissions), and work in servers only. /forgetme lets any
member delete everything the bot stores about them, in every server.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RunClubBot, settle_heap
from bot.core.knowledge import KnowledgeError, load_knowledge, removals
from bot.core.matching import Matcher
from bot.ui.reminder_buttons import SUBSCRIPTIONS_CHANGED
from bot.ui.render import info_embed
from bot.ui.respond import respond
from bot.ui.teach import DYNAMIC_ITEMS, WINDOW, gaps_message, learned_message
from bot.ui.text import fit, quote

if TYPE_CHECKING:
    from bot.cogs.faq.cog import FAQ

log = logging.getLogger(__name__)

MANAGE_SERVER = discord.Permissions(manage_guild=True)
REFUSED = "Reload refused: the running knowledge is kept"


class ServerGroup(app_commands.Group):
    """A command group that only works in a server: Discord hides it from DMs, and a DM
    that reaches the bot anyway is refused here."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        return True


class Admin(commands.Cog):
    """Channel settings, knowledge gaps, statistics, reload, and /forgetme."""

    config = ServerGroup(
        name="config",
        description="Bot settings for this server",
        guild_only=True,
        default_permissions=MANAGE_SERVER,
    )
    channels = ServerGroup(
        name="channels", description="Channels where the bot answers by itself", parent=config
    )
    faqadmin = ServerGroup(
        name="faqadmin",
        description="What members ask, and the knowledge base",
        guild_only=True,
        default_permissions=MANAGE_SERVER,
    )

    def __init__(self, bot: RunClubBot) -> None:
        self.bot = bot

    def _faq(self) -> FAQ | None:
        # typed only: each bot loads its own copy of an extension's module, so no isinstance
        return cast("FAQ | None", self.bot.get_cog("FAQ"))

    async def _flush_questions(self) -> None:
        if (faq := self._faq()) is not None:
            await faq.flush_questions()

    # -- /config channels ---------------------------------------------------------------------

    @channels.command(name="add", description="Answer questions in a channel (default: this one)")
    @app_commands.describe(channel="The channel (default: this one)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def channels_add(
        self,
        interaction: discord.Interaction[RunClubBot],
        channel: discord.TextChannel | None = None,
    ) -> None:
        await self._set_channel(interaction, channel, enabled=True)

    @channels.command(name="remove", description="Stop answering by myself in a channel")
    @app_commands.describe(channel="The channel (default: this one)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def channels_remove(
        self,
        interaction: discord.Interaction[RunClubBot],
        channel: discord.TextChannel | None = None,
    ) -> None:
        await self._set_channel(interaction, channel, enabled=False)

    async def _set_channel(
        self,
        interaction: discord.Interaction[RunClubBot],
        channel: discord.TextChannel | None,
        *,
        enabled: bool,
    ) -> None:
        """Enable or disable a channel (default: this one) and say what changed."""
        channel_id = channel.id if channel else interaction.channel_id
        guild_id = interaction.guild_id
        assert guild_id is not None and channel_id is not None
        store = self.bot.store
        if enabled:
            changed = await store.enable_channel(guild_id, channel_id)
            done = f"I'll answer questions about upper back soreness in <#{channel_id}>."
            unchanged = f"<#{channel_id}> is already enabled."
        else:
            changed = await store.disable_channel(guild_id, channel_id)
            done = f"I'll stay quiet in <#{channel_id}> unless someone mentions me."
            unchanged = f"<#{channel_id}> was not enabled."
        if (faq := self._faq()) is not None:
            faq.channels_changed(guild_id)
        await respond(interaction, done if changed else unchanged)

    @channels.command(name="list", description="The channels where I answer by myself")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def channels_list(self, interaction: discord.Interaction[RunClubBot]) -> None:
        assert interaction.guild_id is not None
        ids = await self.bot.store.enabled_channels(interaction.guild_id)
        body = (
            "\n".join(f"• <#{i}>" for i in ids)
            if ids
            else "None yet. Add one with /config channels add."
        )
        await respond(interaction, embed=info_embed("Channels I answer in", body))

    # -- /faqadmin --------------------------------------------------------------------------------

    @faqadmin.command(name="gaps", description="Unanswered questions, and teach me their answers")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def gaps(self, interaction: discord.Interaction[RunClubBot]) -> None:
        await self._flush_questions()
        assert interaction.guild_id is not None  # ServerGroup: servers only
        embed, view = await gaps_message(self.bot, interaction.guild_id)
        await respond(interaction, embed=embed, view=view)

    @faqadmin.command(name="learned", description="What I was taught here; forget a phrasing")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def learned(self, interaction: discord.Interaction[RunClubBot]) -> None:
        assert interaction.guild_id is not None  # ServerGroup: servers only
        embed, view = await learned_message(self.bot, interaction.guild_id)
        await respond(interaction, embed=embed, view=view)

    @faqadmin.command(name="stats", description="Questions answered, helpful rate, top entries")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def stats(self, interaction: discord.Interaction[RunClubBot]) -> None:
        await self._flush_questions()
        assert interaction.guild_id is not None  # ServerGroup: servers only
        s = await self.bot.store.stats(
            guild_id=interaction.guild_id, since=self.bot.clock.now() - WINDOW
        )
        votes = s.helpful + s.not_helpful
        rate = f"{100 * s.helpful / votes:.0f}% of {votes} ratings" if votes else "no ratings yet"
        titles = {e.id: e.title for e in self.bot.knowledge.entries.values()}
        top = "\n".join(
            f"{n}. {titles.get(entry, entry)} ({count})"
            for n, (entry, count) in enumerate(s.top_entries, 1)
        )
        embed = info_embed(
            "FAQ statistics, last 30 days",
            f"**Questions asked:** {s.questions}\n**Answered directly:** {s.answered}\n"
            f"**Helpful:** {rate}\n**Learned phrasings:** {s.learned_phrasings} taught here, "
            f"{s.answered_learned} questions answered through them",
        )
        embed.add_field(name="Most answered", value=top or "Nothing yet.", inline=False)
        await respond(interaction, embed=fit(embed))

    @faqadmin.command(name="reload", description="Re-read knowledge/ (keeps the old one on error)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def reload(self, interaction: discord.Interaction[RunClubBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        source = self.bot.settings.knowledge_dir
        try:
            knowledge = await asyncio.to_thread(load_knowledge, source)
            matcher = await asyncio.to_thread(Matcher, knowledge)
        except KnowledgeError as exc:
            log.warning("reload of %s refused:\n%s", source, exc)
            body = "\n".join(f"• {quote(p, 300)}" for p in exc.problems)
            await respond(interaction, embed=info_embed(REFUSED, body))
            return
        lost = removals(self.bot.knowledge, knowledge)
        if lost:
            log.warning("reload of %s refused: it would remove %s", source, ", ".join(lost))
            body = (
                "It would remove "
                + ", ".join(quote(x, 100) for x in lost[:10])
                + (f" and {len(lost) - 10} more" if len(lost) > 10 else "")
                + ". A reload never takes red flags, entries or exercises away; to retire"
                " them on purpose, run `python -m bot check` and restart the bot."
            )
            await respond(interaction, embed=info_embed(REFUSED, body))
            return
        self.bot.knowledge, self.bot.matcher = knowledge, matcher
        settle_heap()
        log.info("knowledge reloaded from %s: %d entries", source, len(knowledge.entries))
        entries, exercises = len(knowledge.entries), len(knowledge.exercises)
        await respond(interaction, f"Reloaded: {entries} FAQ entries, {exercises} exercises.")

    # -- /forgetme --------------------------------------------------------------------------------

    @app_commands.command(name="forgetme", description="Delete everything the bot stores about you")
    async def forgetme(self, interaction: discord.Interaction[RunClubBot]) -> None:
        await self._flush_questions()
        counts = await self.bot.store.forget_member(interaction.user.id)
        if (faq := self._faq()) is not None:
            faq.forget_member(interaction.user.id)
        self.bot.dispatch(SUBSCRIPTIONS_CHANGED)  # the next due time may have been this member's
        total = sum(counts.values())
        text = (
            "Done: I deleted everything I had stored about you "
            f"({total} records, reminders included)."
            if total
            else "I had nothing stored about you."
        )
        await respond(interaction, text)


async def setup(bot: RunClubBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Admin(bot))
