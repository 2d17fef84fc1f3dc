"""The routines in knowledge/routines.yaml: a week of distinct daily routines, stretches for
before and after a run covering chest, shoulders and upper back, core work, all of it fitting
in a Discord embed; and the daily rotation never gives the same routine two days running."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.knowledge import DayRoutine, Knowledge, load_knowledge
from bot.core.replies import day_routine_reply, routine_reply

AREAS = {"chest", "shoulders", "upper back"}


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def ids(day: DayRoutine) -> set[str]:
    return {e.id for e in day.stretches + day.core}


def test_the_week_has_seven_distinct_days(knowledge: Knowledge) -> None:
    assert len(knowledge.week) == 7
    assert len({d.name for d in knowledge.week}) == 7
    assert len({(d.stretches, d.core) for d in knowledge.week}) == 7


def test_every_day_has_stretches_for_before_and_after_a_run_and_core(
    knowledge: Knowledge,
) -> None:
    for day in knowledge.week:
        kinds = [e.kind for e in day.stretches]
        assert "dynamic" in kinds and "static" in kinds, day.name
        # dynamic (before the run) listed ahead of static (after it)
        assert kinds == sorted(kinds, key=["dynamic", "static"].index), day.name
        assert day.core and all(e.kind == "core" for e in day.core), day.name
        targets = {t for e in day.stretches for t in e.targets}
        assert targets >= AREAS, f"{day.name} misses {AREAS - targets}"


def test_every_day_is_a_short_routine(knowledge: Knowledge) -> None:
    for day in knowledge.week:
        assert 3 <= len(day.stretches) + len(day.core) <= 7, day.name


def test_consecutive_days_share_no_exercise_even_across_the_week_end(
    knowledge: Knowledge,
) -> None:
    week = knowledge.week
    for n, day in enumerate(week):
        following = week[(n + 1) % len(week)]
        assert not ids(day) & ids(following), (day.name, following.name)


def test_every_exercise_is_used_in_the_week(knowledge: Knowledge) -> None:
    used = set().union(*(ids(d) for d in knowledge.week))
    assert used == set(knowledge.exercises)


@pytest.mark.parametrize("kind", ["dynamic", "static"])
def test_stretches_by_kind_cover_chest_shoulders_and_upper_back(
    knowledge: Knowledge, kind: str
) -> None:
    stretches = knowledge.by_kind(kind)
    assert len(stretches) >= 4
    for area in AREAS:
        assert [e for e in stretches if area in e.targets], f"no {kind} stretch for {area}"


def test_core_exercises_include_the_guides_planks_bridges_and_russian_twists(
    knowledge: Knowledge,
) -> None:
    core = knowledge.by_kind("core")
    names = " ".join(e.name.lower() for e in core)
    for word in ("plank", "bridge", "russian twist"):
        assert word in names
    assert len(core) >= 5


def test_each_exercise_has_short_how_to_steps_and_a_dose(knowledge: Knowledge) -> None:
    for ex in knowledge.exercises.values():
        assert 2 <= len(ex.steps) <= 4, ex.id
        assert all(len(s) <= 160 for s in ex.steps), ex.id
        assert ex.dose and any(ch.isdigit() for ch in ex.dose), ex.id
        assert ex.targets, ex.id


def test_a_days_full_routine_fits_in_one_discord_embed(knowledge: Knowledge) -> None:
    for day in knowledge.week:
        reply = day_routine_reply(day, "both", knowledge)
        assert reply.disclaimer == knowledge.disclaimer
        assert [name for name, _ in reply.fields] == [
            f"{e.name} ({e.dose})" for e in day.stretches + day.core
        ]
        assert len(reply.fields) <= 25
        assert all(len(name) <= 256 and len(value) <= 1024 for name, value in reply.fields)
        total = len(reply.title) + len(reply.disclaimer or "")
        total += sum(len(name) + len(value) for name, value in reply.fields)
        assert total <= 6000, day.name


@pytest.mark.parametrize("kind", ["dynamic", "static", "core"])
def test_the_stretches_and_core_lists_fit_in_one_discord_embed(
    knowledge: Knowledge, kind: str
) -> None:
    reply = routine_reply(kind, knowledge.by_kind(kind), knowledge)
    assert len(reply.fields) <= 25
    total = len(reply.disclaimer or "") + sum(len(n) + len(v) for n, v in reply.fields)
    assert total <= 6000


@pytest.mark.parametrize(
    "start",
    [date(2026, 11, 27), date(2026, 12, 25), date(2028, 2, 20), date(2027, 3, 22)],
    ids=str,
)
def test_the_rotation_never_repeats_the_previous_day(knowledge: Knowledge, start: date) -> None:
    from bot.core.schedule import routine_for

    days = [start + timedelta(days=n) for n in range(14)]
    picked = [routine_for(d, knowledge) for d in days]
    assert all(p in knowledge.week for p in picked)
    for before, after, day in zip(picked, picked[1:], days[1:], strict=False):
        assert before != after, f"same routine on {day - timedelta(days=1)} and {day}"
    # the same date always gives the same routine (a restart changes nothing)
    assert [routine_for(d, knowledge) for d in days] == picked
