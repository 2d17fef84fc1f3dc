"""Asked questions and feedback: gaps, stats, prune, each one server's; votes that change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import Vote

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def test_one_vote_per_member_and_answer_which_the_member_can_switch(store):
    kw = {"entry": "treat-rest", "at": T0, "guild_id": 9}
    vote = store.record_feedback
    assert await vote(message_id=1, user_id=5, helpful=True, **kw) is Vote.RECORDED
    assert await vote(message_id=1, user_id=5, helpful=True, **kw) is Vote.UNCHANGED
    assert await vote(message_id=1, user_id=5, helpful=False, **kw) is Vote.CHANGED
    assert await vote(message_id=1, user_id=5, helpful=False, **kw) is Vote.UNCHANGED
    assert await vote(message_id=1, user_id=6, helpful=False, **kw) is Vote.RECORDED
    assert await vote(message_id=2, user_id=5, helpful=True, **kw) is Vote.RECORDED
    stats = await store.stats(guild_id=9, since=T0 - DAY)
    assert (stats.helpful, stats.not_helpful) == (1, 2)


async def test_gaps_stats_and_prune(store):
    async def ask(q, kind, entry=None, at=T0, user=1):
        return await store.log_question(
            guild_id=9, user_id=user, question=q, kind=kind, entry=entry, at=at
        )

    await ask("Can I swim with it?", "none")
    latest = await ask("can i SWIM with it", "none", at=T0 + timedelta(hours=1))
    await ask("what about yoga?", "suggest")
    await ask("why does my back hurt", "answer", "causes")
    await ask("why does my back ache", "answer", "causes")
    await ask("ice or heat", "answer", "treat-ice-heat")
    await ask("chest pain", "urgent")
    await ask("old question", "none", at=T0 - timedelta(days=40))
    gaps = await store.gaps(guild_id=9, since=T0 - timedelta(days=30), limit=10)
    assert gaps[0].question == "can i swim with it" and gaps[0].count == 2
    assert gaps[0].last_at == T0 + timedelta(hours=1)
    assert gaps[0].question_id == latest
    assert [g.question for g in gaps] == ["can i swim with it", "what about yoga"]
    stats = await store.stats(guild_id=9, since=T0 - timedelta(days=30))
    assert (stats.questions, stats.answered) == (7, 3)
    assert stats.top_entries == [("causes", 2), ("treat-ice-heat", 1)]
    pruned = await store.prune(T0 - timedelta(days=30))
    assert pruned["questions"] == 1
    all_time = await store.stats(guild_id=9, since=T0 - timedelta(days=400))
    assert all_time.questions == 7


async def test_each_server_reads_only_its_own_and_a_dm_belongs_to_none(store):
    for guild, user, text in ((1, 10, "swim?"), (2, 20, "yoga?"), (None, 30, "cycling?")):
        await store.log_question(
            guild_id=guild, user_id=user, question=text, kind="none", entry=None, at=T0
        )
        await store.log_question(
            guild_id=guild, user_id=user, question="", kind="answer", entry="causes", at=T0
        )
        await store.record_feedback(
            message_id=user, user_id=user, guild_id=guild, entry="causes", helpful=True, at=T0
        )
    since = T0 - DAY
    assert [g.question for g in await store.gaps(guild_id=1, since=since)] == ["swim"]
    assert [g.question for g in await store.gaps(guild_id=2, since=since)] == ["yoga"]
    for guild in (1, 2):
        s = await store.stats(guild_id=guild, since=since)
        assert (s.questions, s.answered, s.helpful, s.top_entries) == (2, 1, 1, [("causes", 1)])
    (swim,) = await store.gaps(guild_id=1, since=since)
    assert await store.gap(guild_id=1, question_id=swim.question_id, since=since) == swim
    assert await store.gap(guild_id=2, question_id=swim.question_id, since=since) is None
    nowhere = await store.stats(guild_id=3, since=since)
    assert (nowhere.questions, nowhere.helpful, nowhere.not_helpful) == (0, 0, 0)


async def test_a_gap_reads_by_name_and_unpacks_as_the_admin_cog_does(store):
    ask = {"guild_id": 9, "user_id": 1, "kind": "none", "entry": None, "at": T0}
    await store.log_question(question="Swim?", **ask)
    (gap,) = await store.gaps(guild_id=9, since=T0 - DAY)
    question, count, last_at = gap
    assert (question, count, last_at) == (gap.question, gap.count, gap.last_at) == ("swim", 1, T0)
