"""The rules both backends share: what a due reminder becomes, and how a streak counts.

Plain Python over plain values, no SQL: the backends read the rows, ask these functions,
and write the answers in their own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfoNotFoundError

from bot.core.schedule import ZoneError, next_due, zone_of
from bot.store.model import RoutineAction

QUARANTINE_REASON = (
    "Your reminder settings could not be read (for example, your time zone is not known on "
    "the bot's machine any more)."
)
QUARANTINE_NOTICE = (
    "Your daily reminders are paused: I could not work out your next reminder time (your "
    "time zone may not be known on my machine any more). Set your zone again with "
    "/remind timezone, then use /remind resume."
)
ABANDONED_DETAIL = "unconfirmed after the retry window; the DM may or may not have arrived"
LATE_DETAIL = "late"


@dataclass(frozen=True)
class Occurrence:
    """A member's reminder time on one local day."""

    local_date: date
    due: datetime


@dataclass(frozen=True)
class DuePlan:
    """What becomes of a subscription whose reminder is due.

    ``on_time``: its due day's send is claimed (to send now); else that send is skipped, too
    late. ``catch_up``: after a skipped one, the member's time that came round again within
    the grace window, claimed. Then the subscription moves on to its next day.
    """

    on_time: bool
    catch_up: Occurrence | None
    next_due: datetime
    next_local_date: date


def plan_due(
    *, now: datetime, grace: timedelta, local_time: time, tz: str, due: datetime
) -> DuePlan:
    """The plan for a subscription at ``local_time`` in ``tz``, due at ``due``.

    Raises for a subscription that cannot be scheduled (a zone this machine does not know).
    """
    zone = zone_of(tz).tz
    on_time = now - due <= grace
    catch_up = None
    if not on_time:
        late_due, late_day = next_due(local_time, zone, now - grace)
        if late_due <= now:
            catch_up = Occurrence(late_day, late_due)
    nxt, next_day = next_due(local_time, zone, now)
    return DuePlan(on_time, catch_up, nxt, next_day)


def row_problem(exc: Exception, tz: str) -> str:
    """For the log: what was wrong with a subscription row (no member text in it)."""
    if isinstance(exc, ZoneError | ZoneInfoNotFoundError):
        return f"time zone {tz[:60]!r} is not known on this machine"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


def count_streak(marks: Mapping[date, RoutineAction], today: date) -> tuple[int, int]:
    """(current streak, total Done days). The streak counts consecutive days done, ending
    today or yesterday; a skipped day is a rest day that neither counts nor breaks it."""
    total = sum(1 for action in marks.values() if action == RoutineAction.DONE)
    day = today if today in marks else today - timedelta(days=1)
    streak = 0
    while day in marks:
        if marks[day] == RoutineAction.DONE:
            streak += 1
        day -= timedelta(days=1)
    return streak, total
