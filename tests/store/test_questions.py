"""Asked questions and feedback: gaps, stats, prune."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


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


async def test_a_gap_reads_by_name_and_unpacks_as_the_admin_cog_does(store):
    ask = {"guild_id": 9, "user_id": 1, "kind": "none", "entry": None, "at": T0}
    await store.log_question(question="Swim?", **ask)
    (gap,) = await store.gaps(since=T0 - timedelta(days=1))
    question, count, last_at = gap
    assert (question, count, last_at) == (gap.question, gap.count, gap.last_at) == ("swim", 1, T0)
