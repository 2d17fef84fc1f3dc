"""Bring a SQLite file up to the newest migration, one file at a time, each file whole.

Each file runs in one transaction together with its ``PRAGMA user_version`` bump, and the
version is read again inside that transaction, so two processes opening an old file at once
apply each migration once. Python's ``executescript`` commits any open transaction before it
starts, so it cannot run inside one; the file's statements are run one after another instead,
each ending where SQLite says a statement is complete (``sqlite3.complete_statement``, the
rule of SQLite's own shell). A ';' inside a trigger's BEGIN ... END, a string or a comment
therefore stays inside its statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import aiosqlite

from bot.store.faults import newer_schema

if TYPE_CHECKING:
    from bot.store.sqlite.connection import SqliteConnection


def statements(script: str) -> Iterator[str]:
    """The statements of a SQL script, in order, each with its closing ';'."""
    start = 0
    end = script.find(";")
    while end != -1:
        if sqlite3.complete_statement(script[start : end + 1]):
            yield script[start : end + 1]
            start = end + 1
        end = script.find(";", end + 1)
    rest = script[start:]
    if rest.strip():
        yield rest  # comments, or a last statement without its ';' (refused if incomplete)


async def user_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def migrate(conn: SqliteConnection, scripts: Sequence[str]) -> None:
    """Apply the migrations the file lacks; refuse a file newer than ``scripts`` know."""
    found = await user_version(conn.db)
    if found > len(scripts):
        raise newer_schema(conn.path, found, len(scripts))
    for version, script in enumerate(scripts, start=1):
        async with conn.transaction() as db:
            if await user_version(db) >= version:
                continue
            for statement in statements(script):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {version}")
