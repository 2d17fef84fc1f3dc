"""Forgetting a member deletes everything about them, and only them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_forget_member_deletes_everything_about_them_only(store):
    for uid in (1, 2):
        await store.log_question(
            guild_id=9, user_id=uid, question="q", kind="none", entry=None, at=T0
        )
        await store.record_feedback(
            message_id=50, user_id=uid, guild_id=9, entry="x", helpful=True, at=T0
        )
        for name, hour in (("core", 12), ("evening", 19)):
            await store.subscribe(
                user_id=uid,
                name=name,
                dm_channel_id=uid * 10,
                local_time=time(hour, 0),
                tz="UTC",
                routine="core",
                at=T0,
            )
        await store.add_notice(uid, "hello", at=T0)
        await store.record_routine(uid, date(2026, 3, 1), "done", at=T0)
    await store.claim_due(now=T0 + timedelta(days=1), grace=timedelta(hours=2))
    counts = await store.forget_member(1)
    assert counts == {
        "questions": 1,
        "feedback": 1,
        "sends": 2,  # one per reminder
        "notices": 1,
        "routine_log": 1,
        "subscriptions": 2,
        "learned_askers": 0,
        "member_zones": 1,
        "learned_phrasings": 0,
    }
    assert await store.reminders(1) == [] and await store.zone(1) is None
    assert await store.pop_notices(1) == []
    assert await store.streak(1, date(2026, 3, 1)) == (0, 0)
    assert len(await store.reminders(2)) == 2 and await store.zone(2) == "UTC"
    assert len(await store.sends(2)) == 2
    assert await store.pop_notices(2) == ["hello"]
    assert await store.check_consistency() == []
    assert await store.forget_member(1) == dict.fromkeys(counts, 0)
