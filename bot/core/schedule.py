"""Local-time arithmetic for daily reminders: read times, zones and names; next due instant.

Pure functions, no Discord and no database. Each day's due instant is computed from the
member's wall-clock time in their zone, never by adding 24 hours, so 07:30 stays 07:30
across daylight-saving changes. A time that does not exist on a spring-forward day fires at
the first valid minute after it; a time that happens twice on a fall-back day fires once, at
its first occurrence (fold=0).

A zone is stored by its key: an IANA name ("Europe/London", "Etc/UTC", "GMT"), or a fixed
offset written "UTC+02:00" (no daylight saving, by the member's choice). ``read_zone`` reads
what a member typed; a common abbreviation (EST) or a typo is not taken as is but raised as a
ZoneError whose ``suggestion`` the member confirms. ``zone_of`` reads a stored key.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

from bot.core.knowledge import DayRoutine, Knowledge

TIME_HELP = "Use a time like 07:30, 7:30 am, 7.30, 0730, 7pm, noon or midnight."
ZONE_HELP = "Use a zone like Europe/London or America/New_York, or an offset like UTC+2."
NAME_HELP = "A reminder name is up to 20 letters, digits, spaces or dashes, like evening core."
ROUTINES = ("stretches", "core", "both")
DEFAULT_NAMES = {"stretches": "stretches", "core": "core", "both": "daily"}
MAX_REMINDERS = 3  # per member
NAME_MAX = 20

_WORDS = {"noon": time(12), "midday": time(12), "12 noon": time(12), "midnight": time(0)}
_WORDS["12 midnight"] = time(0)
_TIME_RE = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.]?(?P<m>\d{2}))?\s*(?P<ap>[ap])\.?\s*m?\.?$"  # 7pm, 7:30 am, 730pm
    r"|^(?P<H>\d{1,2})[:.](?P<M>\d{2})$"  # 07:30, 7.30, 19:30
    r"|^(?P<HH>\d{1,2})(?P<MM>\d{2})$"  # 0730, 730, 1930
)
_OFFSET_RE = re.compile(
    r"^(?:(?:utc|gmt)\s*)?(?P<sign>[+\-\u2212\u2013])\s*(?P<h>\d{1,2})(?:[:.]?(?P<m>\d{2}))?$"
)
_NAME_RE = re.compile(r"^[^\W_](?:[^\W_]|[ \-])*$")  # letters and digits, spaces, dashes
_NOT_ZONES = ("localtime", "posixrules", "Factory")
_OFFSET_MIN, _OFFSET_MAX = timedelta(hours=-12), timedelta(hours=14)
_FIXED_NAMES = frozenset(
    ("utc", "gmt", "gmt+0", "gmt-0", "gmt0", "greenwich", "uct", "universal", "zulu")
)


class ZoneError(ValueError):
    """A zone that was not taken as typed; ``suggestion`` is the key to offer instead, if any
    (the zone an abbreviation commonly means, or the closest name to a typo)."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.suggestion = suggestion


@dataclass(frozen=True)
class Zone:
    """A member's time zone: ``key`` is what the store keeps, ``tz`` what arithmetic uses."""

    key: str
    tz: tzinfo

    @property
    def fixed(self) -> bool:
        """True for a zone that never changes its offset by name: UTC+02:00, GMT, Etc/..."""
        key = self.key.lower()
        return key.startswith(("utc+", "utc-", "etc/")) or key in _FIXED_NAMES


# -- times ----------------------------------------------------------------------------------


