"""Every table of the SQLite file as plain values, and back (bot.store.transfer): instants
are stored as epoch seconds, local dates and times as text, flags as 0 or 1."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

from bot.store.interface import TableRows
from bot.store.sqlite.columns import epoch, instant
from bot.store.sqlite.connection import SqliteConnection, fetch_all
from bot.store.transfer import TABLES, columns, kinds, refuse_non_empty


def _plain(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "instant":
        return instant(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "flag":
        return bool(value)
    return value


def _stored(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "instant":
        return epoch(value)
    if kind == "date":
        return str(value)
    if kind == "time":
        return f"{value.hour:02d}:{value.minute:02d}"
    if kind == "flag":
        return int(bool(value))
    return value


class SqliteTransfer:
    def __init__(self, conn: SqliteConnection) -> None:
        self._conn = conn

    async def dump(self) -> dict[str, TableRows]:
        """Every table's rows, read in one transaction (a consistent snapshot)."""
        out: dict[str, TableRows] = {}
        async with self._conn.transaction() as db:
            for table in TABLES:
                kind = kinds(table)
                rows = await fetch_all(
                    db, f"SELECT {', '.join(columns(table))} FROM {table} ORDER BY 1, 2"
                )
                out[table] = [
                    tuple(_plain(v, k) for v, k in zip(row, kind, strict=True)) for row in rows
                ]
        return out

    async def load(self, tables: Mapping[str, TableRows], *, replace: bool) -> None:
        """Write every table's rows in one transaction; refuse a database holding data
        unless ``replace`` (then empty every table first)."""
        async with self._conn.transaction() as db:
            if replace:
                for table in reversed(TABLES):
                    await db.execute(f"DELETE FROM {table}")
            else:
                counts = {}
                for table in TABLES:
                    (n,) = (await fetch_all(db, f"SELECT COUNT(*) FROM {table}"))[0]
                    counts[table] = int(n)
                refuse_non_empty(counts)
            for table in TABLES:
                names, kind = columns(table), kinds(table)
                marks = ", ".join("?" * len(names))
                await db.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
                    [
                        tuple(_stored(v, k) for v, k in zip(row, kind, strict=True))
                        for row in tables[table]
                    ],
                )
