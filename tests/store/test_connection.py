"""The SQLite connection: the file it opens, WAL and foreign keys, aware datetimes only."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from bot.store import MIGRATIONS, Store


async def test_open_creates_file_wal_fk_and_latest_version(tmp_path):
    path = tmp_path / "a" / "b" / "bot.sqlite3"
    s = await Store.open(path)
    try:
        assert path.is_file()
        assert await s.schema_version() == len(MIGRATIONS)
        async with s.connection.db.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with s.connection.db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
    finally:
        await s.close()


async def test_naive_datetimes_are_refused(store):
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.log_question(
            guild_id=1,
            user_id=1,
            question="q",
            kind="none",
            entry=None,
            at=datetime(2026, 1, 1),  # noqa: DTZ001
        )


async def test_closing_twice_at_once_closes_once(store):
    # the bot stopping itself on a database fault while it is being stopped closes twice;
    # aiosqlite's worker thread stopped after the first, and the second waited for it forever
    await asyncio.wait_for(asyncio.gather(store.close(), store.close()), 10)
    await store.close()
