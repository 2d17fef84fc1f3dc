"""Direct asks end to end: a mention, a reply to the bot, a DM or /ask always gets a reply;
cooldowns hold back only unprompted channel answers; a flood gets one slow-down, then
silence; /ask answers privately unless the member chooses otherwise."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.cogs.faq.asking import EMPTY_MENTION_TEXT, SLOW_DOWN_TEXT
from tests.double.interactions import EPHEMERAL
from tests.helpers import (
    ICE_HEAT,
    WHY,
    ask_by_mention,
    assert_no_mentions,
    assert_silent,
    custom_ids,
    enable_channel,
)

URGENT = "I have chest pain and my left arm is numb after my run"


def title(msg: dict) -> str:
    return msg["embeds"][0]["title"]


# -- the three silences of the issue ----------------------------------------------------------


async def test_a_member_who_mentions_the_bot_twice_in_a_minute_gets_two_answers(
    running_bot, double
):
    k = running_bot.knowledge
    first = await ask_by_mention(double, ICE_HEAT)
    assert title(await double.wait_for_reply(first)) == k.entries["treat-ice-heat"].title
    second = await ask_by_mention(double, WHY)
    assert title(await double.wait_for_reply(second)) == k.entries["causes"].title


async def test_a_second_member_mentioning_within_10_s_in_an_enabled_channel_is_answered(
    running_bot, double
):
    await enable_channel(running_bot, double)
    first = await double.send_message("running-questions", double.member, ICE_HEAT)
    await double.wait_for_reply(first)  # unprompted: starts the channel's cooldown
    second = await ask_by_mention(double, WHY, "running-questions", double.other_member)
    assert (
        title(await double.wait_for_reply(second)) == running_bot.knowledge.entries["causes"].title
    )
    # an unprompted question still waits for the cooldown
    mark = double.mark()
    await double.send_message("running-questions", double.add_user("runner-x"), WHY)
    await assert_silent(double, mark)


async def test_the_same_dm_twice_gets_two_answers(running_bot, double):
    for _ in range(2):
        asked = await double.send_message("dm", double.member, ICE_HEAT)
        reply = await double.wait_for_reply(asked)
        assert title(reply) == running_bot.knowledge.entries["treat-ice-heat"].title


# -- a reply to the bot ---------------------------------------------------------------------


@pytest.mark.parametrize("ping", [True, False])
async def test_a_reply_to_the_bots_answer_is_a_direct_ask_in_any_channel(running_bot, double, ping):
    answer = await double.wait_for_reply(await ask_by_mention(double, ICE_HEAT, "general"))
    follow_up = await double.send_message(
        "general", double.member, WHY, reply_to=answer, reply_ping=ping
    )
    reply = await double.wait_for_reply(follow_up)
    assert title(reply) == running_bot.knowledge.entries["causes"].title
    assert_no_mentions(reply)


async def test_a_reply_to_another_member_in_a_quiet_channel_is_not_an_ask(running_bot, double):
    theirs = await double.send_message("general", double.other_member, "anyone for a 10k?")
    mark = double.mark()
    await double.send_message("general", double.member, ICE_HEAT, reply_to=theirs)
    await assert_silent(double, mark)


# -- the flood limit ------------------------------------------------------------------------


async def test_past_six_direct_asks_a_minute_one_slow_down_then_silence_then_answers_again(
    running_bot, double, clock
):
    asks = [ICE_HEAT, WHY] * 3
    for n, question in enumerate(asks):  # six, by every kind of direct ask
        if n % 3 == 0:
            asked = await ask_by_mention(double, question)
        elif n % 3 == 1:
            asked = await double.send_message("dm", double.member, question)
        else:
            asked = None
            shown = await (await double.slash("ask", {"question": question})).message()
            assert shown["embeds"][0]["title"] != "Slow down"
        if asked is not None:
            assert (await double.wait_for_reply(asked))["embeds"]
    await clock.advance(timedelta(seconds=30))
    flood = await ask_by_mention(double, ICE_HEAT)
    slow = await double.wait_for_reply(flood)
    assert slow["content"] == SLOW_DOWN_TEXT and not slow["embeds"]
    assert slow["message_reference"]["message_id"] == flood["id"]  # visible, as a reply
    assert_no_mentions(slow)
    mark = double.mark()
    await ask_by_mention(double, WHY)
    await double.send_message("dm", double.member, WHY)
    await assert_silent(double, mark)
    private = await double.slash("ask", {"question": WHY})  # an interaction must be answered
    body = await private.response()
    assert body["data"]["flags"] & EPHEMERAL and body["data"]["content"] == SLOW_DOWN_TEXT
    # another member is not held back
    theirs = await ask_by_mention(double, WHY, user=double.other_member)
    assert (await double.wait_for_reply(theirs))["embeds"]
    # a minute after the first ask, one slot is free again
    await clock.advance(timedelta(seconds=31))
    again = await ask_by_mention(double, WHY)
    assert (
        title(await double.wait_for_reply(again)) == running_bot.knowledge.entries["causes"].title
    )


async def test_a_bare_mention_is_a_direct_ask_that_gets_the_hint(running_bot, double):
    for _ in range(3):
        asked = await double.send_message("general", double.member, double.bot.mention)
        assert (await double.wait_for_reply(asked))["content"] == EMPTY_MENTION_TEXT


# -- every skipped message is logged at DEBUG with its reason ---------------------------------


async def test_every_skipped_message_is_logged_at_debug_with_its_reason(
    running_bot, double, caplog
):
    caplog.set_level(logging.DEBUG, logger="bot.cogs.faq")
    await enable_channel(running_bot, double)
    other_bot = double.add_user("other-bot", bot=True)
    for _ in range(7):  # six answers and the slow-down
        await double.wait_for_reply(await double.send_message("dm", double.other_member, WHY))
    answered = await double.send_message("running-questions", double.member, ICE_HEAT)
    await double.wait_for_reply(answered)  # starts the cooldowns
    mark = double.mark()
    await double.send_message("running-questions", other_bot, ICE_HEAT)
    await double.send_message("running-questions", double.member, ICE_HEAT, webhook=True)
    await double.send_message("running-questions", double.member, ICE_HEAT, message_type=7)
    await double.send_message("general", double.member, ICE_HEAT)
    await double.send_message("running-questions", double.member, "great run today all!")
    await double.send_message("running-questions", double.member, WHY)
    await double.send_message("dm", double.other_member, WHY)
    await assert_silent(double, mark)
    reasons = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.DEBUG and "skipped message" in r.getMessage()
    ]
    for expected in (
        "from a bot",
        "my own",
        "from a webhook",
        "a system message",
        "in a channel not enabled",
        "not a clear question",
        "member or channel cooldown",
        "over the direct-ask limit, already told to slow down",
    ):
        assert any(expected in r for r in reasons), (expected, reasons)


# -- /ask private ---------------------------------------------------------------------------


async def test_ask_answers_privately_by_default_and_in_the_channel_when_asked_to(
    running_bot, double
):
    k = running_bot.knowledge
    private = await double.slash("ask", {"question": ICE_HEAT})
    assert (await private.message())["embeds"][0]["title"] == k.entries["treat-ice-heat"].title
    assert private.ephemeral
    urgent = await double.slash("ask", {"question": URGENT})
    assert (await urgent.message())["embeds"][0]["description"] == k.urgent_reply
    assert urgent.ephemeral

    public = await double.slash("ask", {"question": ICE_HEAT, "private": False})
    shown = await public.message()
    assert not public.ephemeral and not shown["flags"] & EPHEMERAL
    assert custom_ids(shown) == ["faq:fb:up:treat-ice-heat", "faq:fb:down:treat-ice-heat"]
    assert_no_mentions(shown)
    vote = await double.click(shown, "faq:fb:up:treat-ice-heat", double.other_member)
    assert "Thanks" in (await vote.response())["data"]["content"]
