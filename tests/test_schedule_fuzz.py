"""Fuzzing the reminder core: 20,000 seeded random times, zones and names, then due instants
checked against a brute-force reference across daylight-saving changes.

What members type is built from the pieces of every accepted form (07:30, 7.30, 0730, 7:30
am, noon, UTC+2, GMT-05:30, EST, Etc/UTC, city names...) mixed with junk, so most inputs are
near misses. Reading one may refuse it (ValueError, with a short message) but never raise
anything else; whatever is accepted must read back the same from what the store keeps.

The reference for a due instant does not share due_on's walk: it scans the UTC minutes
around the day for the first one whose local wall clock is on that day at or after the set
time. That is the rule: a time skipped by spring forward fires at the first minute after it,
a time repeated by fall back fires at its first occurrence.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.core.schedule import (
    ABBREVIATIONS,
    TIME_HELP,
    ZoneError,
    format_time,
    next_due,
    parse_time,
    read_zone,
    reminder_name,
    zone_choices,
    zone_of,
)

INPUTS = 20_000
WALKS = 300  # (zone, time) pairs, each walked over 6 days around a change of offset
SEED = 11

TIME_PIECES = [
    *(str(n) for n in range(0, 26)),
    "07", "00", "30", "59", "60", "99", "0730", "1930", "730", "2400", "12",
    ":", ".", " ", "am", "pm", "a.m.", "p.m.", "AM", "PM", "m", "h",
    "noon", "midnight", "midday", "12 noon", "o'clock", "-", "+", "\u00a0", "\u200b", "٣",
]  # fmt: skip
ZONE_PIECES = [
    "UTC", "utc", "GMT", "gmt", "Etc/", "Etc/UTC", "Etc/GMT", "Z", "+", "-", "\u2212", ":",
    "0", "1", "2", "5", "05", "12", "14", "15", "30", "45", "75", "0530", " ",
    "Europe/London", "America/New_York", "america/new york", "Asia/Kolkata", "Europe/Berln",
    "Australia/Lord_Howe", "Mars/Olympus", "/", "_", "..", "\u00e9", "\U0001f3c3",
    *list(ABBREVIATIONS)[:12],
]  # fmt: skip


def compose(rng: random.Random, pieces: list[str]) -> str:
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))


def offsets_at(zone: tzinfo, instants: list[datetime]) -> list[timedelta | None]:
    return [t.astimezone(zone).utcoffset() for t in instants]


PROBES = [datetime(2026, m, 15, 12, tzinfo=UTC) for m in (1, 4, 7, 10)]


def test_20000_fuzzed_times_zones_and_names_raise_nothing_but_value_error():
    rng = random.Random(SEED)
    accepted = {"time": 0, "zone": 0, "name": 0}
    for n in range(INPUTS):
        typed_time, typed_zone = compose(rng, TIME_PIECES), compose(rng, ZONE_PIECES)
        try:
            t = parse_time(typed_time)
        except ValueError as exc:
            assert len(str(exc)) < 120 and TIME_HELP in str(exc)
        else:
            accepted["time"] += 1
            assert parse_time(format_time(t)) == t
        try:
            zone = read_zone(typed_zone)
        except ZoneError as exc:
            assert len(str(exc)) < 200
            if exc.suggestion is not None:
                # a guess is a real zone, and never a plain UTC or GMT for an offset
                assert zone_of(exc.suggestion).key == exc.suggestion
                assert "/" in exc.suggestion
        else:
            accepted["zone"] += 1
            again = zone_of(zone.key)
            assert offsets_at(again.tz, PROBES) == offsets_at(zone.tz, PROBES)
        try:
            reminder_name(compose(rng, ZONE_PIECES + TIME_PIECES), "both")
        except ValueError:
            pass
        else:
            accepted["name"] += 1
        if n % 10 == 0:  # autocomplete, on every tenth
            assert len(zone_choices(typed_zone)) <= 25
    # the pieces make real inputs too, not only junk
    assert all(n > INPUTS // 50 for n in accepted.values()), accepted


def reference_due(day: date, at: time, zone: tzinfo) -> datetime:
    """The first UTC minute whose wall clock in ``zone`` is on ``day`` at or after ``at``."""
    naive = datetime.combine(day, at)
    offsets = [
        (naive + timedelta(days=d)).replace(tzinfo=zone).utcoffset() or timedelta()
        for d in (-1, 0, 1)
    ]
    u = naive.replace(tzinfo=UTC) - max(offsets) - timedelta(hours=3)
    end = naive.replace(tzinfo=UTC) - min(offsets) + timedelta(hours=3)
    while u <= end:
        wall = u.astimezone(zone)
        if wall.date() == day and wall.time() >= at:
            return u
        u += timedelta(minutes=1)
    raise AssertionError(f"no minute on {day} at or after {at}")  # pragma: no cover


def changes_in(zone: tzinfo, year: int) -> list[date]:
    """The days in ``year`` on which ``zone`` changes its offset."""
    days = []
    day = date(year, 1, 1)
    before = datetime.combine(day, time(12), UTC).astimezone(zone).utcoffset()
    while day.year == year:
        day += timedelta(days=1)
        now = datetime.combine(day, time(12), UTC).astimezone(zone).utcoffset()
        if now != before:
            days.append(day)
        before = now
    return days


def test_due_instants_match_a_brute_force_reference_across_offset_changes():
    rng = random.Random(SEED)
    places = [z for z in zone_choices("", limit=1000) if "/" in z]
    places = sorted(set(places) | {"Australia/Lord_Howe", "America/Havana", "Asia/Beirut"})
    fixed = ["UTC+02:00", "UTC-05:30", "UTC+14:00", "UTC", "GMT", "Etc/UTC"]
    mismatches, days_checked, changes_met = [], 0, 0
    for n in range(WALKS):
        key = rng.choice(fixed) if n % 10 == 0 else rng.choice(places)
        zone = zone_of(key).tz
        changes = changes_in(zone, 2026)
        start = rng.choice(changes) - timedelta(days=2) if changes else date(2026, 3, 27)
        # half the times in the small hours, where the clocks change
        minute = rng.randrange(0, 4 * 60) if n % 2 else rng.randrange(0, 24 * 60)
        at = time(minute // 60, minute % 60)
        after = datetime.combine(start, time(0), UTC) - timedelta(days=1)
        seen_days = []
        for _ in range(6):
            when, day = next_due(at, key, after)
            expected = reference_due(day, at, zone)
            if when != expected:
                mismatches.append((key, str(day), format_time(at), when, expected))
            assert when > after
            seen_days.append(day)
            changes_met += day in changes
            after = when
            days_checked += 1
        # one due instant per local day, and no local day skipped
        assert seen_days == [seen_days[0] + timedelta(days=i) for i in range(6)], (key, at)
    assert mismatches == [], mismatches[:5]
    assert days_checked == WALKS * 6 and changes_met > WALKS // 4
