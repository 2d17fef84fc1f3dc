"""Subscriptions stay consistent through subscribe, pause, resume and unsubscribe."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.store import SubscriptionStatus

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_subscribe_pause_resume_unsubscribe_stay_consistent(store):
    sub, new = await store.subscribe(
        user_id=7,
        dm_channel_id=70,
        local_time=time(7, 30),
        tz="Europe/London",
        routine="both",
        at=T0,
    )
    assert new and sub.status == "active" and sub.dm_channel_id == 70
    assert sub.status is SubscriptionStatus.ACTIVE
    assert sub.next_due == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    assert sub.next_local_date == date(2026, 3, 2)
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

    assert await store.pause(7, reason="asked by member", at=T0) is True
    assert await store.pause(7, reason="again", at=T0) is False
    paused = await store.subscription(7)
    assert paused.status == "paused" and paused.pause_reason == "asked by member"
    assert await store.next_due_time() is None
    assert await store.check_consistency() == []

    later = T0 + timedelta(days=3)
    resumed = await store.resume(7, at=later)
    assert resumed.status == "active" and resumed.pause_reason is None
    assert resumed.next_due == datetime(2026, 3, 4, 18, 0, tzinfo=UTC)
    assert await store.check_consistency() == []

    claimed = await store.claim_due(now=resumed.next_due, grace=timedelta(hours=2))
    assert len(claimed.claims) == 1
    assert await store.unsubscribe(7) is True
    assert await store.unsubscribe(7) is False
    assert await store.subscription(7) is None
    assert await store.sends(7) == []  # the send records went with the subscription
    assert await store.check_consistency() == []
    assert await store.resume(7, at=later) is None
