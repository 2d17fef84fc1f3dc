"""The rules both backends share: what a due reminder becomes, and how a streak counts.

Plain Python over plain values, no SQL: the backends read the rows, ask these functions,
and write the answers in their own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfoNotFoundError

from bot.core.schedule import ZoneError, next_due, resolve_zone
from bot.store.model import RoutineAction, SendStatus

QUARANTINE_REASON = (
    "Your reminder settings could not be read (for example, your time zone is not known on "
    "the bot's machine any more)."
)
QUARANTINE_NOTICE = (
    "Your daily reminders are paused: I could not work out your next reminder time (your "
    "time zone may not be known on my machine any more). Use /remind subscribe to set them "
    "up again."
)
ABANDONED_DETAIL = "unconfirmed after the retry window; the DM may or may not have arrived"
LATE_DETAIL = "late"


@dataclass(frozen=True)
class PlannedSend:
    """A send record to insert for a due subscription: claimed (to send now) or skipped."""

    local_date: date
    due: datetime
    status: SendStatus


@dataclass(frozen=True)
class DuePlan:
    sends: tuple[PlannedSend, ...]
    next_due: datetime
    next_local_date: date


def plan_due(
    *, now: datetime, grace: timedelta, local_time: time, tz: str, due: datetime, day: date
) -> DuePlan:
    """The send records of a subscription due at ``due`` for local ``day``, and its next day.

    A reminder due more than ``grace`` ago is skipped; if the member's time came round again
    within the grace window (after downtime), that one is claimed. Raises for a subscription
    that cannot be scheduled (a zone this machine does not know).
    """
    zone = resolve_zone(tz)
    sends: tuple[PlannedSend, ...]
    if now - due <= grace:
        sends = (PlannedSend(day, due, SendStatus.CLAIMED),)
    else:
        sends = (PlannedSend(day, due, SendStatus.SKIPPED),)
        late_due, late_day = next_due(local_time, zone, now - grace)
        if late_due <= now:
            sends += (PlannedSend(late_day, late_due, SendStatus.CLAIMED),)
    nxt, next_day = next_due(local_time, zone, now)
    return DuePlan(sends, nxt, next_day)


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
