"""Several named reminders per member, end to end: each keeps every guarantee of the one
daily reminder (exactly once per reminder and local day, with a nonce from its own id,
daylight-saving correct, paused when DMs close, erased by /forgetme); up to three, listed,
paused, resumed and removed by name; a database of the one-reminder release keeps going.

START is Monday 2 Mar 2026 12:00 UTC; London is on GMT until 29 Mar (clocks go forward at
01:00 UTC), so 01:30 does not exist in London that day.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

from bot.app import create_bot
from bot.reminders.delivery import DMS_CLOSED_NOTICE
from bot.store import MIGRATIONS, reminder_nonce
from tests.double.interactions import EPHEMERAL
from tests.helpers import (
    DUE,
    at,
    custom_ids,
    dms,
    start_bot,
    stop_bot,
    subscribe,
    text_of,
)

EVENING = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # core's first: subscribed at noon
SEVEN = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # stretches' first
NINETEEN = EVENING + timedelta(days=1)


async def stretches_and_core(double, user=None):
    await subscribe(double, user=user, time="07:00", routine="stretches")
    await subscribe(double, user=user, time="19:00", routine="core")


async def test_two_reminders_each_arrive_once_a_day_with_their_own_nonce(
    running_bot, double, clock
):
    await stretches_and_core(double)
    store = running_bot.store
    stretches, core = await store.reminders(double.member.id)
    assert (stretches.name, core.name) == ("stretches", "core")
    for day in range(2):
        await at(clock, running_bot, EVENING + timedelta(days=day))
        await at(clock, running_bot, SEVEN + timedelta(days=day))
    got = dms(double, double.member)
    assert [m["embeds"][0]["footer"]["text"] for m in got] == [
        "Reminder “core” · /remind list",
        "Reminder “stretches” · /remind list",
    ] * 2
    kinds = {f"{e.name} ({e.dose})": e.kind for e in running_bot.knowledge.exercises.values()}
    assert {kinds[f["name"]] for f in got[0]["embeds"][0]["fields"][:-1]} == {"core"}
    assert {kinds[f["name"]] for f in got[1]["embeds"][0]["fields"][:-1]} <= {"dynamic", "static"}
    assert [m["nonce"] for m in got] == [
        reminder_nonce(core.id, date(2026, 3, 2)),
        reminder_nonce(stretches.id, date(2026, 3, 3)),
        reminder_nonce(core.id, date(2026, 3, 3)),
        reminder_nonce(stretches.id, date(2026, 3, 4)),
    ]
    sends = await store.sends(double.member.id)
    assert [(s["subscription_id"], str(s["local_date"]), s["status"]) for s in sends] == [
        (core.id, "2026-03-02", "sent"),
        (stretches.id, "2026-03-03", "sent"),
        (core.id, "2026-03-03", "sent"),
        (stretches.id, "2026-03-04", "sent"),
    ]
    assert await store.check_consistency() == []


async def test_a_restart_between_two_reminders_sends_neither_twice(double, settings, clock):
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        await stretches_and_core(double)
        await at(clock, bot, EVENING)
        await at(clock, bot, SEVEN)
    finally:
        await stop_bot(bot, task)
    await clock.set(SEVEN + timedelta(minutes=30))
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        await at(clock, bot, NINETEEN)
        assert len(dms(double, double.member)) == 3
        await at(clock, bot, SEVEN + timedelta(days=1))
        assert len(dms(double, double.member)) == 4
        sends = await bot.store.sends(double.member.id)
        assert [s["status"] for s in sends] == ["sent"] * 4
    finally:
        await stop_bot(bot, task)


async def test_each_reminder_keeps_its_wall_clock_time_across_the_spring_change(
    running_bot, double, clock
):
    await clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    await subscribe(double, time="07:00", routine="stretches")
    await subscribe(double, time="01:30", routine="core")  # skipped by the change on 29 Mar
    expected = [
        datetime(2026, 3, 28, 1, 30, tzinfo=UTC),  # core, GMT
        datetime(2026, 3, 28, 7, 0, tzinfo=UTC),  # stretches, GMT
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # core: 02:00 BST, the first valid minute
        datetime(2026, 3, 29, 6, 0, tzinfo=UTC),  # stretches: 07:00 BST
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC),  # core: 01:30 BST
        datetime(2026, 3, 30, 6, 0, tzinfo=UTC),
    ]
    for when in expected:
        await at(clock, running_bot, when - timedelta(seconds=1))
        before = len(dms(double, double.member))
        await at(clock, running_bot, when)
        assert len(dms(double, double.member)) == before + 1, when
    sends = await running_bot.store.sends(double.member.id)
    assert [s["due"] for s in sends] == expected
    days = [(s["subscription_id"], s["local_date"]) for s in sends]
    assert len(days) == len(set(days))  # once per reminder and local day


async def test_up_to_three_and_a_name_replaces_its_own(running_bot, double):
    await stretches_and_core(double)
    _h, third = await subscribe(double, time="12:30", name="Lunch Walk")
    assert "“lunch walk” is set" in text_of(third)
    assert "Your other reminders: “stretches” 07:00, stretches; “core” 19:00" in text_of(third)
    _h, fourth = await subscribe(double, time="21:00", name="late")
    assert "You have 3 reminders" in fourth["content"] and "/remind remove" in fourth["content"]
    _h, again = await subscribe(double, time="20:00", routine="core")
    assert "“core” is updated" in text_of(again)
    subs = await running_bot.store.reminders(double.member.id)
    assert [(s.name, f"{s.local_time:%H:%M}") for s in subs] == [
        ("stretches", "07:00"),
        ("lunch walk", "12:30"),
        ("core", "20:00"),
    ]


async def test_pause_resume_and_remove_by_name(running_bot, double, clock):
    await stretches_and_core(double)
    paused = await double.slash("remind", {"name": "core"}, subcommand="pause")
    assert (await paused.reply())["content"].startswith("Reminder “core” is paused")
    listed = text_of(await (await double.slash("remind", subcommand="list")).reply())
    assert "**Paused:** Paused by you. /remind resume core restarts it." in listed
    await at(clock, running_bot, SEVEN)
    await at(clock, running_bot, NINETEEN)
    assert [m["embeds"][0]["footer"]["text"] for m in dms(double, double.member)] == [
        "Reminder “stretches” · /remind list"
    ]
    resumed = await double.slash("remind", {"name": "core"}, subcommand="resume")
    assert "Back on: “core”" in (await resumed.reply())["content"]
    removed = await double.slash("remind", {"name": "stretches"}, subcommand="remove")
    assert (await removed.reply())["content"] == "Reminder “stretches” is deleted."
    unknown = await double.slash("remind", {"name": "nope"}, subcommand="pause")
    assert "no reminder named that. Yours: “core”" in (await unknown.reply())["content"]
    await at(clock, running_bot, SEVEN + timedelta(days=1))
    await at(clock, running_bot, NINETEEN + timedelta(days=1))
    assert len(dms(double, double.member)) == 2  # core only, the next day
    everything = await double.slash("remind", subcommand="pause")
    assert "Your reminders are paused" in (await everything.reply())["content"]
    assert {s.status for s in await running_bot.store.reminders(double.member.id)} == {"paused"}
    assert await running_bot.store.check_consistency() == []


async def test_names_are_offered_as_the_member_types(running_bot, double):
    await stretches_and_core(double)
    await subscribe(double, user=double.other_member, time="06:00", name="mine")
    handle = await double.autocomplete("remind", "name", {"name": "co"}, subcommand="pause")
    assert [(c["name"], c["value"]) for c in await handle.choices()] == [
        ("“core” 19:00, core exercises", "core")
    ]
    every = await double.autocomplete("remind", "name", subcommand="remove")
    assert [c["value"] for c in await every.choices()] == ["stretches", "core"]
    tested = await double.slash("remind", {"name": "core"}, subcommand="test")
    assert "Sent!" in (await tested.reply())["content"]
    (dm,) = dms(double, double.member)
    assert dm["embeds"][0]["footer"]["text"] == "Reminder “core” · /remind list"
    wrong = await double.slash("remind", {"name": "nope"}, subcommand="test")
    assert "no reminder named that" in (await wrong.reply())["content"]


async def test_stop_under_one_reminder_stops_that_one_only(running_bot, double, clock):
    await stretches_and_core(double)
    await at(clock, running_bot, SEVEN)
    (dm,) = dms(double, double.member)
    stop = next(c for c in custom_ids(dm) if c.startswith("remind:stop:"))
    stopped = await double.click(dm, stop)
    assert "Reminder “stretches” stopped" in text_of(await stopped.reply())
    await at(clock, running_bot, NINETEEN)
    assert len(dms(double, double.member)) == 2
    assert [s.name for s in await running_bot.store.reminders(double.member.id)] == ["core"]


async def test_closed_dms_pause_every_reminder_with_one_notice(running_bot, double, clock):
    await stretches_and_core(double)
    double.dm_closed.add(double.member.id)
    await at(clock, running_bot, EVENING)
    await at(clock, running_bot, SEVEN)
    subs = await running_bot.store.reminders(double.member.id)
    assert [s.status for s in subs] == ["paused", "paused"]
    # stretches never even tried: paused with core's failure, the evening before
    (failed,) = await running_bot.store.sends(double.member.id)
    assert (failed["subscription_id"], failed["status"]) == (subs[1].id, "failed")
    handle = await double.slash("remind", subcommand="list")
    await handle.reply()
    notice = await handle.followup(0)
    assert notice["content"] == DMS_CLOSED_NOTICE and notice["flags"] & EPHEMERAL
    double.dm_closed.discard(double.member.id)
    resumed = await double.slash("remind", subcommand="resume")
    text = (await resumed.reply())["content"]
    assert text.startswith("Back on: “stretches”, next Wed 4 Mar, 07:00") and "“core”" in text
    await at(clock, running_bot, SEVEN + timedelta(days=1))
    await at(clock, running_bot, NINETEEN + timedelta(days=1))
    assert len(dms(double, double.member)) == 2


async def test_forgetme_erases_every_reminder_and_the_zone(running_bot, double, clock):
    await stretches_and_core(double)
    await at(clock, running_bot, SEVEN)
    await (await double.slash("forgetme")).reply()
    store = running_bot.store
    assert await store.reminders(double.member.id) == []
    assert await store.zone(double.member.id) is None
    assert await store.sends(double.member.id) == []
    _h, reply = await subscribe(double, tz=None)
    assert "Which time zone are you in?" in reply["content"]  # forgotten
    await at(clock, running_bot, NINETEEN)
    assert len(dms(double, double.member)) == 1
    assert await store.check_consistency() == []


def release_2_database(path, user_id: int, dm_channel_id: int) -> int:
    """A database as the one-reminder release left it: schema version 2, the member's one
    subscription (07:30 London, next due DUE) and yesterday's DM sent."""
    con = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        con.executescript(script)
    con.execute("PRAGMA user_version = 2")
    t = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
    cur = con.execute(
        "INSERT INTO subscriptions (user_id, dm_channel_id, local_time, tz, routine, status,"
        " created_at, updated_at, next_due_utc, next_local_date)"
        " VALUES (?, ?, '07:30', 'Europe/London', 'both', 'active', ?, ?, ?, '2026-03-03')",
        (user_id, dm_channel_id, t, t, DUE.timestamp()),
    )
    sid = int(cur.lastrowid or 0)
    con.execute(
        "INSERT INTO sends (subscription_id, user_id, local_date, due_utc, status, message_id,"
        " at) VALUES (?, ?, '2026-03-02', ?, 'sent', 1, ?)",
        (sid, user_id, (DUE - timedelta(days=1)).timestamp(), t),
    )
    con.commit()
    con.close()
    return sid


