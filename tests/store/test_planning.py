"""The rules both backends share: what a due reminder becomes, and how a streak counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.core.schedule import ZoneError
from bot.store.model import RoutineAction
from bot.store.planning import Occurrence, count_streak, plan_due, row_problem

DUE = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
GRACE = timedelta(hours=2)


def plan(now: datetime, tz: str = "UTC"):
    return plan_due(now=now, grace=GRACE, local_time=time(7, 30), tz=tz, due=DUE)


def test_a_reminder_within_the_grace_window_is_sent_and_moves_to_the_next_day():
    p = plan(DUE + GRACE)
    assert p.on_time and p.catch_up is None
    assert (p.next_due, p.next_local_date) == (DUE + timedelta(days=1), date(2026, 3, 3))


def test_after_downtime_a_stale_reminder_is_skipped_and_todays_claimed_if_in_grace():
    now = DUE + timedelta(days=2, minutes=30)  # down two days; today's time was 30 min ago
    p = plan(now)
    assert not p.on_time
    assert p.catch_up == Occurrence(date(2026, 3, 4), DUE + timedelta(days=2))
    assert p.next_local_date == date(2026, 3, 5)


def test_after_downtime_nothing_is_claimed_when_todays_time_is_past_the_grace_window():
    p = plan(DUE + timedelta(days=2, hours=3))
    assert not p.on_time and p.catch_up is None
    assert p.next_due == DUE + timedelta(days=3)


def test_an_unknown_zone_cannot_be_planned_and_says_so_without_member_text():
    with pytest.raises(ZoneError) as info:
        plan(DUE, tz="Mars/Olympus")
    assert row_problem(info.value, "Mars/Olympus") == (
        "time zone 'Mars/Olympus' is not known on this machine"
    )


def test_a_streak_counts_done_days_to_today_or_yesterday_and_rests_on_skips():
    done, skip = RoutineAction.DONE, RoutineAction.SKIP
    today = date(2026, 3, 10)
    marks = {today - timedelta(days=n): a for n, a in ((1, done), (2, skip), (3, done), (5, done))}
    assert count_streak(marks, today) == (2, 3)
    assert count_streak(marks, today + timedelta(days=2)) == (0, 3)
    assert count_streak({}, today) == (0, 0)
