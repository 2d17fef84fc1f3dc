"""The FAQ cog end to end: the real bot against the offline Discord double.

Every test asserts on what the bot sent to Discord, that is, on what a member would see.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import create_bot
from tests.double.interactions import CHANNEL_MESSAGE, EPHEMERAL, MODAL, UPDATE_MESSAGE
from tests.helpers import (
    ICE_HEAT,
    WHY,
    all_pages,
    assert_no_mentions,
    assert_silent,
    components,
    custom_ids,
    enable_channel,
    start_bot,
    stop_bot,
)

URGENT = "I have chest pain and my left arm is numb after my run"
AMBIGUOUS = ("back", "stretches or massage?", "upper back", "sore", "pain", "stretch or rest?")


def assert_answer(msg: dict, entry, knowledge) -> None:
    (embed,) = msg["embeds"]
    assert embed["title"] == entry.title
    assert embed["description"] == entry.answer
    assert embed["fields"][-1]["value"] == knowledge.disclaimer
    assert custom_ids(msg) == [f"faq:fb:up:{entry.id}", f"faq:fb:down:{entry.id}"]


async def cool_down(clock) -> None:
    await clock.advance(timedelta(minutes=5))


# -- channel answers ----------------------------------------------------------------------


async def test_question_in_enabled_channel_gets_a_reply_with_answer_and_disclaimer(
    running_bot, double
):
    await enable_channel(running_bot, double)
    asked = await double.send_message("running-questions", double.member, ICE_HEAT)
    reply = await double.wait_for_reply(asked)
    k = running_bot.knowledge
    assert_answer(reply, k.entries["treat-ice-heat"], k)
    assert reply["channel_id"] == asked["channel_id"]
    assert reply["content"] == ""
    assert_no_mentions(reply)


@pytest.mark.parametrize(
    "chatter",
    [
        "anyone up for a 10k on saturday?",
        "thanks everyone, great run today!",
        "my knee hurts after running, any tips?",
        "what shoes should I buy for a marathon?",
        "lol",
    ],
)
async def test_off_topic_chatter_in_enabled_channel_gets_silence(running_bot, double, chatter):
    await enable_channel(running_bot, double)
    mark = double.mark()
    await double.send_message("running-questions", double.member, chatter)
    await assert_silent(double, mark)


async def test_questions_in_channels_not_enabled_get_silence(running_bot, double):
    await enable_channel(running_bot, double, "running-questions")
    mark = double.mark()
    await double.send_message("general", double.member, ICE_HEAT)
    await assert_silent(double, mark)


async def test_a_mention_anywhere_is_a_direct_ask(running_bot, double):
    k = running_bot.knowledge
    asked = await double.send_message("general", double.member, f"{double.bot.mention} {ICE_HEAT}")
    assert_answer(await double.wait_for_reply(asked), k.entries["treat-ice-heat"], k)


async def test_a_mention_gets_the_ask_mode_reply_even_when_not_covered(running_bot, double):
    asked = await double.send_message(
        "general", double.member, f"<@!{double.bot.id}> what shoes should I buy?"
    )
    (embed,) = (await double.wait_for_reply(asked))["embeds"]
    assert embed["description"].startswith(running_bot.knowledge.not_covered)
    assert "/faq" in embed["description"]


async def test_a_bare_mention_gets_a_hint(running_bot, double):
    asked = await double.send_message("general", double.member, double.bot.mention)
    reply = await double.wait_for_reply(asked)
    assert "/ask" in reply["content"] and "/faq" in reply["content"]
    assert_no_mentions(reply)


async def test_a_dm_is_a_direct_ask_answered_in_the_dm(running_bot, double):
    k = running_bot.knowledge
    asked = await double.send_message("dm", double.member, ICE_HEAT)
    reply = await double.wait_for_reply(asked)
    assert reply["channel_id"] == str(double.dm_channel(double.member).id)
    assert_answer(reply, k.entries["treat-ice-heat"], k)


async def test_bots_webhooks_and_system_messages_are_ignored(running_bot, double):
    await enable_channel(running_bot, double)
    other_bot = double.add_user("other-bot", bot=True)
    mark = double.mark()
    await double.send_message("running-questions", other_bot, ICE_HEAT)
    await double.send_message("running-questions", double.member, ICE_HEAT, webhook=True)
    await double.send_message("running-questions", double.member, ICE_HEAT, message_type=7)
    await double.send_message("running-questions", other_bot, f"{double.bot.mention} {ICE_HEAT}")
    await assert_silent(double, mark)


async def test_question_with_everyone_is_answered_without_any_mention_allowed(running_bot, double):
    await enable_channel(running_bot, double)
    role = 123456789012345678
    asked = await double.send_message(
        "running-questions",
        double.member,
        f"@everyone @here <@&{role}> {double.other_member.mention} {WHY}",
        mentions=[double.other_member],
        mention_roles=[role],
        mention_everyone=True,
    )
    reply = await double.wait_for_reply(asked)
    assert_no_mentions(reply)
    assert "@everyone" not in str(reply["embeds"]) and "@here" not in str(reply["embeds"])
    assert reply["embeds"][0]["title"] == running_bot.knowledge.entries["causes"].title


async def test_suggestions_in_reply_to_a_mention_answer_the_picked_entry(running_bot, double):
    k, matcher = running_bot.knowledge, running_bot.matcher
    question = next(q for q in AMBIGUOUS if matcher.match(q, "ask").kind == "suggest")
    expected = matcher.match(question, "ask").suggestions
    asked = await double.send_message("general", double.member, f"{double.bot.mention} {question}")
    reply = await double.wait_for_reply(asked)
    assert custom_ids(reply) == [f"faq:pick:{e}" for e in expected]
    assert [c["label"] for c in components(reply)] == [k.entries[e].title[:80] for e in expected]
    assert reply["embeds"][0]["fields"][-1]["value"] == k.disclaimer
    click = await double.click(reply, f"faq:pick:{expected[-1]}", double.other_member)
    body = await click.response()
    assert body["type"] == CHANNEL_MESSAGE and click.ephemeral
    assert_answer(await click.message(), k.entries[expected[-1]], k)


# -- cooldowns ------------------------------------------------------------------------------


async def test_a_burst_in_one_channel_gets_one_reply(running_bot, double, clock):
    channel_id = await enable_channel(running_bot, double)
    members = [double.add_user(f"runner-{n}") for n in range(12)]
    mark = double.mark()
    await asyncio.gather(*(double.send_message("running-questions", m, ICE_HEAT) for m in members))
    first = await double.wait_for_request(
        lambda r: r.matches("POST", "/channels/{id}/messages"), since=mark
    )
    assert first.path == f"/channels/{channel_id}/messages"
    after = double.requests.index(first) + 1
    await assert_silent(double, after)

    # still cooling down 9 s later; at 10 s another member gets an answer
    await clock.advance(timedelta(seconds=9))
    mark = double.mark()
    await double.send_message("running-questions", members[2], WHY)
    await assert_silent(double, mark)
    await clock.advance(timedelta(seconds=1))
    asked = await double.send_message("running-questions", members[1], WHY)
    await double.wait_for_reply(asked)


async def test_member_cooldown_holds_across_channels(running_bot, double, clock):
    await enable_channel(running_bot, double, "running-questions")
    await enable_channel(running_bot, double, "race-day")
    asked = await double.send_message("running-questions", double.member, ICE_HEAT)
    await double.wait_for_reply(asked)
    mark = double.mark()
    await double.send_message("race-day", double.member, WHY)
    await assert_silent(double, mark)
    await clock.advance(timedelta(seconds=61))
    asked = await double.send_message("race-day", double.member, WHY)
    await double.wait_for_reply(asked)


async def test_urgent_replies_bypass_cooldowns(running_bot, double):
    await enable_channel(running_bot, double)
    asked = await double.send_message("running-questions", double.member, ICE_HEAT)
    await double.wait_for_reply(asked)
    urgent = await double.send_message("running-questions", double.member, URGENT)
    reply = await double.wait_for_reply(urgent)
    (embed,) = reply["embeds"]
    assert embed["description"] == running_bot.knowledge.urgent_reply
    assert components(reply) == []
    assert_no_mentions(reply)


# -- slash commands -------------------------------------------------------------------------


async def test_ask_answer(running_bot, double):
    k = running_bot.knowledge
    ask = await double.slash("ask", {"question": ICE_HEAT})
    assert (await ask.response())["type"] == CHANNEL_MESSAGE
    msg = await ask.message()
    assert_answer(msg, k.entries["treat-ice-heat"], k)
    assert_no_mentions(msg)
    assert msg["embeds"][0]["footer"]["text"] == "Guide: Ice and Heat"


async def test_ask_suggest(running_bot, double):
    k, matcher = running_bot.knowledge, running_bot.matcher
    question = next(q for q in AMBIGUOUS if matcher.match(q, "ask").kind == "suggest")
    expected = matcher.match(question, "ask").suggestions
    ask = await double.slash("ask", {"question": question})
    msg = await ask.message()
    assert 1 <= len(expected) <= 3
    assert custom_ids(msg) == [f"faq:pick:{e}" for e in expected]
    for entry_id in expected:
        assert k.entries[entry_id].title in msg["embeds"][0]["description"]
    click = await double.click(msg, f"faq:pick:{expected[0]}")
    assert_answer(await click.message(), k.entries[expected[0]], k)


async def test_ask_none_says_so_and_points_to_faq(running_bot, double):
    ask = await double.slash("ask", {"question": "what's the best marathon in Europe?"})
    msg = await ask.message()
    (embed,) = msg["embeds"]
    assert embed["title"] == "Not covered by the guide"
    assert "/faq" in embed["description"]
    assert components(msg) == []


async def test_ask_urgent_is_the_urgent_reply_without_exercises_or_buttons(running_bot, double):
    k = running_bot.knowledge
    ask = await double.slash("ask", {"question": URGENT})
    msg = await ask.message()
    (embed,) = msg["embeds"]
    assert embed["description"] == k.urgent_reply
    assert components(msg) == []
    shown = str(embed)
    assert not any(e.name in shown for e in k.exercises.values())


async def test_ask_autocomplete_offers_titles_and_a_choice_answers_exactly(running_bot, double):
    k = running_bot.knowledge
    typing = await double.autocomplete("ask", "question", {"question": "ice or heat"})
    choices = await typing.choices()
    assert 1 <= len(choices) <= 25
    titles = {e.title: e for e in k.entries.values()}
    assert all(c["name"] in titles and c["value"] == c["name"] for c in choices)
    wanted = k.entries["treat-ice-heat"].title
    assert wanted in [c["name"] for c in choices]
    ask = await double.slash("ask", {"question": wanted})
    assert_answer(await ask.message(), k.entries["treat-ice-heat"], k)


async def test_ask_autocomplete_with_nothing_typed_still_offers_choices(running_bot, double):
    typing = await double.autocomplete("ask", "question")
    assert 1 <= len(await typing.choices()) <= 25


async def test_faq_browses_by_topic_and_answers_the_picked_question(running_bot, double):
    k = running_bot.knowledge
    browse = await double.slash("faq")
    msg = await browse.message()
    assert browse.ephemeral
    (topic_select,) = components(msg)
    assert [o["value"] for o in topic_select["options"]] == [
        "causes",
        "prevention",
        "treatment",
        "more",
    ]
    pick_topic = await double.select(msg, "faq:topic", ["treatment"])
    assert (await pick_topic.response())["type"] == UPDATE_MESSAGE
    updated = double.messages[msg["_id"]]
    entry_select = next(c for c in components(updated) if c["custom_id"] == "faq:entry")
    treatment = [e.id for e in k.entries.values() if e.topic == "treatment"]
    assert [o["value"] for o in entry_select["options"]] == treatment
    pick = await double.select(updated, "faq:entry", ["treat-ice-heat"])
    assert_answer(await pick.message(), k.entries["treat-ice-heat"], k)
    assert pick.ephemeral


@pytest.mark.parametrize(
    ("when", "kinds"),
    [("before", {"dynamic"}), ("after", {"static"}), (None, {"dynamic", "static"})],
)
async def test_stretches(running_bot, double, when, kinds):
    """Every stretch of the kind, in order, over pages that fit a phone (the double fails
    any message over 2,000 characters), each page ending with the disclaimer."""
    k = running_bot.knowledge
    stretches = await double.slash("stretches", {"when": when} if when else None)
    pages = await all_pages(double, await stretches.message())
    shown = [f["name"] for page in pages for f in page["fields"][:-1]]
    expected = [e for e in k.exercises.values() if e.kind in kinds]
    assert shown == [f"{e.name} ({e.dose})" for e in expected]
    assert len(pages) > 1 and all(p["fields"][-1]["value"] == k.disclaimer for p in pages)


async def test_core(running_bot, double):
    k = running_bot.knowledge
    core = await double.slash("core")
    pages = await all_pages(double, await core.message())
    names = [f["name"] for page in pages for f in page["fields"][:-1]]
    assert names == [f"{e.name} ({e.dose})" for e in k.by_kind("core")]
    assert any("plank" in n.lower() for n in names)
    assert all(p["fields"][-1]["value"] == k.disclaimer for p in pages)


@pytest.mark.parametrize(("command", "routine"), [("stretches", "stretches"), ("core", "core")])
async def test_routines_offer_a_daily_reminder_that_opens_the_subscribe_form(
    running_bot, double, command, routine
):
    msg = await (await double.slash(command)).message()
    assert custom_ids(msg)[-1] == f"remind:start:{routine}"  # after Previous and Next
    click = await double.click(msg, f"remind:start:{routine}")
    assert (await click.response())["type"] == MODAL


async def test_disclaimer_and_help(running_bot, double):
    k = running_bot.knowledge
    disclaimer = await double.slash("disclaimer")
    assert (await disclaimer.message())["embeds"][0]["description"] == k.disclaimer
    helped = await double.slash("help")
    text = (await helped.message())["embeds"][0]["description"]
    for command in ("/ask", "/faq", "/stretches", "/core", "/disclaimer", "/forgetme"):
        assert command in text


# -- feedback -------------------------------------------------------------------------------


async def test_a_vote_is_one_per_member_and_answer_and_can_be_switched(running_bot, double, clock):
    async def vote(msg, button, user):
        click = await double.click(msg, f"faq:fb:{button}:treat-ice-heat", user)
        body = await click.response()
        assert click.ephemeral
        return body["data"]["content"]

    async def figures():
        stats = await running_bot.store.stats(
            guild_id=double.guild.id, since=clock.now() - timedelta(days=1)
        )
        return stats.helpful, stats.not_helpful

    msg = await (await double.slash("ask", {"question": ICE_HEAT})).message()
    assert "Thanks" in await vote(msg, "up", double.member)
    assert "already rated this answer 👍 Helpful" in await vote(msg, "up", double.member)
    assert await figures() == (1, 0)
    assert "now 👎 Not helpful" in await vote(msg, "down", double.member)
    assert await figures() == (0, 1)
    assert "now 👍 Helpful" in await vote(msg, "up", double.member)
    assert "Thanks" in await vote(msg, "down", double.other_member)
    assert await figures() == (1, 1)


async def test_feedback_buttons_on_a_channel_reply(running_bot, double):
    await enable_channel(running_bot, double)
    asked = await double.send_message("running-questions", double.member, ICE_HEAT)
    reply = await double.wait_for_reply(asked)
    click = await double.click(reply, "faq:fb:down:treat-ice-heat", double.member)
    body = await click.response()
    assert body["data"]["flags"] & EPHEMERAL
    assert "Thanks" in body["data"]["content"]


# -- bad input ------------------------------------------------------------------------------


async def test_bad_input_gets_a_sensible_answer_or_silence(running_bot, double, clock):
    await enable_channel(running_bot, double)
    matcher = running_bot.matcher
    cases = [
        WHY + " " + "I ran a lot this week and it still hurts. " * 90,  # ~4,000 characters
        "**why** does my `upper back` hurt after running?",
        "```\nwhy does my upper back hurt after running?\n```",
        "why does my up\u200bper back hu\u200brt after running?\u200b",
        "\u200b\u200b\u200b",
        "> quoted\n# heading\n- why does my upper back hurt after running?",
        "🏃‍♀️💥🔥",
        "\x00\x07 why does my upper back hurt after running?",
    ]
    for content in cases:
        await cool_down(clock)
        mark = double.mark()
        asked = await double.send_message("running-questions", double.member, content[:4000])
        expected = matcher.match(content[:4000], "channel")
        if expected.kind == "none":
            await assert_silent(double, mark)
            continue
        reply = await double.wait_for_reply(asked)
        assert_no_mentions(reply)
        (embed,) = reply["embeds"]
        assert len(embed["description"]) <= 4096
        if expected.kind == "answer":
            assert embed["title"] == running_bot.knowledge.entries[expected.entry].title
    # the markdown and code-block questions are still understood
    assert matcher.match(cases[1], "channel").kind == "answer"


async def test_attachment_only_message_gets_silence(running_bot, double):
    await enable_channel(running_bot, double)
    mark = double.mark()
    attachment = {
        "id": "1",
        "filename": "route.png",
        "size": 10,
        "url": "http://127.0.0.1/route.png",
        "proxy_url": "http://127.0.0.1/route.png",
    }
    await double.send_message("running-questions", double.member, "", attachments=[attachment])
    await double.send_message("dm", double.member, "", attachments=[attachment])
    await assert_silent(double, mark)


async def test_long_mention_question_is_answered_within_limits(running_bot, double):
    asked = await double.send_message(
        "general", double.member, f"{double.bot.mention} " + ("@everyone " + WHY) * 80
    )
    reply = await double.wait_for_reply(asked)
    assert_no_mentions(reply)
    assert len(str(reply["embeds"][0])) < 6000


async def test_commands_work_in_a_dm(running_bot, double):
    k = running_bot.knowledge
    ask = await double.slash("ask", {"question": ICE_HEAT}, channel="dm")
    assert_answer(await ask.message(), k.entries["treat-ice-heat"], k)
    core = await double.slash("core", channel="dm")
    assert (await core.message())["embeds"][0]["fields"]


# -- after a restart, without message content, and when something fails -------------------


async def test_buttons_keep_working_after_a_restart(double, settings, clock):
    first = create_bot(settings, clock=clock)
    task = await start_bot(first, double)
    try:
        k = first.knowledge
        question = next(q for q in AMBIGUOUS if first.matcher.match(q, "ask").kind == "suggest")
        suggested = await (await double.slash("ask", {"question": question})).message()
        answered = await (await double.slash("ask", {"question": ICE_HEAT})).message()
    finally:
        await stop_bot(first, task)

    second = create_bot(settings, clock=clock)
    task = await start_bot(second, double)
    try:
        pick = custom_ids(suggested)[0]
        click = await double.click(suggested, pick)
        assert_answer(await click.message(), k.entries[pick.removeprefix("faq:pick:")], k)
        vote = await double.click(answered, "faq:fb:up:treat-ice-heat")
        assert "Thanks" in (await vote.response())["data"]["content"]
    finally:
        await stop_bot(second, task)


async def test_without_message_content_mentions_still_get_answers(double, settings, clock):
    bot = create_bot(settings, clock=clock, message_content=False)
    task = await start_bot(bot, double)
    try:
        await enable_channel(bot, double)
        mark = double.mark()
        await double.send_message("running-questions", double.member, ICE_HEAT)
        await assert_silent(double, mark)
        asked = await double.send_message(
            "running-questions", double.member, f"{double.bot.mention} {ICE_HEAT}"
        )
        assert_answer(
            await double.wait_for_reply(asked),
            bot.knowledge.entries["treat-ice-heat"],
            bot.knowledge,
        )
    finally:
        await stop_bot(bot, task)


async def test_a_failing_button_gives_a_short_private_error_and_logs_it(
    running_bot, double, error_log
):
    answered = await (await double.slash("ask", {"question": ICE_HEAT})).message()
    store = running_bot.store
    # Recording feedback now fails. The bot may still be reading (the notices check after
    # /ask, the reminder dispatcher): SQLite refuses a DROP while a read is open on the
    # connection, so take the store's lock, as every statement of the bot does.
    async with store.connection.lock:
        await store.connection.db.execute("DROP TABLE feedback")
    error_log.expect("feedback button failed")
    vote = await double.click(answered, "faq:fb:up:treat-ice-heat")
    body = await vote.response()
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"].startswith("Sorry, something went wrong")
    failed = [r for r in error_log.records if "feedback button failed" in r.getMessage()]
    assert failed and "no such table" in str(failed[0].exc_info[1])


async def test_a_channel_the_bot_may_not_post_in_is_survived(running_bot, double, clock):
    double.fail_next("POST", "/channels/{id}/messages", status=403, code=50013)
    mark = double.mark()
    await double.send_message("general", double.member, f"{double.bot.mention} {ICE_HEAT}")
    await double.wait_for_request(lambda r: r.status == 403, since=mark)
    await cool_down(clock)
    asked = await double.send_message(
        "general", double.other_member, f"{double.bot.mention} {ICE_HEAT}"
    )
    await double.wait_for_reply(asked)
