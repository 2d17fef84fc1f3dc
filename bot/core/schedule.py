"""Local-time arithmetic for daily reminders: parse times, resolve zones, next due instant.

Pure functions, no Discord and no database. Each day's due instant is computed from the
member's wall-clock time in their IANA zone, never by adding 24 hours, so 07:30 stays
07:30 across daylight-saving changes. A time that does not exist on a spring-forward day
fires at the first valid minute after it; a time that happens twice on a fall-back day
fires once, at its first occurrence (fold=0).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

from bot.core.knowledge import DayRoutine, Knowledge

TIME_HELP = "Use a time like 07:30, 7:30, 7:30pm, 19:30 or 7pm."
ZONE_HELP = "Use an IANA time zone name like Europe/London or America/New_York."
ROUTINES = ("stretches", "core", "both")

_TIME_RE = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m?\.?$|^(\d{1,2}):(\d{2})$")


class ZoneError(ValueError):
    """A time zone name that is not known; ``suggestion`` is the closest known name, if any."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


def parse_time(text: str) -> time:
    """Parse a member's reminder time ("07:30", "7:30", "7:30pm", "19:30", "7pm")."""
    raw = (text or "").strip().lower()
    if not raw:
        raise ValueError(f"The time is empty. {TIME_HELP}")
    m = _TIME_RE.match(raw)
    if m is None:
        raise ValueError(f"I can't read {text.strip()[:20]!r} as a time. {TIME_HELP}")
    if m.group(3):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise ValueError(f"{text.strip()!r} is not a valid time. {TIME_HELP}")
        hour = hour % 12 + (12 if m.group(3) == "p" else 0)
    else:
        hour, minute = int(m.group(4)), int(m.group(5))
        if hour > 23 or minute > 59:
            raise ValueError(f"{text.strip()!r} is not a valid time. {TIME_HELP}")
    return time(hour, minute)


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


@cache
def _zone_names() -> tuple[str, ...]:
    # "posixrules", "Factory" and the like are not zones a member lives in
    return tuple(
        sorted(
            n
            for n in available_timezones()
            if "/" in n or n == "UTC"
            if not n.startswith(("Etc/", "SystemV/", "posix/", "right/"))
        )
    )


@cache
def _zones_by_lower() -> dict[str, str]:
    return {n.lower(): n for n in _zone_names()}


def resolve_zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name (case-insensitive); ZoneError with a suggestion if unknown."""
    raw = (name or "").strip()
    if not raw:
        raise ZoneError(f"The time zone is empty. {ZONE_HELP}")
    canonical = _zones_by_lower().get(raw.lower().replace(" ", "_"))
    if canonical is not None:
        try:
            return ZoneInfo(canonical)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    best = process.extractOne(raw, _zone_names(), scorer=fuzz.WRatio, score_cutoff=80)
    suggestion = best[0] if best else None
    hint = f" Did you mean {suggestion}?" if suggestion else ""
    raise ZoneError(f"{raw[:40]!r} is not a time zone I know.{hint} {ZONE_HELP}", suggestion)


def zone_choices(typed: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: prefix and substring hits first, then fuzzy ones."""
    names = _zone_names()
    q = (typed or "").strip().lower().replace(" ", "_")
    if not q:
        return list(names[:limit])
    starts = [n for n in names if n.lower().startswith(q) or n.lower().split("/")[-1].startswith(q)]
    inside = [n for n in names if q in n.lower() and n not in starts]
    out = (starts + inside)[:limit]
    if len(out) < limit:
        picked = set(out)
        for n, _score, _i in process.extract(
            q, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=60
        ):
            if n not in picked:
                out.append(n)
                picked.add(n)
            if len(out) >= limit:
                break
    return out


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    back = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == naive


def due_on(day: date, local_time: time, zone: ZoneInfo) -> datetime:
    """The UTC instant a reminder set for ``local_time`` fires on local date ``day``."""
    naive = datetime.combine(day, local_time.replace(second=0, microsecond=0, fold=0))
    if not _exists(naive, zone):
        # spring-forward gap: walk to the first wall-clock minute that exists
        probe = naive
        for _ in range(48 * 60):
            probe += timedelta(minutes=1)
            if _exists(probe, zone):
                naive = probe
                break
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def next_due(local_time: time, zone: ZoneInfo | str, after: datetime) -> tuple[datetime, date]:
    """The first due instant strictly after ``after`` (aware), and the local date it is for."""
    if after.tzinfo is None:
        raise ValueError("next_due needs a timezone-aware 'after'")
    tz = zone if isinstance(zone, ZoneInfo) else resolve_zone(zone)
    day = after.astimezone(tz).date() - timedelta(days=1)
    for _ in range(4):
        when = due_on(day, local_time, tz)
        if when > after:
            return when, day
        day += timedelta(days=1)
    raise AssertionError("no due instant within three days")  # pragma: no cover


def routine_for(day: date, knowledge: Knowledge) -> DayRoutine:
    """The routine for a local date: the week rotates, so two days running always differ."""
    return knowledge.week[day.toordinal() % len(knowledge.week)]
