"""Two servers end to end: each server's questions, gaps, ratings, stats and learned
phrasings stay in that server, a DM's belong to none, and /forgetme erases a member
everywhere."""

from __future__ import annotations

import pytest

from tests.helpers import ICE_HEAT, WHY, ask_by_mention, assert_silent, embed_of, until
from tests.test_learning_loop import TRAPS, TRAPS_AGAIN, not_covered, teach

SHOES = "what shoes should I buy?"
PARKING = "where do we park on saturday?"
TRACK = "is the track open on bank holidays?"


@pytest.fixture
async def hilltop(running_bot, double):
    """A second server with the bot in it."""
    guild = await double.add_guild("Hilltop Harriers")
    await until(lambda: running_bot.get_guild(guild.id) is not None, "the second server")
    return guild


async def ask(double, question, guild=None, user=None, private=True) -> dict:
    handle = await double.slash(
        "ask", {"question": question, "private": private}, guild=guild, user=user
    )
    return await handle.message()


async def gaps_text(double, guild=None) -> str:
    gaps = await double.slash("faqadmin", user=double.admin, subcommand="gaps", guild=guild)
    return (await embed_of(gaps))["description"]


async def stats_text(double, guild=None) -> str:
    stats = await double.slash("faqadmin", user=double.admin, subcommand="stats", guild=guild)
    return (await embed_of(stats))["description"]


async def test_gaps_and_stats_show_only_their_own_servers_and_no_dms(running_bot, double, hilltop):
    riverside = double.guild
    answer = await ask(double, ICE_HEAT, private=False)
    await ask(double, ICE_HEAT, user=double.other_member)
    await ask(double, SHOES)
    theirs = await ask(double, WHY, guild=hilltop, private=False)
    await ask(double, PARKING, guild=hilltop)
    await double.wait_for_reply(await double.send_message("dm", double.member, TRACK))
    vote = await double.click(answer, "faq:fb:up:treat-ice-heat")
    await vote.response()
    vote = await double.click(theirs, "faq:fb:down:causes", double.other_member)
    await vote.response()

    mine = await gaps_text(double, riverside)
    assert "shoes" in mine and "park" not in mine and "track" not in mine
    other = await gaps_text(double, hilltop)
    assert "park" in other and "shoes" not in other and "track" not in other

    mine = await stats_text(double, riverside)
    assert "**Questions asked:** 3" in mine and "**Answered directly:** 2" in mine
    assert "100% of 1 ratings" in mine
    other = await stats_text(double, hilltop)
    assert "**Questions asked:** 2" in other and "**Answered directly:** 1" in other
    assert "0% of 1 ratings" in other


async def test_a_phrasing_taught_in_one_server_answers_there_only(running_bot, double, hilltop):
    k = running_bot.knowledge
    await not_covered(double, TRAPS)
    await teach(double, "traps", "treat-rest")
    here = await double.wait_for_reply(await ask_by_mention(double, TRAPS_AGAIN))
    assert here["embeds"][0]["title"] == k.entries["treat-rest"].title

    there = await ask_by_mention(double, TRAPS, channel=double.channel("general", hilltop))
    assert (await double.wait_for_reply(there))["embeds"][0]["title"] != k.entries[
        "treat-rest"
    ].title
    dm = await double.wait_for_reply(await double.send_message("dm", double.member, TRAPS))
    assert dm["embeds"][0]["title"] != k.entries["treat-rest"].title
    # the other server's admin sees its own gap, not what this one taught
    assert "traps" in await gaps_text(double, hilltop)
    assert "**Learned phrasings:** 0 taught here" in await stats_text(double, hilltop)
    assert "**Learned phrasings:** 1 taught here" in await stats_text(double)


async def test_forgetme_in_one_server_erases_the_member_in_every_server_and_dms(
    running_bot, double, hilltop
):
    me, store = double.member, running_bot.store
    await ask(double, SHOES)
    await ask(double, PARKING, guild=hilltop)
    await double.wait_for_reply(await double.send_message("dm", me, TRACK))
    await not_covered(double, TRAPS)
    await teach(double, "traps", "treat-rest")
    await ask(double, "can I swim with it?", user=double.other_member)

    forget = await double.slash("forgetme", user=me, guild=hilltop)
    assert "deleted everything" in (await forget.response())["data"]["content"]
    assert "park" not in await gaps_text(double, hilltop)
    riverside = await gaps_text(double)
    assert "shoes" not in riverside and "swim" in riverside
    assert await store.learned_phrasings(double.guild.id) == []  # only they had asked it
    assert set((await store.forget_member(me.id)).values()) == {0}
    # and the bot has forgotten the taught answer at once
    again = await double.wait_for_reply(await ask_by_mention(double, TRAPS_AGAIN))
    assert again["embeds"][0]["title"] != running_bot.knowledge.entries["treat-rest"].title


async def test_nothing_a_member_types_in_one_server_reaches_the_other(running_bot, double, hilltop):
    await ask(double, "@everyone " + SHOES)
    await ask(double, f"<@{double.other_member.id}> " + PARKING, guild=hilltop)
    mine, other = await gaps_text(double), await gaps_text(double, hilltop)
    assert "park" not in mine and "shoes" not in other
    assert "@everyone" not in mine and f"<@{double.other_member.id}>" not in other
    mark = double.mark()
    await double.send_message(double.channel("general", hilltop), double.member, SHOES)
    await assert_silent(double, mark)
