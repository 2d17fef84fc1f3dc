"""How values are bound to PostgreSQL: instants as timestamptz (aware datetimes only, as on
SQLite), local dates as date, local times as time; asyncpg converts both ways."""

from __future__ import annotations

from datetime import datetime


def aware(value: datetime) -> datetime:
    """An instant to bind; a naive datetime is refused, never read as UTC by accident."""
    if value.tzinfo is None:
        raise ValueError("the store takes timezone-aware datetimes only")
    return value
