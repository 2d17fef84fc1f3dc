"""Learned phrasings: taught from one server's gaps, for that server; forgotten with the
members who asked them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SINCE = T0 - timedelta(days=1)


async def ask(store, guild, user, text, kind="none", learned=False):
    return await store.log_question(
        guild_id=guild,
        user_id=user,
        question=text,
        kind=kind,
        entry="treat-rest" if kind == "answer" else None,
        at=T0,
        learned=learned,
    )


async def test_a_taught_question_leaves_the_gaps_and_counts_in_stats(store):
    await ask(store, 1, 10, "Traps on fire, what now?")
    await ask(store, 1, 11, "traps on fire what now")
    other = await ask(store, 1, 12, "can I swim?")
    (gap, _) = await store.gaps(guild_id=1, since=SINCE)
    taught = await store.teach(guild_id=1, question_id=gap.question_id, entry="treat-rest", at=T0)
    assert taught is not None
    assert (taught.guild_id, taught.entry, taught.phrasing) == (1, "treat-rest", gap.question)
    assert [g.question_id for g in await store.gaps(guild_id=1, since=SINCE)] == [other]
    await ask(store, 1, 13, "", kind="answer", learned=True)
    stats = await store.stats(guild_id=1, since=SINCE)
    assert (stats.learned_phrasings, stats.answered_learned) == (1, 1)
    assert await store.learned_phrasings(1) == [taught]

    # teaching the same question again moves it to the new entry
    again = await store.teach(guild_id=1, question_id=gap.question_id, entry="causes", at=T0)
    assert again is not None and again.id == taught.id and again.entry == "causes"
    assert [p.entry for p in await store.all_learned_phrasings()] == ["causes"]


async def test_a_server_can_neither_teach_nor_see_another_servers_questions(store):
    theirs = await ask(store, 2, 20, "traps on fire")
    dm = await ask(store, None, 21, "traps on fire")
    answered = await ask(store, 1, 22, "", kind="answer")
    for question_id in (theirs, dm, answered, 999):
        assert await store.teach(guild_id=1, question_id=question_id, entry="x", at=T0) is None
    assert await store.learned_phrasings(1) == []
    mine = await store.teach(guild_id=2, question_id=theirs, entry="treat-rest", at=T0)
    assert mine is not None
    assert await store.learned_phrasings(1) == []
    assert not await store.unlearn(guild_id=1, phrasing_id=mine.id)
    assert await store.unlearn(guild_id=2, phrasing_id=mine.id)
    assert await store.learned_phrasings(2) == []


async def test_forgetting_the_last_asker_forgets_the_phrasing(store):
    await ask(store, 1, 10, "traps on fire")
    await ask(store, 1, 11, "Traps on fire!")
    (gap,) = await store.gaps(guild_id=1, since=SINCE)
    await store.teach(guild_id=1, question_id=gap.question_id, entry="treat-rest", at=T0)
    first = await store.forget_member(10)
    assert (first["learned_askers"], first["learned_phrasings"]) == (1, 0)
    assert len(await store.learned_phrasings(1)) == 1
    second = await store.forget_member(11)
    assert (second["learned_askers"], second["learned_phrasings"]) == (1, 1)
    assert await store.learned_phrasings(1) == []
    assert await store.check_consistency() == []
