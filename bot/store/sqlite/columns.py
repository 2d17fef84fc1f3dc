"""How values sit in SQLite's columns: instants as epoch seconds (UTC, REAL), local dates as
ISO text, local times as HH:MM text. The store takes timezone-aware datetimes only."""

from __future__ import annotations

from datetime import UTC, datetime, time


def epoch(value: datetime) -> float:
    if value.tzinfo is None:
        raise ValueError("the store takes timezone-aware datetimes only")
    return value.timestamp()


def instant(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def maybe_instant(value: float | None) -> datetime | None:
    return None if value is None else instant(value)


def hh_mm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"