def parse_time(text: str) -> time:
    """Parse a member's reminder time: 07:30, 7:30, 7.30, 0730, 19:30, 7pm, 7:30 am, 7.30pm,
    noon, midnight."""
    raw = " ".join((text or "").strip().lower().split())
    if not raw:
        raise ValueError(f"The time is empty. {TIME_HELP}")
    if raw in _WORDS:
        return _WORDS[raw]
    m = _TIME_RE.match(raw)
    if m is None:
        raise ValueError(f"I can't read {text.strip()[:20]!r} as a time. {TIME_HELP}")
    if m["ap"]:
        hour, minute = int(m["h"]), int(m["m"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise ValueError(f"{text.strip()[:20]!r} is not a valid time. {TIME_HELP}")
        hour = hour % 12 + (12 if m["ap"] == "p" else 0)
    else:
        hour, minute = (int(m["H"]), int(m["M"])) if m["H"] else (int(m["HH"]), int(m["MM"]))
        if hour > 23 or minute > 59:
            raise ValueError(f"{text.strip()[:20]!r} is not a valid time. {TIME_HELP}")
    return time(hour, minute)


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


# -- reminder names -------------------------------------------------------------------------


def reminder_name(text: str | None, routine: str) -> str:
    """A reminder's name as stored: lower case, single spaces; the routine's own name when
    none is given (stretches, core, daily for both)."""
    raw = " ".join((text or "").strip().lower().split())
    if not raw:
        return DEFAULT_NAMES.get(routine, "daily")
    if len(raw) > NAME_MAX or _NAME_RE.match(raw) is None:
        raise ValueError(NAME_HELP)
    return raw


# -- zones ----------------------------------------------------------------------------------


@cache
def _all_zones() -> dict[str, str]:
    """Every IANA name this machine knows, by its lower-case form."""
    return {
        n.lower(): n
        for n in available_timezones()
        if n not in _NOT_ZONES and not n.startswith(("posix/", "right/", "SystemV/"))
    }


@cache
def _zone_names() -> tuple[str, ...]:
    """The names offered by autocomplete and typo suggestions: the places members live."""
    return tuple(sorted(n for n in _all_zones().values() if "/" in n and "Etc/" not in n))


def _offset(match: re.Match[str], typed: str) -> Zone:
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    if minutes > 59:
        raise ZoneError(f"{typed[:20]!r} is not an offset: minutes run to 59. {ZONE_HELP}")
    delta = timedelta(hours=hours, minutes=minutes)
    if match["sign"] != "+":
        delta = -delta
    if not _OFFSET_MIN <= delta <= _OFFSET_MAX:
        raise ZoneError(f"{typed[:20]!r} is not an offset on Earth: they run from UTC-12 to UTC+14")
    if not delta:
        return Zone("UTC", ZoneInfo("UTC"))
    key = offset_text(delta)
    return Zone(key, timezone(delta, key))


def offset_text(delta: timedelta | None) -> str:
    """An offset as members read it: UTC+02:00, UTC-05:30, UTC+00:00."""
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def zone_of(key: str) -> Zone:
    """The zone of a stored key (an exact IANA name, or UTC+HH:MM); ZoneError if this machine
    does not know it."""
    raw = (key or "").strip()
    m = _OFFSET_RE.match(raw.lower())
    if m is not None and raw.lower().startswith("utc"):
        return _offset(m, raw)
    if raw in _all_zones().values():
        try:
            return Zone(raw, ZoneInfo(raw))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise ZoneError(f"The time zone {raw[:60]!r} is not known on this machine.")


def read_zone(text: str) -> Zone:
    """The zone a member typed: an IANA name in any case (spaces for underscores), or a fixed
    offset (UTC+2, GMT-05:30, +0530). An abbreviation (EST) or a typo raises ZoneError with
    the zone to confirm as its ``suggestion``; an offset is never "corrected" to a name."""
    raw = " ".join((text or "").strip().split())
    if not raw:
        raise ZoneError(f"The time zone is empty. {ZONE_HELP}")
    meant = ABBREVIATIONS.get(raw.upper())
    if meant is not None:
        raise ZoneError(
            f"{raw.upper()} is an abbreviation, and several places use some of them. "
            f"Did you mean {meant}?",
            meant,
        )
    lower = raw.lower()
    m = _OFFSET_RE.match(lower)
    if m is not None:
        return _offset(m, raw)
    canonical = _all_zones().get(lower.replace(" ", "_"))
    if canonical is not None:
        try:
            return Zone(canonical, ZoneInfo(canonical))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    suggestion = None
    if not re.search(r"[\d+\u2212]", raw) and not lower.startswith(("utc", "gmt", "-")):
        best = process.extractOne(raw, _zone_names(), scorer=fuzz.WRatio, score_cutoff=80)
        suggestion = best[0] if best else None
    hint = f" Did you mean {suggestion}?" if suggestion else ""
    raise ZoneError(f"{raw[:40]!r} is not a time zone I know.{hint} {ZONE_HELP}", suggestion)


def resolve_zone(name: str) -> tzinfo:
    """The tzinfo of what a member typed (see ``read_zone``)."""
    return read_zone(name).tz


def zone_label(zone: Zone, at: datetime) -> str:
    """How a zone is shown: its key, with the offset it has at ``at`` when that is not plain
    from the key (Europe/London, UTC+01:00 now)."""
    if zone.fixed and not zone.key.lower().startswith("etc/gmt"):
        return zone.key
    return f"{zone.key}, {offset_text(at.astimezone(zone.tz).utcoffset())} now"


def zone_hint(zone: Zone) -> str:
    """What a member should know about a fixed zone: it does not follow daylight saving."""
    if not zone.fixed:
        return ""
    if zone.key.lower().startswith("etc/gmt") and zone.key[7:8] in "+-" and zone.key[7:]:
        turned = zone.key[7:].translate(str.maketrans("+-", "-+"))
        return f"In Etc/GMT names the sign is turned round: {zone.key} is UTC{turned}."
    return (
        f"{zone.key} is a fixed offset: it does not follow daylight saving. If your clocks "
        "change in summer, use your city's zone instead, like Europe/Paris."
    )


@cache
def _choice_names() -> tuple[tuple[str, str, str], ...]:
    """Autocomplete's names, each with its lower-case form and that form's last part."""
    names = (*_zone_names(), "UTC", "GMT", "Etc/UTC")
    return tuple((n, n.lower(), n.lower().rsplit("/", 1)[-1]) for n in names)


def zone_choices(typed: str, limit: int = 25) -> list[str]:
    """Zones for autocomplete: an offset or an abbreviation's zone first, then prefix and
    substring hits, then fuzzy ones."""
    names = _choice_names()
    raw = " ".join((typed or "").strip().split())
    q = raw.lower().replace(" ", "_")
    first: list[str] = []
    m = _OFFSET_RE.match(raw.lower())
    if m is not None:
        with contextlib.suppress(ZoneError):
            first.append(_offset(m, raw).key)
    meant = ABBREVIATIONS.get(raw.upper())
    if meant is not None:
        first.append(meant)
    if not q:
        return [n for n, _lower, _last in names[:limit]]
    starts = [n for n, lower, last in names if lower.startswith(q) or last.startswith(q)]
    inside = [n for n, lower, _last in names if q in lower and n not in starts]
    out = list(dict.fromkeys(first + starts + inside))[:limit]
    if len(out) < limit and not first and not re.search(r"\d|^(utc|gmt|etc)", q):
        picked = set(out)
        for n, _score, _i in process.extract(
            q, [n for n, _lower, _last in names], scorer=fuzz.WRatio, limit=limit, score_cutoff=60
        ):
            if n not in picked:
                out.append(n)
                picked.add(n)
            if len(out) >= limit:
                break
    return out


# -- due instants ---------------------------------------------------------------------------


def _exists(naive: datetime, zone: tzinfo) -> bool:
    back = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == naive


def due_on(day: date, local_time: time, zone: tzinfo) -> datetime:
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


def next_due(local_time: time, zone: tzinfo | str, after: datetime) -> tuple[datetime, date]:
    """The first due instant strictly after ``after`` (aware), and the local date it is for.
    A string ``zone`` is a stored key (``zone_of``)."""
    if after.tzinfo is None:
        raise ValueError("next_due needs a timezone-aware 'after'")
    tz = zone_of(zone).tz if isinstance(zone, str) else zone
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


# Common abbreviations and the zone each most often means; the member confirms the guess.
_ABBREVIATED = {
    "America/New_York": "EST EDT ET",
    "America/Chicago": "CST CDT CT",
    "America/Denver": "MST MDT MT",
    "America/Los_Angeles": "PST PDT PT",
    "America/Anchorage": "AKST AKDT",
    "Pacific/Honolulu": "HST",
    "America/Halifax": "AST ADT",
    "America/St_Johns": "NST NDT",
    "America/Sao_Paulo": "BRT",
    "America/Argentina/Buenos_Aires": "ART",
    "Europe/London": "BST",
    "Europe/Lisbon": "WET WEST",
    "Europe/Paris": "CET CEST MET MEST",
    "Europe/Athens": "EET EEST",
    "Europe/Moscow": "MSK",
    "Africa/Lagos": "WAT",
    "Africa/Johannesburg": "SAST",
    "Africa/Maputo": "CAT",
    "Africa/Nairobi": "EAT",
    "Asia/Kolkata": "IST",
    "Asia/Karachi": "PKT",
    "Asia/Bangkok": "ICT",
    "Asia/Jakarta": "WIB",
    "Asia/Singapore": "SGT",
    "Asia/Hong_Kong": "HKT",
    "Asia/Manila": "PHT PHST",
    "Asia/Tokyo": "JST",
    "Asia/Seoul": "KST",
    "Australia/Perth": "AWST",
    "Australia/Adelaide": "ACST ACDT",
    "Australia/Sydney": "AEST AEDT",
    "Pacific/Auckland": "NZST NZDT",
}
ABBREVIATIONS = {a: zone for zone, abbrs in _ABBREVIATED.items() for a in abbrs.split()}
