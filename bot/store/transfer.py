"""Moving house: every table as one JSON file, written and read through the store interface,
so a club's data moves between SQLite and PostgreSQL (or into a backup) and back.

The file::

    {"format": "runclub-bot export", "format_version": 2, "schema_version": 4,
     "exported_at": "2026-03-02T12:00:00+00:00", "backend": "sqlite",
     "tables": {"subscriptions": {"columns": [...], "rows": [[...], ...]}, ...}}

Values are plain JSON: instants as ISO 8601 with their UTC offset, local dates as
YYYY-MM-DD, local times as HH:MM, flags as true/false, ids as numbers. Both backends hold
the same tables at the same schema version (bot.store.migrations), so a file names one
schema version whichever backend wrote it; a file of another schema version or format
version is refused, as is importing into a database that already holds data, unless
``replace`` is asked for (then every table is emptied first, in the same transaction).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from bot.store.interface import TableRows

FORMAT = "runclub-bot export"
# 2: the tables and columns of schema versions 3 and 4 (learned phrasings and their askers,
# members' zones, each feedback's server, questions answered through a learned phrasing,
# reminder names); 1 was schema version 2's
FORMAT_VERSION = 2

# Every table, parents before children, with each column's kind:
# int, text, instant (aware datetime), date (local), time (local HH:MM), flag (bool).
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "guild_channels": (("guild_id", "int"), ("channel_id", "int"), ("added_at", "instant")),
    "questions": (
        ("id", "int"),
        ("guild_id", "int"),
        ("user_id", "int"),
        ("question", "text"),
        ("normalised", "text"),
        ("kind", "text"),
        ("entry", "text"),
        ("at", "instant"),
        ("learned", "flag"),
    ),
    "feedback": (
        ("message_id", "int"),
        ("user_id", "int"),
        ("guild_id", "int"),
        ("entry", "text"),
        ("helpful", "flag"),
        ("at", "instant"),
    ),
    "learned_phrasings": (
        ("id", "int"),
        ("guild_id", "int"),
        ("entry", "text"),
        ("phrasing", "text"),
        ("at", "instant"),
    ),
    "learned_askers": (("phrasing_id", "int"), ("user_id", "int")),
    "member_zones": (("user_id", "int"), ("tz", "text"), ("updated_at", "instant")),
    "subscriptions": (
        ("id", "int"),
        ("user_id", "int"),
        ("name", "text"),
        ("dm_channel_id", "int"),
        ("local_time", "time"),
        ("tz", "text"),
        ("routine", "text"),
        ("status", "text"),
        ("pause_reason", "text"),
        ("created_at", "instant"),
        ("updated_at", "instant"),
        ("next_due_utc", "instant"),
        ("next_local_date", "date"),
    ),
    "sends": (
        ("id", "int"),
        ("subscription_id", "int"),
        ("user_id", "int"),
        ("local_date", "date"),
        ("due_utc", "instant"),
        ("status", "text"),
        ("claim_token", "text"),
        ("detail", "text"),
        ("message_id", "int"),
        ("at", "instant"),
        ("first_attempt_utc", "instant"),
    ),
    "notices": (("id", "int"), ("user_id", "int"), ("text", "text"), ("at", "instant")),
    "routine_log": (
        ("user_id", "int"),
        ("local_date", "date"),
        ("action", "text"),
        ("at", "instant"),
    ),
}
# the tables whose id column is generated (PostgreSQL moves its sequence past an import)
WITH_ID = tuple(name for name, cols in TABLES.items() if cols[0] == ("id", "int"))


class TransferError(ValueError):
    """The file cannot be imported here; the message says why, in one line."""


def columns(table: str) -> tuple[str, ...]:
    return tuple(name for name, _kind in TABLES[table])


def kinds(table: str) -> tuple[str, ...]:
    return tuple(kind for _name, kind in TABLES[table])


def to_json(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "instant":
        return value.astimezone(UTC).isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "time":
        return f"{value.hour:02d}:{value.minute:02d}"
    if kind == "flag":
        return bool(value)
    return value


def from_json(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "instant":
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise TransferError(f"instant {value!r} has no UTC offset")
        return parsed
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "flag":
        return bool(value)
    if kind == "int":
        return int(value)
    return str(value)


def document(tables: Mapping[str, TableRows], *, schema_version: int, backend: str) -> str:
    """The export file's text for rows of plain values (as the backends give them): one
    row a line, so a diff of two exports reads row by row."""
    head = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": schema_version,
        "exported_at": datetime.now(UTC).isoformat(),
        "backend": backend,
    }
    lines = ["{" + json.dumps(head)[1:-1] + ',\n"tables": {']
    for n, table in enumerate(TABLES):
        kind = kinds(table)
        rows = [
            json.dumps([to_json(v, k) for v, k in zip(row, kind, strict=True)], ensure_ascii=False)
            for row in tables[table]
        ]
        lines.append(f' {json.dumps(table)}: {{"columns": {json.dumps(list(columns(table)))},')
        lines.append('  "rows": [' + ("\n   " + ",\n   ".join(rows) if rows else ""))
        lines.append("  ]}" + ("," if n < len(TABLES) - 1 else ""))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def read_document(text: str, *, schema_version: int) -> dict[str, TableRows]:
    """The rows of an export file as neutral values, checked against this release."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TransferError(f"not a JSON file ({exc})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise TransferError(f'not an export of this bot (no "format": "{FORMAT}")')
    if body.get("format_version") != FORMAT_VERSION:
        raise TransferError(
            f"format version {body.get('format_version')!r}; this release reads {FORMAT_VERSION}"
        )
    if body.get("schema_version") != schema_version:
        raise TransferError(
            f"written at schema version {body.get('schema_version')!r}; this release's "
            f"database is at {schema_version}. Import it with the release that exported it."
        )
    out: dict[str, TableRows] = {}
    for table in TABLES:
        part = body.get("tables", {}).get(table)
        if not isinstance(part, dict) or part.get("columns") != list(columns(table)):
            raise TransferError(f"table {table!r} is missing or has other columns")
        kind = kinds(table)
        try:
            out[table] = [
                tuple(from_json(v, k) for v, k in zip(row, kind, strict=True))
                for row in part.get("rows", [])
            ]
        except (TypeError, ValueError) as exc:
            raise TransferError(f"table {table!r}: a value cannot be read ({exc})") from None
    return out


def write_file(path: Path, text: str) -> None:
    """Write ``text`` whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(text, encoding="utf-8")
    part.replace(path)


def refuse_non_empty(counts: Mapping[str, int]) -> None:
    """Raise unless every table is empty (an import without ``replace``)."""
    held = [f"{n} {table}" for table, n in counts.items() if n]
    if held:
        raise TransferError(
            f"the database already holds data ({', '.join(held)}). Import with --replace to "
            "empty it first, or import into an empty database."
        )
