"""The admin cog end to end: /config channels, /faqadmin, /forgetme, and who may use them."""

from __future__ import annotations

import shutil
from datetime import time, timedelta

import pytest

from bot.app import create_bot
from bot.config import PROJECT_ROOT
from tests.helpers import (
    ICE_HEAT,
    WHY,
    assert_silent,
    embed_of,
    ephemeral_text,
    slash_ask,
    start_bot,
    stop_bot,
    with_settings,
)

MANAGE_GUILD = 1 << 5


# -- /config channels -----------------------------------------------------------------------


async def test_config_channels_add_list_remove(running_bot, double, clock):
    store, guild = running_bot.store, double.guild.id
    here, race = double.channel("running-questions"), double.channel("race-day")

    added = await double.slash(
        "config", user=double.admin, channel=here, group="channels", subcommand="add"
    )
    assert f"<#{here.id}>" in await ephemeral_text(added)
    again = await double.slash(
        "config", user=double.admin, channel=here, group="channels", subcommand="add"
    )
    assert "already" in await ephemeral_text(again)
    other = await double.slash(
        "config", {"channel": race}, user=double.admin, group="channels", subcommand="add"
    )
    assert f"<#{race.id}>" in await ephemeral_text(other)
    assert sorted(await store.enabled_channels(guild)) == sorted([here.id, race.id])

    listed = await double.slash("config", user=double.admin, group="channels", subcommand="list")
    description = (await embed_of(listed))["description"]
    assert f"<#{here.id}>" in description and f"<#{race.id}>" in description

    asked = await double.send_message(race, double.member, ICE_HEAT)
    await double.wait_for_reply(asked)

    removed = await double.slash(
        "config", {"channel": race}, user=double.admin, group="channels", subcommand="remove"
    )
    assert "quiet" in await ephemeral_text(removed)
    assert await store.enabled_channels(guild) == [here.id]
    await clock.advance(timedelta(minutes=5))
    mark = double.mark()
    await double.send_message(race, double.member, WHY)
    await assert_silent(double, mark)


@pytest.mark.parametrize(
    ("name", "group", "subcommand"),
    [
        ("config", "channels", "add"),
        ("config", "channels", "remove"),
        ("config", "channels", "list"),
        ("faqadmin", None, "gaps"),
        ("faqadmin", None, "learned"),
        ("faqadmin", None, "stats"),
        ("faqadmin", None, "reload"),
    ],
)
async def test_admin_commands_are_refused_without_manage_server(
    running_bot, double, name, group, subcommand
):
    handle = await double.slash(name, user=double.member, group=group, subcommand=subcommand)
    assert "Manage Server" in await ephemeral_text(handle)
    assert await running_bot.store.enabled_channels(double.guild.id) == []


async def test_admin_commands_in_a_dm_are_refused(running_bot, double):
    handle = await double.slash(
        "config", user=double.admin, channel="dm", group="channels", subcommand="list"
    )
    assert "server" in await ephemeral_text(handle)


async def test_admin_commands_are_registered_for_manage_server_in_servers_only(running_bot, double):
    await running_bot.tree.sync()
    commands = {c["name"]: c for c in double.commands[None]}
    for name in ("config", "faqadmin"):
        assert int(commands[name]["default_member_permissions"]) == MANAGE_GUILD
        assert commands[name]["dm_permission"] is False
    for name in ("ask", "faq", "stretches", "core", "disclaimer", "help", "forgetme"):
        assert commands[name]["default_member_permissions"] is None


# -- /faqadmin gaps and stats ---------------------------------------------------------------


async def test_gaps_lists_the_most_asked_unanswered_questions_defused(running_bot, double):
    await slash_ask(double, "what shoes should I buy?")
    await slash_ask(double, "What shoes should I buy", double.other_member)
    await slash_ask(double, "@everyone where do we park on saturday?")
    await slash_ask(double, ICE_HEAT)  # answered: not a gap
    gaps = await double.slash("faqadmin", user=double.admin, subcommand="gaps")
    description = (await embed_of(gaps))["description"]
    lines = description.splitlines()
    assert "2×" in lines[0] and "shoes" in lines[0]
    assert any("park" in line for line in lines)
    assert "@everyone" not in description
    assert "ice" not in description.lower()


async def test_gaps_when_there_are_none(running_bot, double):
    gaps = await double.slash("faqadmin", user=double.admin, subcommand="gaps")
    assert "No unanswered" in (await embed_of(gaps))["description"]


async def test_stats_count_questions_answers_ratings_and_top_entries(running_bot, double):
    k = running_bot.knowledge
    answer = await slash_ask(double, ICE_HEAT)
    await slash_ask(double, ICE_HEAT, double.other_member)
    await slash_ask(double, WHY)
    await slash_ask(double, "what shoes should I buy?")
    await (await double.click(answer, "faq:fb:up:treat-ice-heat")).response()
    await (await double.click(answer, "faq:fb:down:treat-ice-heat", double.other_member)).response()
    stats = await double.slash("faqadmin", user=double.admin, subcommand="stats")
    embed = await embed_of(stats)
    assert "**Questions asked:** 4" in embed["description"]
    assert "**Answered directly:** 3" in embed["description"]
    assert "50% of 2 ratings" in embed["description"]
    top = embed["fields"][0]["value"].splitlines()
    assert top[0] == f"1. {k.entries['treat-ice-heat'].title} (2)"


