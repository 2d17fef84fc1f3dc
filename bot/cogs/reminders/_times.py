"""Instants shown to a member: in their own zone, with Discord's relative timestamp."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.schedule import ZoneError, zone_of


def local(when: datetime, tz: str) -> datetime:
    """``when`` in the zone ``tz`` (a stored key), or in UTC when this machine no longer
    knows that zone."""
    try:
        return when.astimezone(zone_of(tz).tz)
    except ZoneError:
        return when.astimezone(UTC)


def when_text(when: datetime, tz: str) -> str:
    """'Tue 3 Mar, 07:30 (Europe/London)', plus Discord's own relative timestamp."""
    there = local(when, tz)
    return f"{there:%a} {there.day} {there:%b}, {there:%H:%M} ({tz}), <t:{int(when.timestamp())}:R>"
