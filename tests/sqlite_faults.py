"""Real SQLite faults for tests: another connection's SQL, a damaged page, a full file.

``disk_full(store)`` leaves no free page in the file and forbids it to grow (PRAGMA
max_page_count on the store's own connection), so any insert that needs a page fails with
SQLite's own SQLITE_FULL, "database or disk is full"; ``disk_freed(store)`` lifts the cap.
"""

from __future__ import annotations

import asyncio
import sqlite3


def _sql(path, statement: str, params: tuple) -> list:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(statement, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


async def sql(path, statement: str, params: tuple = ()) -> list:
    """Another connection to the bot's database file, as an admin's sqlite3 shell would be
    (in a thread: the bot's own transactions must go on meanwhile)."""
    return await asyncio.to_thread(_sql, path, statement, params)


def damage_page(path, page: int, size: int) -> None:
    with open(path, "r+b") as f:
        f.seek((page - 1) * size)
        f.write(b"\xff" * size)


async def disk_full(store) -> None:
    """No free page left in the file, and the file may not grow: every insert that needs a
    page fails with SQLITE_FULL."""
    async with store.connection.lock:
        await (await store.connection.db.execute("VACUUM")).close()
        ((pages,),) = list(await store.connection.db.execute_fetchall("PRAGMA page_count"))
        await (await store.connection.db.execute(f"PRAGMA max_page_count = {pages}")).close()


async def disk_freed(store) -> None:
    async with store.connection.lock:
        await (await store.connection.db.execute("PRAGMA max_page_count = 1073741823")).close()