async def test_a_subscription_of_the_one_reminder_release_keeps_going_as_daily(
    double, settings, clock
):
    channel = double.dm_channel(double.member)
    sid = release_2_database(settings.database_path, double.member.id, channel.id)
    # a DM the previous release sent: its Stop button has no reminder id
    old_dm = double._store_message(
        {
            "embeds": [{"title": "Today's routine"}],
            "components": [{"type": 1, "components": [
                {"type": 2, "style": 4, "label": "Stop reminders", "custom_id": "remind:stop"}
            ]}],
        },
        channel,
    )  # fmt: skip
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        (sub,) = await bot.store.reminders(double.member.id)
        assert (sub.id, sub.name, sub.next_due) == (sid, "daily", DUE)
        assert await bot.store.zone(double.member.id) == "Europe/London"
        await at(clock, bot, DUE)
        dm = dms(double, double.member)[-1]
        assert dm["nonce"] == reminder_nonce(sid, date(2026, 3, 3))  # as the old release's
        assert dm["embeds"][0]["footer"]["text"] == "Reminder “daily” · /remind list"
        _h, second = await subscribe(double, time="19:00", routine="core", tz=None)
        assert "Your other reminders: “daily” 07:30" in text_of(second)
        stop = await double.click(old_dm, "remind:stop")  # stops all, as it said it would
        assert "Reminders stopped" in text_of(await stop.reply())
        assert await bot.store.reminders(double.member.id) == []
        assert await bot.store.check_consistency() == []
    finally:
        await stop_bot(bot, task)
