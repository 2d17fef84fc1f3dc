"""The store: migrations, the FAQ cogs' queries, and consistency after every member action."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.store import MIGRATIONS, Store
from bot.store.faults import DatabaseUnusable

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path):
    s = await Store.open(tmp_path / "nested" / "bot.sqlite3")
    yield s
    await s.close()


async def test_open_creates_file_wal_fk_and_latest_version(tmp_path):
    path = tmp_path / "a" / "b" / "bot.sqlite3"
    s = await Store.open(path)
    try:
        assert path.is_file()
        assert await s.schema_version() == len(MIGRATIONS)
        async with s.connection.db.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with s.connection.db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
    finally:
        await s.close()


async def test_migrations_run_once_and_keep_data(tmp_path):
    path = tmp_path / "bot.sqlite3"
    s = await Store.open(path)
    await s.enable_channel(1, 2)
    await s.close()
    s = await Store.open(path)  # a second open must not re-run migration 1 (tables exist)
    try:
        assert await s.enabled_channels(1) == [2]
        assert await s.schema_version() == len(MIGRATIONS)
    finally:
        await s.close()


async def test_a_failing_migration_rolls_back_and_leaves_the_version(tmp_path, monkeypatch):
    path = tmp_path / "bot.sqlite3"
    s = await Store.open(path)
    await s.close()
    failing = "CREATE TABLE extra (x INTEGER); SELECT nope()"
    monkeypatch.setattr("bot.store.migrations.SQLITE", (*MIGRATIONS, failing))
    with pytest.raises(DatabaseUnusable, match=r"DATABASE_PATH=.*no such function: nope"):
        await Store.open(path)
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in names
    finally:
        con.close()


async def test_channels(store):
    assert await store.enable_channel(10, 100) is True
    assert await store.enable_channel(10, 100) is False
    assert await store.enable_channel(10, 101) is True
    assert await store.enable_channel(11, 100) is True
    assert await store.enabled_channels(10) == [100, 101]
    assert await store.is_enabled(10, 101) and not await store.is_enabled(10, 102)
    assert await store.disable_channel(10, 100) is True
    assert await store.disable_channel(10, 100) is False
    assert await store.enabled_channels(10) == [101]
    assert await store.enabled_channels(11) == [100]


async def test_feedback_once_per_member_and_answer(store):
    kw = {"entry": "treat-rest", "at": T0}
    assert await store.record_feedback(message_id=1, user_id=5, helpful=True, **kw) is True
    assert await store.record_feedback(message_id=1, user_id=5, helpful=False, **kw) is False
    assert await store.record_feedback(message_id=1, user_id=6, helpful=False, **kw) is True
    assert await store.record_feedback(message_id=2, user_id=5, helpful=True, **kw) is True
    stats = await store.stats(since=T0 - timedelta(days=1))
    assert (stats.helpful, stats.not_helpful) == (2, 1)


async def test_gaps_stats_and_prune(store):
    async def ask(q, kind, entry=None, at=T0, user=1):
        return await store.log_question(
            guild_id=9, user_id=user, question=q, kind=kind, entry=entry, at=at
        )

    await ask("Can I swim with it?", "none")
    await ask("can i SWIM with it", "none", at=T0 + timedelta(hours=1))
    await ask("what about yoga?", "suggest")
    await ask("why does my back hurt", "answer", "causes")
    await ask("why does my back ache", "answer", "causes")
    await ask("ice or heat", "answer", "treat-ice-heat")
    await ask("chest pain", "urgent")
    await ask("old question", "none", at=T0 - timedelta(days=40))
    gaps = await store.gaps(since=T0 - timedelta(days=30), limit=10)
    assert gaps[0].question == "can i swim with it" and gaps[0].count == 2
    assert gaps[0].last_at == T0 + timedelta(hours=1)
    assert [g.question for g in gaps] == ["can i swim with it", "what about yoga"]
    stats = await store.stats(since=T0 - timedelta(days=30))
    assert (stats.questions, stats.answered) == (7, 3)
    assert stats.top_entries == [("causes", 2), ("treat-ice-heat", 1)]
    pruned = await store.prune(T0 - timedelta(days=30))
    assert pruned["questions"] == 1
    all_time = await store.stats(since=T0 - timedelta(days=400))
    assert all_time.questions == 7


async def test_naive_datetimes_are_refused(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.log_question(
            guild_id=1,
            user_id=1,
            question="q",
            kind="none",
            entry=None,
            at=datetime(2026, 1, 1),  # noqa: DTZ001
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
    assert new and sub.status == "active" and sub.dm_channel_id == 70
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


async def test_forget_member_deletes_everything_about_them_only(store):
    for uid in (1, 2):
        await store.log_question(
            guild_id=9, user_id=uid, question="q", kind="none", entry=None, at=T0
        )
        await store.record_feedback(message_id=50, user_id=uid, entry="x", helpful=True, at=T0)
        await store.subscribe(
            user_id=uid,
            dm_channel_id=uid * 10,
            local_time=time(12, 0),
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
        "sends": 1,
        "notices": 1,
        "routine_log": 1,
        "subscriptions": 1,
    }
    assert await store.subscription(1) is None
    assert await store.pop_notices(1) == []
    assert await store.streak(1, date(2026, 3, 1)) == (0, 0)
    assert (await store.subscription(2)) is not None
    assert len(await store.sends(2)) == 1
    assert await store.pop_notices(2) == ["hello"]
    assert await store.check_consistency() == []
    assert await store.forget_member(1) == dict.fromkeys(counts, 0)


async def test_notices_pop_once_in_order(store):
    await store.add_notice(3, "first", at=T0)
    await store.add_notice(3, "second", at=T0)
    assert await store.has_notices(3)
    assert await store.pop_notices(3) == ["first", "second"]
    assert await store.pop_notices(3) == []
    assert not await store.has_notices(3)


async def test_streak_counts_done_days_and_skips_rest(store):
    d = date(2026, 3, 10)
    assert await store.record_routine(4, d - timedelta(days=3), "done", at=T0)
    assert await store.record_routine(4, d - timedelta(days=2), "skip", at=T0)
    assert await store.record_routine(4, d - timedelta(days=1), "done", at=T0)
    assert not await store.record_routine(4, d - timedelta(days=1), "done", at=T0)
    assert await store.streak(4, d) == (2, 2)  # today not done yet: the streak holds
    assert await store.record_routine(4, d, "done", at=T0)
    assert await store.streak(4, d) == (3, 3)
    assert await store.streak(4, d + timedelta(days=2)) == (0, 3)  # a missed day breaks it


async def test_claim_is_unique_per_subscription_and_local_date(store):
    sub, _ = await store.subscribe(
        user_id=1, dm_channel_id=10, local_time=time(7, 0), tz="UTC", routine="both", at=T0
    )
    first = await store.claim_due(now=sub.next_due, grace=timedelta(hours=2))
    assert [c.local_date for c in first.claims] == [date(2026, 3, 2)]
    assert (await store.claim_due(now=sub.next_due, grace=timedelta(hours=2))).claims == []
    # the member changes their time to later the same day: no second reminder that day
    again, _ = await store.subscribe(
        user_id=1,
        dm_channel_id=None,
        local_time=time(9, 0),
        tz="UTC",
        routine="both",
        at=sub.next_due,
    )
    assert again.next_local_date == date(2026, 3, 2)
    none = await store.claim_due(now=again.next_due, grace=timedelta(hours=2))
    assert none.claims == []
    nxt = await store.subscription(1)
    assert nxt.next_local_date == date(2026, 3, 3)
    assert [s["status"] for s in await store.sends(1)] == ["claimed"]
