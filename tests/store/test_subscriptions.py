"""Reminders stay consistent through subscribe, pause, resume and unsubscribe; a member has up
to three named reminders and one time zone, which their reminders follow."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.schedule import MAX_REMINDERS
from bot.store import SubscriptionStatus, TooManyReminders

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def add(store, name, hour, *, tz="Europe/London", routine="both", user_id=7, at=T0):
    return await store.subscribe(
        user_id=user_id,
        name=name,
        dm_channel_id=70,
        local_time=time(hour, 0),
        tz=tz,
        routine=routine,
        at=at,
    )


async def test_subscribe_pause_resume_unsubscribe_stay_consistent(store):
    sub, new = await store.subscribe(
        user_id=7,
        dm_channel_id=70,
        local_time=time(7, 30),
        tz="Europe/London",
        routine="both",
        at=T0,
    )
    assert new and sub.status == "active" and sub.dm_channel_id == 70 and sub.name == "daily"
    assert sub.status is SubscriptionStatus.ACTIVE
    assert sub.next_due == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    assert sub.next_local_date == date(2026, 3, 2)
    assert await store.zone(7) == "Europe/London"  # remembered from the first subscribe
    assert await store.check_consistency() == []

    sub2, new2 = await store.subscribe(
        user_id=7,
        dm_channel_id=None,
        local_time=time(18, 0),
        tz="Europe/London",
        routine="core",
        at=T0,
    )
    assert not new2 and sub2.id == sub.id and sub2.dm_channel_id == 70
    assert sub2.next_due == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)

    assert await store.pause(7, reason="asked by member", at=T0) == 1
    assert await store.pause(7, reason="again", at=T0) == 0
    paused = await store.subscription(7)
    assert paused.status == "paused" and paused.pause_reason == "asked by member"
    assert await store.next_due_time() is None
    assert await store.check_consistency() == []

    later = T0 + timedelta(days=3)
    (resumed,) = await store.resume(7, at=later)
    assert resumed.status == "active" and resumed.pause_reason is None
    assert resumed.next_due == datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    assert await store.resume(7, at=later) == []  # nothing paused now
    assert await store.check_consistency() == []

    claimed = await store.claim_due(now=resumed.next_due, grace=timedelta(hours=2))
    assert len(claimed.claims) == 1 and claimed.claims[0].name == "daily"
    assert await store.unsubscribe(7) == 1
    assert await store.unsubscribe(7) == 0
    assert await store.subscription(7) is None
    assert await store.sends(7) == []  # the send records went with the subscription
    assert await store.check_consistency() == []
    assert await store.resume(7, at=later) == []


async def test_three_named_reminders_a_fourth_is_refused(store):
    stretches, _ = await add(store, "stretches", 7, routine="stretches")
    core, _ = await add(store, "core", 19, routine="core")
    await add(store, "lunch", 12)
    with pytest.raises(TooManyReminders) as info:
        await add(store, "late", 22)
    assert info.value.limit == MAX_REMINDERS == 3
    assert [s.name for s in await store.reminders(7)] == ["stretches", "lunch", "core"]
    # replacing one by its name is no fourth
    again, new = await add(store, "core", 20, routine="core")
    assert not new and again.id == core.id and again.local_time == time(20, 0)
    # another member is counted apart
    await add(store, "late", 22, user_id=8)
    assert len({s.id for s in await store.reminders(7)} | {stretches.id}) == 3
    assert await store.check_consistency() == []


async def test_pause_resume_and_remove_by_name_leave_the_others(store):
    await add(store, "stretches", 7)
    await add(store, "core", 19)
    assert await store.pause(7, "core", reason="by you", at=T0) == 1
    assert [(s.name, s.status) for s in await store.reminders(7)] == [
        ("stretches", "active"),
        ("core", "paused"),
    ]
    assert await store.pause(7, "nope", reason="by you", at=T0) == 0
    assert [s.name for s in await store.resume(7, "stretches", at=T0)] == []  # not paused
    assert [s.name for s in await store.resume(7, "core", at=T0)] == ["core"]
    assert await store.pause(7, reason="holiday", at=T0) == 2  # no name: all of them
    assert len(await store.resume(7, at=T0)) == 2
    assert await store.unsubscribe(7, "stretches") == 1
    assert [s.name for s in await store.reminders(7)] == ["core"]
    assert await store.check_consistency() == []


async def test_a_new_zone_moves_every_reminder_to_the_same_wall_clock_time(store):
    await add(store, "stretches", 7)
    await add(store, "core", 19)
    moved = await store.set_zone(7, "America/New_York", at=T0)
    assert {s.tz for s in moved} == {"America/New_York"}
    assert [s.next_due for s in moved] == [
        datetime(2026, 3, 2, 12, 0, tzinfo=UTC),  # 07:00 in New York (EST)
        datetime(2026, 3, 2, 0, 0, tzinfo=UTC),  # 19:00 on 1 Mar in New York
    ]
    assert await store.zone(7) == "America/New_York"
    # subscribing with a zone makes it the member's zone: the other reminders follow
    await add(store, "lunch", 12, tz="UTC+02:00")
    assert {s.tz for s in await store.reminders(7)} == {"UTC+02:00"}
    assert (await store.subscription(7, "stretches")).next_due == datetime(
        2026, 3, 2, 5, 0, tzinfo=UTC
    )
    assert await store.check_consistency() == []


async def test_a_zone_change_never_sends_a_local_day_twice(store):
    await add(store, "daily", 7)
    due = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    (claim,) = (await store.claim_due(now=due, grace=timedelta(hours=2))).claims
    await store.finish_send(claim.send_id, status="sent", at=due)
    # an hour later the member moves to New York, where 2 Mar 07:00 is still to come
    await store.set_zone(7, "America/New_York", at=due + timedelta(hours=1))
    moved = await store.subscription(7)
    assert moved.next_local_date == date(2026, 3, 2)
    result = await store.claim_due(now=moved.next_due, grace=timedelta(hours=2))
    assert result.claims == []  # 2 Mar was sent already
    assert (await store.subscription(7)).next_local_date == date(2026, 3, 3)
    assert [s["local_date"] for s in await store.sends(7)] == [date(2026, 3, 2)]


async def test_closed_dms_pause_all_of_a_members_reminders_with_one_notice(store):
    await add(store, "stretches", 7)
    await add(store, "core", 19)
    await add(store, "other", 7, user_id=8)
    assert await store.pause_member(7, reason="closed", notice="tell", at=T0) == 2
    assert await store.pause_member(7, reason="closed", notice="tell", at=T0) == 0
    assert await store.pop_notices(7) == ["tell"]
    assert {s.status for s in await store.reminders(7)} == {"paused"}
    assert (await store.subscription(8)).status == "active"


async def test_an_unknown_zone_is_refused_and_stores_nothing(store):
    with pytest.raises(ValueError):
        await add(store, "daily", 7, tz="Mars/Olympus")
    with pytest.raises(ValueError):
        await store.set_zone(7, "Europe/Atlantis", at=T0)
    assert await store.reminders(7) == [] and await store.zone(7) is None
