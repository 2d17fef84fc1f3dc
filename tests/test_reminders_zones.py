"""Time zones and times as members of other reminder bots type them, end to end: the zone is
stored once, Etc/UTC and GMT are zones, UTC+2 is a fixed offset (never "UTC"), an
abbreviation is confirmed with Yes / No buttons that work after a restart, and 7.30, 0730,
noon and 7:30 am are times.

START is Monday 2 Mar 2026 12:00 UTC; London is on GMT until 29 Mar.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.app import create_bot
from tests.double.interactions import MODAL, UPDATE_MESSAGE
from tests.helpers import (
    DUE,
    at,
    custom_ids,
    dms,
    start_bot,
    stop_bot,
    submit_form,
    subscribe,
    text_of,
)


async def test_the_zone_is_remembered_from_the_first_subscribe(running_bot, double, clock):
    await subscribe(double)  # 07:30 Europe/London
    _handle, reply = await subscribe(double, time="19:00", routine="core", tz=None)
    assert "Europe/London" in text_of(reply) and "“core” is set" in text_of(reply)
    subs = await running_bot.store.reminders(double.member.id)
    assert [(s.name, s.tz) for s in subs] == [("daily", "Europe/London"), ("core", "Europe/London")]
    await at(clock, running_bot, datetime(2026, 3, 2, 19, 0, tzinfo=UTC))
    (dm,) = dms(double, double.member)
    assert "“core”" in dm["embeds"][0]["footer"]["text"]


async def test_remind_timezone_shows_sets_and_moves_the_reminders(running_bot, double, clock):
    shown = await (await double.slash("remind", subcommand="timezone")).reply()
    assert "no time zone yet" in shown["content"]
    await subscribe(double)
    moved = await double.slash("remind", {"zone": "America/New_York"}, subcommand="timezone")
    text = (await moved.reply())["content"]
    assert "Your time zone is now **America/New_York, UTC-05:00 now**" in text
    assert "“daily” 07:30" in text  # the reminder keeps its wall-clock time there
    shown = await (await double.slash("remind", subcommand="timezone")).reply()
    assert "America/New_York" in shown["content"]
    # 07:30 in New York is 12:30 UTC; nothing goes out at 07:30 London any more
    await at(clock, running_bot, DUE)
    assert dms(double, double.member) == []
    await at(clock, running_bot, datetime(2026, 3, 3, 12, 30, tzinfo=UTC))
    assert len(dms(double, double.member)) == 1
    assert await running_bot.store.check_consistency() == []


@pytest.mark.parametrize("typed", ["Etc/UTC", "GMT", "utc", "etc/utc"])
async def test_utc_names_are_zones(running_bot, double, clock, typed):
    _handle, reply = await subscribe(double, tz=typed)
    body = text_of(reply)
    assert "is set" in body and "does not follow daylight saving" in body
    await at(clock, running_bot, datetime(2026, 3, 3, 7, 30, tzinfo=UTC))
    assert len(dms(double, double.member)) == 1


@pytest.mark.parametrize(
    ("typed", "key", "due"),
    [
        ("UTC+2", "UTC+02:00", datetime(2026, 3, 3, 5, 30, tzinfo=UTC)),
        ("GMT-05:30", "UTC-05:30", datetime(2026, 3, 3, 13, 0, tzinfo=UTC)),
    ],
)
async def test_a_fixed_offset_is_kept_and_shown_as_one_all_year(
    running_bot, double, clock, typed, key, due
):
    _handle, reply = await subscribe(double, tz=typed)
    body = text_of(reply)
    assert f"**07:30** ({key})" in body
    assert "does not follow daylight saving" in body and "Europe/Paris" in body
    assert "Did you mean" not in body  # UTC+2 was once "corrected" to UTC, two hours off
    assert (await running_bot.store.zone(double.member.id)) == key
    await at(clock, running_bot, due)
    assert len(dms(double, double.member)) == 1
    # in July, after Europe's clocks went forward, the offset is still the same
    july = due.replace(month=7, day=1)
    await at(clock, running_bot, july - timedelta(hours=1))
    await at(clock, running_bot, july)
    assert len(dms(double, double.member)) == 2
    last = (await running_bot.store.sends(double.member.id))[-1]
    assert (last["due"], last["status"]) == (july, "sent")


async def test_an_abbreviation_is_confirmed_before_anything_is_stored(running_bot, double, clock):
    _handle, asked = await subscribe(double, time="7:30 am", tz="EST")
    assert asked["content"].endswith("Did you mean America/New_York?")
    assert custom_ids(asked) == [
        "rz:y:America/New_York|0730|both|daily",
        "rz:n:America/New_York|0730|both|daily",
    ]
    assert await running_bot.store.reminders(double.member.id) == []
    yes = await double.click(asked, "rz:y:America/New_York|0730|both|daily")
    assert (await yes.response())["type"] == UPDATE_MESSAGE  # the question is replaced
    done = await yes.message()
    assert done["id"] == asked["id"] and custom_ids(done) == []
    assert "“daily” is set" in text_of(done) and "America/New_York" in text_of(done)
    await at(clock, running_bot, datetime(2026, 3, 3, 12, 30, tzinfo=UTC))  # 07:30 EST
    assert len(dms(double, double.member)) == 1


async def test_no_to_a_guessed_zone_changes_nothing(running_bot, double):
    await subscribe(double)
    handle = await double.slash("remind", {"zone": "cet"}, subcommand="timezone")
    asked = await handle.reply()
    assert asked["content"].endswith("Did you mean Europe/Paris?")
    no = await double.click(asked, "rz:n:Europe/Paris")
    assert "nothing is changed" in (await no.message())["content"]
    assert await running_bot.store.zone(double.member.id) == "Europe/London"


async def test_a_typo_offers_the_close_name_and_yes_works_after_a_restart(double, settings, clock):
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        await subscribe(double)
        asked = await (
            await double.slash("remind", {"zone": "Europe/Berln"}, subcommand="timezone")
        ).reply()
        assert "Did you mean Europe/Berlin?" in asked["content"]
    finally:
        await stop_bot(bot, task)
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        yes = await double.click(asked, "rz:y:Europe/Berlin")
        assert "Your time zone is now **Europe/Berlin" in (await yes.message())["content"]
        (sub,) = await bot.store.reminders(double.member.id)
        assert sub.tz == "Europe/Berlin" and sub.next_due == datetime(2026, 3, 3, 6, 30, tzinfo=UTC)
    finally:
        await stop_bot(bot, task)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7.30", time(7, 30)),
        ("0730", time(7, 30)),
        ("7:30 am", time(7, 30)),
        ("7.30pm", time(19, 30)),
        ("noon", time(12, 0)),
        ("midnight", time(0, 0)),
    ],
)
async def test_the_times_members_bring_from_other_bots(running_bot, double, typed, stored):
    _handle, reply = await subscribe(double, time=typed)
    assert f"**{stored:%H:%M}**" in text_of(reply)
    assert (await running_bot.store.subscription(double.member.id)).local_time == stored


async def test_zone_autocomplete_offers_offsets_and_abbreviations_first(running_bot, double):
    for typed, first in (("utc+2", "UTC+02:00"), ("EST", "America/New_York"), ("etc/u", "Etc/UTC")):
        handle = await double.autocomplete("remind", "zone", {"zone": typed}, subcommand="timezone")
        assert (await handle.choices())[0]["value"] == first


async def test_remind_me_daily_fills_in_the_stored_zone(running_bot, double, clock):
    await subscribe(double, tz="Asia/Kolkata")
    shown = await (await double.slash("core")).reply()
    click = await double.click(shown, "remind:start:core")
    opened = await click.response()
    assert opened["type"] == MODAL
    fields = {c["custom_id"]: c for row in opened["data"]["components"] for c in row["components"]}
    assert fields["timezone"]["value"] == "Asia/Kolkata" and not fields["timezone"]["required"]
    form = opened["data"]
    done = await submit_form(double, click, form, {"time": "noon", "timezone": ""})
    assert "“core” is set" in text_of(await done.reply())
    core = await running_bot.store.subscription(double.member.id, "core")
    assert core.tz == "Asia/Kolkata" and core.local_time == time(12, 0)
