"""The one SQLite connection: open and check the file, migrate it, run transactions one at a
time, and stop using it for good once it is unusable.

Opening checks the file (it opens, it is a database, ``PRAGMA quick_check`` passes, its
schema is not newer than this release, it can be written) and refuses with one line naming
DATABASE_PATH. The connection runs in WAL mode with foreign keys on.

While running, every transaction first checks that the path still names the file that was
opened (``check_file``). A deleted or replaced file, or a damaged one, is fatal: it is
reported once through ``on_fatal`` and every later use raises it. A full disk raises
DiskFull and writes nothing, so the caller keeps its data and tries again.

Reads take the lock too: a read left open on the connection while another coroutine begins
a write would pin an old snapshot, and SQLite then refuses the write at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NoReturn

import aiosqlite

from bot.store import migrations
from bot.store.faults import DatabaseUnusable, damaged, folder_problem
from bot.store.interface import FatalHandler
from bot.store.sqlite.faults import FileIdentity, describe, is_fatal, moved_away
from bot.store.sqlite.migrate import migrate

log = logging.getLogger(__name__)

Params = Iterable[object]

PRAGMAS = (
    "PRAGMA busy_timeout = 10000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    # the dispatcher checkpoints when it goes idle (Store.checkpoint), so a claim's commit
    # rarely pays for one; this is the backstop
    "PRAGMA wal_autocheckpoint = 10000",
)


class SqliteConnection:
    """The database file and its one aiosqlite connection. ``await SqliteConnection.open(path)``."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self.lock = asyncio.Lock()
        self._identity: FileIdentity | None = None
        self.fatal: DatabaseUnusable | None = None  # set once the file must not be used
        self.on_fatal: FatalHandler | None = None  # told once; logs the error when None

    @classmethod
    async def open(cls, path: Path | str) -> SqliteConnection:
        """Open (creating if needed), check and migrate the database at ``path``.

        Raises DatabaseUnusable with one line naming DATABASE_PATH when the folder or file
        cannot be created, opened or written, the file is not a database or is damaged
        (PRAGMA quick_check), or its schema is newer than this release knows.
        """
        path = _absolute(path)  # error messages name the absolute path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise folder_problem(path, exc) from exc
        db = aiosqlite.connect(path, isolation_level=None)
        try:
            await db
        except sqlite3.Error as exc:
            await _worker_stopped(db)
            raise describe(exc, path) from exc
        try:
            for pragma in PRAGMAS:
                await db.execute(pragma)
            conn = cls(db, path)
            await conn._quick_check()
            await migrate(conn, migrations.SQLITE)
            await conn._probe_write()
            conn._identity = FileIdentity.of(path)
        except sqlite3.Error as exc:
            await db.close()
            raise describe(exc, path) from exc
        except BaseException:
            await db.close()
            raise
        return conn

    async def close(self) -> None:
        await self.db.close()

    async def _quick_check(self) -> None:
        rows = await fetch_all(self.db, "PRAGMA quick_check(3)")
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        if problems:
            raise damaged(self.path, f"quick_check: {'; '.join(problems)}")

    async def _probe_write(self) -> None:
        """A read-only file opens and reads fine; find out now, not at the first reminder."""
        async with self.transaction() as db:
            await db.execute(f"PRAGMA user_version = {len(migrations.SQLITE)}")

    # -- faults ---------------------------------------------------------------------------

    def check_file(self) -> None:
        """Raise (once reported) if the path no longer names the file this store opened."""
        if self.fatal is not None:
            raise self.fatal
        if self._identity is None:
            return
        gone = moved_away(self.path, self._identity)
        if gone is not None:
            raise self._fail(gone)

    def _fail(self, error: DatabaseUnusable) -> DatabaseUnusable:
        """Record a fatal fault, report it once, and return it for the caller to raise."""
        if self.fatal is None:
            self.fatal = error
            if self.on_fatal is not None:
                self.on_fatal(error)
            else:
                log.error("%s", error)
        return self.fatal

    def _translate(self, exc: sqlite3.Error) -> Exception:
        """The exception to raise instead of a SQLite one met while the bot runs."""
        if self._identity is None:  # still opening: open() describes it
            return exc
        error = describe(exc, self.path)
        if is_fatal(exc) and isinstance(error, DatabaseUnusable):
            return self._fail(error)
        if not isinstance(error, DatabaseUnusable):  # DiskFull: the caller tries again
            return error
        return exc  # busy, locked, I/O...: the caller backs off

    def _reraise(self, exc: sqlite3.Error) -> NoReturn:
        error = self._translate(exc)
        if error is exc:
            raise exc
        raise error from exc

    # -- use ------------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time on this connection; BEGIN IMMEDIATE locks the file.

        First checks that the path still names the opened file. SQLite errors come out
        translated (see ``_translate``): DiskFull, or DatabaseUnusable once reported.
        """
        async with self.lock:
            self.check_file()
            try:
                await self.db.execute("BEGIN IMMEDIATE")
                try:
                    yield self.db
                    await self.db.execute("COMMIT")
                except BaseException:
                    # SQLite has already rolled back after some errors (SQLITE_FULL)
                    with contextlib.suppress(sqlite3.OperationalError):
                        await self.db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                self._reraise(exc)

    async def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row of a read, or None."""
        async with self.lock:
            try:
                return await fetch_one(self.db, sql, params)
            except sqlite3.Error as exc:
                self._reraise(exc)

    async def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Every row of a read."""
        async with self.lock:
            try:
                return await fetch_all(self.db, sql, params)
            except sqlite3.Error as exc:
                self._reraise(exc)

    async def value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row of a read (None when there is no row)."""
        row = await self.one(sql, params)
        return None if row is None else row[0]

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file, if no reader is in the way."""
        await self.one("PRAGMA wal_checkpoint(PASSIVE)")

    async def schema_version(self) -> int:
        return int(await self.value("PRAGMA user_version"))


async def fetch_one(db: aiosqlite.Connection, sql: str, params: Params = ()) -> sqlite3.Row | None:
    """The first row of a query on ``db`` (inside a transaction already held)."""
    async with db.execute(sql, tuple(params)) as cur:
        return await cur.fetchone()


async def fetch_all(db: aiosqlite.Connection, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Every row of a query on ``db`` (inside a transaction already held)."""
    async with db.execute(sql, tuple(params)) as cur:
        return list(await cur.fetchall())


def _absolute(path: Path | str) -> Path:
    return Path(os.path.abspath(path))


async def _worker_stopped(db: aiosqlite.Connection) -> None:
    """After a failed connect, aiosqlite stops its worker thread without waiting for it; if the
    event loop closed first, the thread would print a traceback as the process exits."""
    thread = getattr(db, "_thread", None)
    if isinstance(thread, threading.Thread) and thread.is_alive():
        await asyncio.to_thread(thread.join, 5.0)
