"""The reminders end to end: the real bot against the offline Discord double, fake clock.

START is Monday 2 Mar 2026 12:00 UTC; London is on GMT until 29 Mar.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import create_bot
from bot.core.schedule import routine_for
from bot.reminders.delivery import DMS_CLOSED_NOTICE
from tests.double.interactions import EPHEMERAL, MODAL
from tests.helpers import (
    DUE,
    at,
    custom_ids,
    dispatcher,
    dms,
    settle,
    start_bot,
    stop_bot,
    submit_form,
    subscribe,
    text_of,
)


async def test_subscribe_then_the_dm_arrives_at_the_due_instant(running_bot, double, clock):
    handle, reply = await subscribe(double)
    assert handle.ephemeral
    assert "07:30" in text_of(reply) and "Europe/London" in text_of(reply)
    sub = await running_bot.store.subscription(double.member.id)
    assert sub.next_due == DUE and sub.routine == "both"

    await at(clock, running_bot, DUE - timedelta(seconds=1))
    assert dms(double, double.member) == []
    await at(clock, running_bot, DUE)
    (dm,) = dms(double, double.member)
    k = running_bot.knowledge
    day = routine_for(date(2026, 3, 3), k)
    (embed,) = dm["embeds"]
    assert day.name in embed["title"]
    names = [f["name"] for f in embed["fields"]]
    for ex in (*day.stretches, *day.core):
        assert any(ex.name in n for n in names)
    assert embed["fields"][-1]["value"] == k.disclaimer
    assert embed["footer"]["text"] == "Reminder “daily” · /remind list"
    assert custom_ids(dm) == [
        "remind:done:2026-03-03",
        "remind:skip:2026-03-03",
        f"remind:stop:{sub.id}",
    ]
    # one request per DM: the DM channel was opened at subscribe time
    sends = double.requests_to("POST", "/channels/{id}/messages")
    assert len(sends) == 1
    # the next day: the next routine, a different one
    await at(clock, running_bot, DUE + timedelta(days=1))
    second = dms(double, double.member)[-1]
    assert second["embeds"][0]["title"] != embed["title"]
    assert len(dms(double, double.member)) == 2


async def test_done_counts_towards_the_streak_and_the_list_shows_it(running_bot, double, clock):
    await subscribe(double, routine="core")
    await at(clock, running_bot, DUE)
    (dm,) = dms(double, double.member)
    done = await double.click(dm, "remind:done:2026-03-03")
    assert "Streak: 1 day" in text_of(await done.reply())
    again = await double.click(dm, "remind:done:2026-03-03")
    assert "Already counted" in text_of(await again.reply())
    await at(clock, running_bot, DUE + timedelta(days=1))
    dm2 = dms(double, double.member)[-1]
    await (await double.click(dm2, "remind:done:2026-03-04")).reply()
    status = await double.slash("remind", subcommand="list")
    body = text_of(await status.reply())
    assert "2 days in a row" in body and "“core” · 07:30 (Europe/London)" in body
    assert "Core exercises" in body
    assert f"<t:{int((DUE + timedelta(days=2)).timestamp())}:R>" in body


async def test_skip_keeps_the_streak(running_bot, double, clock):
    await subscribe(double)
    await at(clock, running_bot, DUE)
    dm = dms(double, double.member)[-1]
    skip = await double.click(dm, "remind:skip:2026-03-03")
    assert "Rest day" in text_of(await skip.reply())
    assert await running_bot.store.streak(double.member.id, date(2026, 3, 3)) == (0, 0)


async def test_stop_button_deletes_the_subscription(running_bot, double, clock):
    await subscribe(double)
    sub = await running_bot.store.subscription(double.member.id)
    await at(clock, running_bot, DUE)
    dm = dms(double, double.member)[-1]
    stop = await double.click(dm, f"remind:stop:{sub.id}")
    assert "Reminder “daily” stopped" in text_of(await stop.reply())
    again = await double.click(dm, f"remind:stop:{sub.id}")
    assert "already gone" in text_of(await again.reply())
    assert await running_bot.store.subscription(double.member.id) is None
    await at(clock, running_bot, DUE + timedelta(days=1))
    assert len(dms(double, double.member)) == 1
    assert await running_bot.store.check_consistency() == []


async def test_dms_closed_pauses_and_the_member_is_told_on_their_next_command(
    running_bot, double, clock
):
    await subscribe(double)
    await subscribe(double, user=double.other_member)
    double.dm_closed.add(double.member.id)
    await at(clock, running_bot, DUE)
    assert dms(double, double.member) == []
    assert len(dms(double, double.other_member)) == 1  # one member's closed DMs stop nobody else
    sub = await running_bot.store.subscription(double.member.id)
    assert sub.status == "paused" and "closed" in sub.pause_reason

    handle = await double.slash("help")
    await handle.reply()
    notice = await handle.followup(0)
    assert notice["content"] == DMS_CLOSED_NOTICE and notice["flags"] & EPHEMERAL
    # told once only
    again = await double.slash("help")
    await again.reply()
    assert again.followup_ids == []
    status = text_of(await (await double.slash("remind", subcommand="list")).reply())
    assert "Paused" in status and "/remind resume" in status

    double.dm_closed.discard(double.member.id)
    resumed = await double.slash("remind", subcommand="resume")
    assert "Back on" in text_of(await resumed.reply())
    await at(clock, running_bot, DUE + timedelta(days=1))
    assert len(dms(double, double.member)) == 1


async def test_unknown_user_removes_the_subscription(running_bot, double, clock):
    await subscribe(double)
    await running_bot.store.set_dm_channel(double.member.id, None)
    double.unknown_users.add(double.member.id)
    await at(clock, running_bot, DUE)
    assert await running_bot.store.subscription(double.member.id) is None


async def test_a_rate_limit_and_a_server_error_are_retried(running_bot, double, clock):
    await subscribe(double)
    double.fail_next("POST", "/channels/{id}/messages", 429, retry_after=0.01, via=False)
    await at(clock, running_bot, DUE)
    assert len(dms(double, double.member)) == 1
    double.fail_next("POST", "/channels/{id}/messages", 503)
    await clock.set(DUE + timedelta(days=1))
    dispatcher(running_bot).poke()
    for _ in range(500):
        if dispatcher(running_bot).counts["retried"] == 1:
            break
        await asyncio.sleep(0.01)
    assert dispatcher(running_bot).counts["retried"] == 1
    await clock.advance(timedelta(seconds=1))  # the dispatcher's first backoff
    await settle(running_bot)
    assert len(dms(double, double.member)) == 2
    assert [s["status"] for s in await running_bot.store.sends(double.member.id)] == ["sent"] * 2


@pytest.mark.parametrize(
    ("time", "tz", "says"),
    [
        ("25:00", "Europe/London", "07:30, 7:30 am, 7.30, 0730, 7pm, noon or midnight"),
        ("7.60pm", "Europe/London", "7:30 am"),
        ("half seven", "Europe/London", "noon"),
        ("", "Europe/London", "empty"),
        ("07:30", "Mars/Olympus", "Europe/London"),
        ("07:30", "UTC+15", "UTC-12 to UTC+14"),
        ("07:30", "", "Which time zone are you in?"),  # none given and none stored
    ],
)
async def test_bad_input_gets_a_short_ephemeral_error_and_nothing_is_stored(
    running_bot, double, time, tz, says
):
    handle, reply = await subscribe(double, time=time, tz=tz)
    assert handle.ephemeral
    assert says in reply["content"] and len(reply["content"]) < 200
    assert await running_bot.store.subscription(double.member.id) is None
    assert double.requests_to("POST", "/users/@me/channels") == []


async def test_timezone_autocomplete(running_bot, double):
    handle = await double.autocomplete(
        "remind", "timezone", {"time": "07:30", "timezone": "new yo"}, subcommand="subscribe"
    )
    names = [c["value"] for c in await handle.choices()]
    assert names[0] == "America/New_York" and len(names) <= 25


async def test_remind_test_sends_one_now_or_says_dms_are_closed(running_bot, double):
    handle = await double.slash("remind", subcommand="test")
    assert "Sent" in (await handle.reply())["content"]
    (dm,) = dms(double, double.member)
    assert dm["embeds"][0]["fields"][-1]["value"] == running_bot.knowledge.disclaimer
    double.dm_closed.add(double.other_member.id)
    closed = await double.slash("remind", subcommand="test", user=double.other_member)
    assert "DMs are closed" in (await closed.reply())["content"]
    assert (
        await running_bot.store.subscription(double.member.id) is None
    )  # a test subscribes nobody


async def test_pause_resume_unsubscribe_and_forgetme_keep_the_store_consistent(
    running_bot, double, clock
):
    store = running_bot.store
    for command in ("pause", "resume", "unsubscribe", "list"):
        h = await double.slash("remind", subcommand=command)
        assert "You have no reminders" in (await h.reply())["content"]
    await subscribe(double)
    assert "paused" in (await (await double.slash("remind", subcommand="pause")).reply())["content"]
    assert (await store.subscription(double.member.id)).status == "paused"
    await at(clock, running_bot, DUE)
    assert dms(double, double.member) == []  # paused: nothing sent
    assert await store.check_consistency() == []
    await (await double.slash("remind", subcommand="resume")).reply()
    assert (await store.subscription(double.member.id)).next_due == DUE + timedelta(days=1)
    await at(clock, running_bot, DUE + timedelta(days=1))
    assert len(dms(double, double.member)) == 1
    assert await store.check_consistency() == []
    h = await double.slash("remind", subcommand="unsubscribe")
    assert "deleted" in (await h.reply())["content"]
    assert await store.subscription(double.member.id) is None
    assert await store.check_consistency() == []
    await subscribe(double)
    await (await double.slash("forgetme")).reply()
    assert await store.subscription(double.member.id) is None
    assert await store.sends(double.member.id) == []
    assert await store.check_consistency() == []


async def test_restart_during_the_day_sends_nothing_twice(double, settings, clock):
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        await subscribe(double)
        await at(clock, bot, DUE)
    finally:
        await stop_bot(bot, task)
    assert len(dms(double, double.member)) == 1
    await clock.set(DUE + timedelta(minutes=30))
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        await settle(bot)
        assert len(dms(double, double.member)) == 1
        await at(clock, bot, DUE + timedelta(days=1))
        assert len(dms(double, double.member)) == 2
    finally:
        await stop_bot(bot, task)


@pytest.mark.parametrize("command", ["stretches", "core"])
async def test_remind_me_daily_under_a_routine_leads_to_the_same_subscription(
    running_bot, double, clock, command
):
    shown = await (await double.slash(command)).reply()
    button = f"remind:start:{command}"
    assert button in custom_ids(shown)
    click = await double.click(shown, button)
    opened = await click.response()
    assert opened["type"] == MODAL
    form = opened["data"]
    assert [c["custom_id"] for row in form["components"] for c in row["components"]] == [
        "time",
        "timezone",
    ]
    bad = await submit_form(double, click, form, {"time": "half six", "timezone": "Europe/London"})
    assert "7:30 am" in (await bad.reply())["content"]
    assert await running_bot.store.subscription(double.member.id) is None
    # a submitted form is closed: the member clicks the button again and fixes the time
    again = await double.click(shown, button)
    form = (await again.response())["data"]
    good = await submit_form(
        double, again, form, {"time": "6:45pm", "timezone": "america/new_york"}
    )
    assert "18:45" in text_of(await good.reply()) and good.ephemeral
    sub = await running_bot.store.subscription(double.member.id)
    assert (sub.routine, sub.tz, sub.local_time.hour, sub.local_time.minute) == (
        command,
        "America/New_York",
        18,
        45,
    )
    # 18:45 in New York on Mon 2 Mar is 23:45 UTC
    await at(clock, running_bot, datetime(2026, 3, 2, 23, 45, tzinfo=UTC))
    (dm,) = dms(double, double.member)
    assert custom_ids(dm)[0] == "remind:done:2026-03-02"


async def test_a_ready_event_after_the_cog_unloaded_does_not_restart_the_dispatcher(
    running_bot,
):
    cog = running_bot.get_cog("Reminders")
    assert cog is not None and cog.dispatcher.running
    await running_bot.remove_cog("Reminders")
    assert not cog.dispatcher.running
    await cog.on_ready()  # discord.py may still deliver a 'ready' queued before the unload
    assert not cog.dispatcher.running
