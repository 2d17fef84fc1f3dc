"""Reminder time arithmetic: parsing, zones, and due instants across daylight-saving changes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.schedule import (
    ZoneError,
    due_on,
    next_due,
    parse_time,
    read_zone,
    reminder_name,
    resolve_zone,
    routine_for,
    zone_choices,
    zone_hint,
    zone_label,
    zone_of,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("7:30pm", time(19, 30)),
        ("7:30 PM", time(19, 30)),
        ("19:30", time(19, 30)),
        ("7pm", time(19, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("0:05", time(0, 5)),
        (" 6:45am ", time(6, 45)),
        # the forms members bring from other reminder bots
        ("7.30", time(7, 30)),
        ("19.30", time(19, 30)),
        ("0730", time(7, 30)),
        ("1930", time(19, 30)),
        ("730", time(7, 30)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
        ("12 noon", time(12, 0)),
        ("7:30 am", time(7, 30)),
        ("7:30 AM", time(7, 30)),
        ("7 a.m.", time(7, 0)),
        ("7.30pm", time(19, 30)),
        ("730pm", time(19, 30)),
    ],
)
def test_parse_time_accepts(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["25:00", "2400", "7.5", "", "   ", "13pm", "0pm", "7:60", "19", "7:30 xm", "x" * 500],
)
def test_parse_time_refuses_with_what_is_accepted(text):
    with pytest.raises(ValueError) as info:
        parse_time(text)
    message = str(info.value)
    for accepted in ("07:30", "7:30 am", "7.30", "0730", "7pm", "noon", "midnight"):
        assert accepted in message
    assert len(message) < 120


def test_resolve_zone_and_typo_suggestion():
    assert resolve_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert resolve_zone("europe/berlin") == ZoneInfo("Europe/Berlin")
    assert resolve_zone("America/New York") == ZoneInfo("America/New_York")
    with pytest.raises(ZoneError) as info:
        resolve_zone("Europe/Berln")
    assert info.value.suggestion == "Europe/Berlin"
    assert "Did you mean Europe/Berlin?" in str(info.value)
    for bad in ("Mars/Olympus", "", "../../etc/passwd"):
        with pytest.raises(ZoneError) as info:
            resolve_zone(bad)
        assert "Europe/London" in str(info.value)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Etc/UTC", "Etc/UTC"),
        ("etc/utc", "Etc/UTC"),
        ("GMT", "GMT"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("UTC+2", "UTC+02:00"),
        ("utc +2", "UTC+02:00"),
        ("GMT-05:30", "UTC-05:30"),
        ("UTC+5:45", "UTC+05:45"),
        ("+0530", "UTC+05:30"),
        ("-3", "UTC-03:00"),
        ("UTC\u22123", "UTC-03:00"),  # a typographic minus
        ("UTC+14", "UTC+14:00"),
        ("UTC-12", "UTC-12:00"),
        ("GMT+0", "UTC"),
        ("Etc/GMT+2", "Etc/GMT+2"),  # IANA's own name, which means UTC-2
    ],
)
def test_read_zone_takes_iana_names_and_fixed_offsets(typed, key):
    zone = read_zone(typed)
    assert zone.key == key
    assert zone_of(zone.key) == zone  # what is stored reads back as the same zone


def test_a_fixed_offset_is_that_offset_all_year_and_says_so():
    plus2 = read_zone("UTC+2")
    for month in (1, 7):
        at = datetime(2026, month, 1, 12, tzinfo=UTC)
        assert at.astimezone(plus2.tz).utcoffset() == timedelta(hours=2)
        assert zone_label(plus2, at) == "UTC+02:00"
    assert plus2.fixed and "daylight saving" in zone_hint(plus2)
    assert "Europe/" in zone_hint(plus2)  # points at a city zone
    assert "UTC-2" in zone_hint(read_zone("Etc/GMT+2"))
    london = read_zone("Europe/London")
    assert not london.fixed and zone_hint(london) == ""
    summer = datetime(2026, 7, 1, tzinfo=UTC)
    assert zone_label(london, summer) == "Europe/London, UTC+01:00 now"


@pytest.mark.parametrize("typed", ["UTC+2", "utc+02", "GMT+2", "UTC+2:00", "UTC+25", "UTC+2pm"])
def test_an_offset_is_never_suggested_as_a_name(typed):
    try:
        zone = read_zone(typed)
    except ZoneError as exc:
        assert exc.suggestion is None and "Did you mean" not in str(exc)
    else:
        assert zone.key == "UTC+02:00"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("EST", "America/New_York"),
        ("est", "America/New_York"),
        ("PDT", "America/Los_Angeles"),
        ("CET", "Europe/Paris"),
        ("BST", "Europe/London"),
        ("IST", "Asia/Kolkata"),
        ("AEST", "Australia/Sydney"),
    ],
)
def test_an_abbreviation_is_mapped_to_a_zone_to_confirm(typed, meant):
    with pytest.raises(ZoneError) as info:
        read_zone(typed)
    assert info.value.suggestion == meant
    assert f"Did you mean {meant}?" in str(info.value)
    assert zone_choices(typed)[0] == meant  # autocomplete offers it first


@pytest.mark.parametrize(
    ("typed", "says"),
    [("UTC+15", "UTC-12 to UTC+14"), ("UTC+02:75", "minutes"), ("", "empty")],
)
def test_a_bad_offset_says_why(typed, says):
    with pytest.raises(ZoneError) as info:
        read_zone(typed)
    assert says in str(info.value)


def test_a_stored_key_reads_back_or_fails_plainly():
    assert zone_of("America/New_York").tz == ZoneInfo("America/New_York")
    assert zone_of("UTC-05:30").tz.utcoffset(None) == timedelta(hours=-5, minutes=-30)
    for bad in ("Europe/Atlantis", "EST?", "", "../../etc/passwd"):
        with pytest.raises(ZoneError):
            zone_of(bad)


@pytest.mark.parametrize(
    ("typed", "routine", "name"),
    [
        (None, "stretches", "stretches"),
        ("", "core", "core"),
        ("  ", "both", "daily"),
        ("Evening  Core", "core", "evening core"),
        ("am-stretch-2", "both", "am-stretch-2"),
        ("Étirements", "stretches", "étirements"),
    ],
)
def test_reminder_names(typed, routine, name):
    assert reminder_name(typed, routine) == name


@pytest.mark.parametrize("typed", ["x" * 21, "a:b", "-lead", "<@123>", "hi!", "snake_case"])
def test_reminder_names_refused(typed):
    with pytest.raises(ValueError, match="up to 20 letters"):
        reminder_name(typed, "both")


def test_zone_choices_for_autocomplete():
    assert zone_choices("Europe/Lon")[0] == "Europe/London"
    assert "America/New_York" in zone_choices("new york")
    assert "Asia/Kolkata" in zone_choices("kolk")
    assert len(zone_choices("")) == 25
    assert all(len(zone_choices(q)) <= 25 for q in ("a", "Europe", "zzzz", "utc+2"))
    assert zone_choices("utc+2")[0] == "UTC+02:00"
    assert zone_choices("gmt-5:30")[0] == "UTC-05:30"
    assert "Etc/UTC" in zone_choices("etc/u")


def local(dt: datetime, tz: str) -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def walk(tz: str, at: time, start: date, days: int) -> list[datetime]:
    """Fire times over consecutive days, each found from the previous one as the dispatcher does."""
    out = []
    after = datetime.combine(start, time(0, 0), ZoneInfo(tz)).astimezone(UTC)
    for _ in range(days):
        when, _day = next_due(at, tz, after)
        out.append(when)
        after = when
    return out


@pytest.mark.parametrize(
    ("tz", "start"),
    [
        ("Europe/London", date(2026, 3, 25)),  # spring forward 29 Mar
        ("Europe/London", date(2026, 10, 20)),  # fall back 25 Oct
        ("America/New_York", date(2026, 3, 5)),  # 8 Mar
        ("America/New_York", date(2026, 10, 29)),  # 1 Nov
        ("Australia/Sydney", date(2026, 4, 1)),  # back 5 Apr
        ("Australia/Sydney", date(2026, 10, 1)),  # forward 4 Oct
        ("Asia/Kolkata", date(2026, 3, 25)),  # no DST, +05:30
        ("Asia/Kathmandu", date(2026, 3, 25)),  # +05:45
        ("Australia/Adelaide", date(2026, 4, 1)),  # +10:30 -> +09:30
        ("Australia/Lord_Howe", date(2026, 4, 1)),  # shifts by 30 minutes
        ("Australia/Lord_Howe", date(2026, 10, 1)),
    ],
)
def test_same_wall_clock_time_every_day_across_dst(tz, start):
    fires = walk(tz, time(7, 30), start, 10)
    assert [local(f, tz).time() for f in fires] == [time(7, 30)] * 10
    assert [local(f, tz).date() for f in fires] == [start + timedelta(days=n) for n in range(10)]


def test_london_offsets_change_but_local_time_does_not():
    fires = walk("Europe/London", time(7, 30), date(2026, 3, 28), 2)
    assert fires == [
        datetime(2026, 3, 28, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 6, 30, tzinfo=UTC),  # BST: 23 hours later, not 24
    ]


@pytest.mark.parametrize(
    ("tz", "day", "set_at", "fires_local"),
    [
        ("America/New_York", date(2026, 3, 8), time(2, 30), time(3, 0)),
        ("Europe/London", date(2026, 3, 29), time(1, 15), time(2, 0)),
        ("Australia/Sydney", date(2026, 10, 4), time(2, 0), time(3, 0)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 10), time(2, 30)),
    ],
)
def test_spring_forward_gap_fires_at_first_valid_minute(tz, day, set_at, fires_local):
    fires = walk(tz, set_at, day - timedelta(days=1), 3)
    got = [(local(f, tz).date(), local(f, tz).time()) for f in fires]
    assert got == [
        (day - timedelta(days=1), set_at),
        (day, fires_local),
        (day + timedelta(days=1), set_at),
    ]


@pytest.mark.parametrize(
    ("tz", "day", "set_at", "utc"),
    [
        (
            "America/New_York",
            date(2026, 11, 1),
            time(1, 30),
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        ),
        (
            "Europe/London",
            date(2026, 10, 25),
            time(1, 30),
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        ),
        (
            "Australia/Sydney",
            date(2026, 4, 5),
            time(2, 30),
            datetime(2026, 4, 4, 15, 30, tzinfo=UTC),
        ),
        (
            "Australia/Lord_Howe",
            date(2026, 4, 5),
            time(1, 45),
            datetime(2026, 4, 4, 14, 45, tzinfo=UTC),
        ),
    ],
)
def test_fall_back_repeated_time_fires_once_at_first_occurrence(tz, day, set_at, utc):
    fires = walk(tz, set_at, day - timedelta(days=1), 3)
    assert fires[1] == utc
    assert [local(f, tz).date() for f in fires] == [day + timedelta(days=n) for n in (-1, 0, 1)]
    # asking again from just after the first occurrence must not find the second one
    _when, on = next_due(set_at, tz, fires[1])
    assert on == day + timedelta(days=1)


def test_next_due_is_strictly_after_and_needs_aware():
    at = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)
    assert next_due(time(7, 30), "UTC", at) == (at + timedelta(days=1), date(2026, 6, 2))
    assert next_due(time(7, 30), "UTC", at - timedelta(seconds=1)) == (at, date(2026, 6, 1))
    with pytest.raises(ValueError):
        next_due(time(7, 30), "UTC", datetime(2026, 6, 1))  # noqa: DTZ001


def test_local_date_can_differ_from_utc_date():
    # Kiritimati is UTC+14: 07:00 on 2 June there is 17:00 on 1 June in UTC
    when, day = next_due(time(7, 0), "Pacific/Kiritimati", datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert when == datetime(2026, 6, 1, 17, 0, tzinfo=UTC) and day == date(2026, 6, 2)
    assert due_on(day, time(7, 0), ZoneInfo("Pacific/Kiritimati")) == when


def test_routine_rotates_without_repeating_on_consecutive_days():
    knowledge = load_knowledge()
    start = date(2026, 1, 1)
    days = [routine_for(start + timedelta(days=n), knowledge) for n in range(30)]
    assert all(a != b for a, b in itertools.pairwise(days))
    assert len({d.name for d in days[:7]}) == 7