# -- /faqadmin reload -----------------------------------------------------------------------


@pytest.fixture
def knowledge_copy(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", target)
    return target


async def test_reload_keeps_running_knowledge_on_error_and_swaps_when_fixed(
    double, settings, clock, knowledge_copy
):
    bot = create_bot(with_settings(settings, knowledge_dir=knowledge_copy), clock=clock)
    task = await start_bot(bot, double)
    try:
        faq = knowledge_copy / "faq.yaml"
        good = faq.read_text(encoding="utf-8")
        old_title = bot.knowledge.entries["treat-ice-heat"].title

        faq.write_text(good + "\n  - id: [broken\n", encoding="utf-8")
        refused = await double.slash("faqadmin", user=double.admin, subcommand="reload")
        embed = await embed_of(refused)
        assert "refused" in embed["title"] and "faq.yaml" in embed["description"]
        assert (await slash_ask(double, ICE_HEAT))["embeds"][0]["title"] == old_title

        new_title = "Ice or heat, which one helps a sore upper back?"
        assert f"title: {old_title}" in good
        faq.write_text(good.replace(f"title: {old_title}", f"title: {new_title}"), "utf-8")
        reloaded = await double.slash("faqadmin", user=double.admin, subcommand="reload")
        assert "Reloaded" in (await reloaded.reply())["content"]
        assert (await slash_ask(double, ICE_HEAT))["embeds"][0]["title"] == new_title
    finally:
        await stop_bot(bot, task)


async def test_reload_never_removes_a_red_flag_an_entry_or_an_exercise(
    double, settings, clock, knowledge_copy
):
    bot = create_bot(with_settings(settings, knowledge_dir=knowledge_copy), clock=clock)
    task = await start_bot(bot, double)
    try:
        flags = knowledge_copy / "redflags.yaml"
        text = flags.read_text(encoding="utf-8")
        start = text.index("  - name: fever or chills")
        end = text.index("  - name: pain after a fall")
        flags.write_text(text[:start] + text[end:], encoding="utf-8")
        refused = await double.slash("faqadmin", user=double.admin, subcommand="reload")
        embed = await embed_of(refused)
        assert "refused" in embed["title"]
        assert "red flag 'fever or chills'" in embed["description"]
        story = "upper back aching for days and I've got a fever and the chills"
        urgent = (await slash_ask(double, story))["embeds"][0]
        assert urgent["description"] == bot.knowledge.urgent_reply
    finally:
        await stop_bot(bot, task)


# -- /forgetme ------------------------------------------------------------------------------


async def test_forgetme_deletes_everything_about_the_member_only(running_bot, double, clock):
    store, me, other = running_bot.store, double.member, double.other_member
    answer = await slash_ask(double, ICE_HEAT, me)
    await slash_ask(double, "what shoes should I buy?", me)
    await slash_ask(double, "what shoes should I buy?", other)
    await (await double.click(answer, "faq:fb:up:treat-ice-heat", me)).response()
    await store.subscribe(
        user_id=me.id,
        dm_channel_id=None,
        local_time=time(7, 30),
        tz="Europe/London",
        routine="both",
        at=clock.now(),
    )
    await store.add_notice(me.id, "Your DMs are closed", at=clock.now())

    forget = await double.slash("forgetme", user=me)
    assert "deleted everything" in await ephemeral_text(forget)
    assert await store.subscription(me.id) is None
    assert not await store.has_notices(me.id)
    assert set((await store.forget_member(me.id)).values()) == {0}
    gaps = await store.gaps(guild_id=double.guild.id, since=clock.now() - timedelta(days=1))
    assert [(g.question, g.count) for g in gaps] == [(gaps[0].question, 1)]
    again = await double.slash("forgetme", user=me)
    assert "nothing stored" in await ephemeral_text(again)


async def test_unanswered_questions_are_kept_30_days(running_bot, double, clock):
    await slash_ask(double, "what shoes should I buy?")
    await clock.advance(timedelta(days=29))
    await slash_ask(double, "where do we park on saturday?")
    await clock.advance(timedelta(days=2))
    await slash_ask(double, "is the track open on bank holidays?")
    gaps = await double.slash("faqadmin", user=double.admin, subcommand="gaps")
    description = (await embed_of(gaps))["description"]
    assert "shoes" not in description
    assert "park" in description and "track" in description
    # not only hidden: deleted from the database
    kept = await running_bot.store.gaps(
        guild_id=double.guild.id, since=clock.now() - timedelta(days=365)
    )
    assert len(kept) == 2 and not any("shoes" in g.question for g in kept)
