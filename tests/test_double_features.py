"""The double itself: components, DMs and their failures, rate limits, and message content
rules behave as Discord's do, so the end-to-end tests built on them mean something."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from tests.double import TOKEN
from tests.double.interactions import AUTOCOMPLETE_RESULT, EPHEMERAL
from tests.helpers import custom_ids, start_bot, stop_bot

QUESTION = "why does my upper back hurt after running?"


async def test_buttons_and_selects_on_a_message_the_bot_sent_reach_the_bot(running_bot, double):
    answer = await (await double.slash("ask", {"question": QUESTION})).message()
    helpful = next(i for i in custom_ids(answer) if i.startswith("faq:fb:up:"))
    click = await double.click(answer, helpful, user=double.other_member)
    assert (await click.response())["type"] in (4, 5, 6, 7)
    assert click.payload["message"]["id"] == answer["id"]

    browse = await (await double.slash("faq")).message()
    pick = await double.select(browse, "faq:topic", ["treatment"])
    shown = await pick.reply()
    assert "treat" in str(shown).lower()

    with pytest.raises(KeyError):
        await double.click(answer, "no-such-button")


async def test_autocomplete_gets_choices(running_bot, double):
    handle = await double.autocomplete("ask", "question", {"question": "stretch"})
    body = await handle.response()
    assert body["type"] == AUTOCOMPLETE_RESULT
    assert 1 <= len(await handle.choices()) <= 25


async def test_ephemeral_responses_are_marked(running_bot, double):
    handle = await double.slash("config", group="channels", subcommand="list")
    await handle.response()
    assert handle.ephemeral
    assert (await handle.message())["flags"] & EPHEMERAL


async def test_a_dm_goes_through_a_dm_channel(running_bot, double):
    user = await running_bot.fetch_user(double.member.id)
    sent = await user.send("hello from the bot")
    dm = double.dm_channel(double.member)
    assert sent.channel.id == dm.id
    assert double.requests_to("POST", "/users/@me/channels")[0].json == {
        "recipient_id": double.member.id
    }
    assert double.sent_messages(dm.id)[0]["content"] == "hello from the bot"


async def test_closed_dms_answer_403_code_50007(running_bot, double):
    double.dm_closed.add(double.member.id)
    user = await running_bot.fetch_user(double.member.id)
    with pytest.raises(discord.Forbidden) as err:
        await user.send("hello")
    assert err.value.code == 50007


async def test_an_unknown_user_answers_404_code_10013(running_bot, double):
    double.unknown_users.add(double.member.id)
    with pytest.raises(discord.NotFound) as err:
        await running_bot.fetch_user(double.member.id)
    assert err.value.code == 10013
    with pytest.raises(discord.NotFound) as err:
        await running_bot.create_dm(discord.Object(double.member.id))
    assert err.value.code == 10013


async def test_a_429_without_via_is_not_retried_by_discord_py(running_bot, double):
    double.fail_next("POST", "/channels/{id}/messages", 429, via=False)
    channel = running_bot.get_channel(double.channel("general").id)
    with pytest.raises(discord.HTTPException) as err:
        await channel.send("hi")
    assert err.value.status == 429
    assert len(double.requests_to("POST", "/channels/{id}/messages")) == 1


async def test_the_global_rate_limit_answers_429_with_via_and_retry_after(double):
    double.global_limit = 5
    url = f"{double.api_base}/users/@me"
    headers = {"Authorization": f"Bot {TOKEN}"}
    statuses, bodies = [], []
    async with aiohttp.ClientSession() as http:
        for _ in range(7):
            async with http.get(url, headers=headers) as resp:
                statuses.append(resp.status)
                assert resp.headers["Content-Type"] == "application/json"
                if resp.status == 429:
                    assert resp.headers["Via"]
                    bodies.append(await resp.json())
    assert statuses == [200] * 5 + [429] * 2
    assert all(b["global"] and 0 < b["retry_after"] <= 1 for b in bodies)
    assert double.count_429 == 2


async def test_the_wrong_token_is_refused(double):
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{double.api_base}/users/@me", headers={"Authorization": "Bot x"}) as resp,
    ):
        assert resp.status == 401


async def test_without_the_content_intent_only_mentions_carry_content(double, settings, clock):
    from bot.app import create_bot

    bot = create_bot(settings, clock=clock, message_content=False)
    seen: list[str] = []

    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    bot.add_listener(on_message)
    task = await start_bot(bot, double)
    try:
        await double.send_message("general", double.member, "plain chatter")
        await double.send_message("general", double.member, f"<@{double.bot.id}> hi there")
        await double.send_message("dm", double.member, "a question in a DM")
        await double.wait_until(lambda: len(seen) == 3, 2, "three messages")
        assert seen == ["", f"<@{double.bot.id}> hi there", "a question in a DM"]
    finally:
        await stop_bot(bot, task)


async def test_a_guild_added_while_connected_reaches_the_bot(running_bot, double):
    other = await double.add_guild("Hill Harriers")
    handle = await double.slash("help", guild=other, channel="general")
    await handle.reply()
    assert running_bot.get_guild(other.id).name == "Hill Harriers"
    assert handle.payload["guild_id"] == str(other.id)
    assert handle.payload["channel_id"] == str(other.channels["general"].id)


async def test_messages_over_discords_limits_are_refused_like_discord_does(running_bot, double):
    channel = running_bot.get_channel(double.channel("general").id)
    with pytest.raises(discord.HTTPException) as err:
        await channel.send("x" * 2001)
    assert err.value.status == 400 and err.value.code == 50035
    too_long = discord.Embed(title="t", description="d" * 4097)
    with pytest.raises(discord.HTTPException):
        await channel.send(embed=too_long)
    assert [len(problems) for _, problems in double.rejected] == [1, 1]
    assert "4097 characters" in double.rejected[1][1][0]
    double.phone_text_max = None  # Discord's largest message, on purpose: no phone check
    await channel.send("x" * 2000, embed=discord.Embed(description="d" * 4000))  # at the limits


async def test_a_message_over_2000_characters_in_all_is_noted_and_fails_the_test(
    running_bot, double
):
    """The phone rule: content and embed text together at most 2,000 characters, for every
    message the bot sends or edits (the double fixture fails a test that sent one over)."""
    channel = running_bot.get_channel(double.channel("general").id)
    fits = await channel.send(
        "x" * 1000, embed=discord.Embed(title="t" * 10, description="d" * 990)
    )
    assert double.too_long == []
    over = await channel.send("x" * 1000, embed=discord.Embed(description="d" * 1001))
    assert double.too_long == [(str(over.id), 2001)]
    await fits.edit(content="x" * 1500)  # an edit counts the message as it leaves it
    assert double.too_long[-1] == (str(fits.id), 2500)
    double.too_long.clear()  # noted as meant; the fixture would fail the test otherwise


async def test_pings_follow_discords_allowed_mentions_rules(running_bot, double):
    channel = running_bot.get_channel(double.channel("general").id)
    member = await double.send_message(channel.id, double.member, "hello")
    text = f"@everyone <@{double.other_member.id}> <@&{double.guild.id}> hi"
    quiet = await channel.send(text)  # the bot's default: no mentions
    everything = await channel.send(text, allowed_mentions=discord.AllowedMentions.all())
    original = channel.get_partial_message(int(member["id"]))
    reply = await channel.send("answer", reference=original)
    silent_reply = await channel.send("answer", reference=original, mention_author=False)
    sent = {m.id: double.messages[m.id] for m in (quiet, everything, reply, silent_reply)}
    assert double.pings(sent[quiet.id]) == set()
    assert double.pings(sent[everything.id]) == {
        "everyone",
        f"user:{double.other_member.id}",
        f"role:{double.guild.id}",
    }
    assert double.pings(sent[reply.id]) == {f"reply:{double.member.id}"}
    assert double.pings(sent[silent_reply.id]) == set()
