"""routines.yaml: the exercises and the week of daily routines the reminders send."""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge.model import EXERCISE_KINDS, DayRoutine, Exercise
from bot.core.knowledge.yamlfile import Checker, read_yaml

ROUTINES_TOP = ("exercises", "week")
EXERCISE_FIELDS = ("id", "name", "kind", "targets", "steps", "dose")
DAY_FIELDS = ("name", "stretches", "core")


def load_routines(path: Path, check: Checker) -> tuple[dict[str, Exercise], tuple[DayRoutine, ...]]:
    data = read_yaml(path, check)
    exercises: dict[str, Exercise] = {}
    declared: set[str] = set()  # ids of exercises with errors too: reported once, not again
    if data is None or not check.fields(data, ROUTINES_TOP, ""):
        return exercises, ()
    raw_ex = data.get("exercises")
    if not isinstance(raw_ex, list) or not raw_ex:
        check.fail("", "'exercises' must be a non-empty list")
        raw_ex = []
    for n, raw in enumerate(raw_ex, start=1):
        found = check.identified(raw, n, "exercise", EXERCISE_FIELDS, declared)
        if found is None:
            continue
        ident, where = found
        name = check.text(raw, "name", where, 100)
        kind = check.text(raw, "kind", where, 20)
        if kind is not None and kind not in EXERCISE_KINDS:
            check.fail(where, f"'kind' must be one of {', '.join(EXERCISE_KINDS)}, got {kind!r}")
            kind = None
        dose = check.text(raw, "dose", where, 100)
        steps = check.texts(raw, "steps", where, required=True)
        targets = check.texts(raw, "targets", where)
        if None in (name, kind, dose) or not steps:
            continue
        exercises[ident] = Exercise(ident, name, kind, targets, steps, dose)  # type: ignore[arg-type]
    week: list[DayRoutine] = []
    raw_week = data.get("week")
    if not isinstance(raw_week, list) or len(raw_week) != 7:
        check.fail("", "'week' must list exactly 7 daily routines")
        raw_week = raw_week if isinstance(raw_week, list) else []
    for n, raw in enumerate(raw_week, start=1):
        where = f"week day {n}: "
        if not check.fields(raw, DAY_FIELDS, where):
            continue
        name = check.text(raw, "name", where, 100)
        parts: dict[str, tuple[Exercise, ...]] = {}
        for key, kinds in (("stretches", ("dynamic", "static")), ("core", ("core",))):
            picked = []
            for ex_id in check.texts(raw, key, where, required=True):
                ex = exercises.get(ex_id)
                if ex is None:
                    if ex_id not in declared:
                        check.fail(where, f"'{key}' names unknown exercise '{ex_id}'")
                elif ex.kind not in kinds:
                    check.fail(where, f"'{key}' lists '{ex_id}', which is a {ex.kind} exercise")
                else:
                    picked.append(ex)
            parts[key] = tuple(picked)
        if name is not None and parts["stretches"] and parts["core"]:
            week.append(DayRoutine(name, parts["stretches"], parts["core"]))
    seen: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    for n, day in enumerate(week, start=1):
        plan = (tuple(e.id for e in day.stretches), tuple(e.id for e in day.core))
        for part, ids in zip(("stretches", "core"), plan, strict=True):
            if len(set(ids)) != len(ids):
                check.fail(f"week day {n}: ", f"'{part}' lists an exercise twice")
        if plan in seen:
            check.fail(f"week day {n}: ", f"is the same routine as day {seen[plan]}")
        seen.setdefault(plan, n)
    return exercises, tuple(week)
