"""The bot survives what real Discord does to it: 429s, 5xx answers, a dropped gateway."""

from __future__ import annotations

import asyncio

from tests.helpers import WHY, ask_by_mention


def answered(reply: dict) -> bool:
    embed = reply["embeds"][0]
    return "upper back" in embed["title"].lower() and any(
        "not medical advice" in f["value"] for f in embed.get("fields", [])
    )


async def test_a_429_with_via_and_retry_after_is_retried_and_the_reply_goes_out(
    running_bot, double
):
    fault = double.fail_next("POST", "/channels/{id}/messages", 429, retry_after=0.05)
    msg = await ask_by_mention(double)
    reply = await double.wait_for_reply(msg)
    assert fault.hits == 1
    sends = double.requests_to("POST", f"/channels/{double.channel('general').id}/messages")
    assert [r.status for r in sends] == [429, 200]
    assert sends[1].at - sends[0].at >= 0.05  # it waited retry_after
    assert answered(reply)
    assert double.count_429 == 1


async def test_a_500_is_retried_and_the_reply_goes_out(running_bot, double):
    fault = double.fail_next("POST", "/channels/{id}/messages", 500)
    msg = await ask_by_mention(double)
    reply = await double.wait_for_reply(msg, timeout=5)  # discord.py waits 1 s before the retry
    assert fault.hits == 1
    sends = double.requests_to("POST", "/channels/{id}/messages")
    assert [r.status for r in sends] == [500, 200]
    assert answered(reply)


async def test_a_failed_interaction_callback_is_retried(running_bot, double):
    double.fail_next("POST", "/interactions/{id}/{token}/callback", 429, retry_after=0.02)
    handle = await double.slash("ask", {"question": WHY})
    message = await handle.message()
    assert answered(message)
    callbacks = double.requests_to("POST", "/interactions/{id}/{token}/callback")
    assert [r.status for r in callbacks] == [429, 200]


async def test_a_dropped_gateway_is_resumed_and_events_still_flow(running_bot, double):
    await double.drop_gateway()
    # a message posted while the bot is away is replayed on RESUME
    msg = await ask_by_mention(double)
    await double.wait_until(lambda: double.frames(6), 5, "RESUME")
    resume = double.frames(6)[0]
    assert resume.path == "/gateway-resume"  # it went to resume_gateway_url
    assert resume.data["seq"] == 2  # READY and GUILD_CREATE seen before the drop
    assert len(double.frames(2)) == 1  # resumed, not identified again
    reply = await double.wait_for_reply(msg, timeout=5)
    assert answered(reply)
    # and new events after the resume reach the bot too (another channel: cooldowns)
    second = await double.send_message(
        "race-day", double.other_member, f"<@{double.bot.id}> how do I treat upper back pain?"
    )
    assert (await double.wait_for_reply(second))["embeds"]


async def test_an_invalidated_session_is_identified_afresh_and_events_flow(
    running_bot, double, monkeypatch
):
    async def identify_now(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s (real time) before a second IDENTIFY; not what is tested."""

    monkeypatch.setattr(running_bot, "before_identify_hook", identify_now)
    # Registered before the drop: the bot is ready again once the new session's guilds are in.
    ready_again = asyncio.ensure_future(running_bot.wait_for("ready", timeout=5))
    await double.drop_gateway(resumable=False)
    await ready_again
    resume = double.frames(6)
    assert len(resume) == 1 and resume[0].path == "/gateway-resume"  # it tried to RESUME
    assert len(double.frames(2)) == 2  # refused (INVALID_SESSION), so it identified afresh
    assert running_bot.get_channel(double.channel("general").id) is not None
    msg = await ask_by_mention(double)
    assert answered(await double.wait_for_reply(msg))
