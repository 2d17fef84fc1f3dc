"""SQLite's failures as the store's faults, and the watch on the database file itself.

``describe`` turns a SQLite exception into DiskFull or DatabaseUnusable (bot.store.faults)
by its result code; ``is_fatal`` says whether the file itself is the problem. A path that
no longer names the file the bot opened (deleted, or replaced by another file) is found by
comparing device and inode (``FileIdentity``, ``moved_away``).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.store.faults import DatabaseUnusable, DiskFull, StoreError, damaged

# SQLite primary result codes (https://www.sqlite.org/rescode.html)
SQLITE_PERM = 3
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
SQLITE_READONLY_DIRECTORY = SQLITE_READONLY | (6 << 8)

# The file itself is the problem: carrying on would fail again or write where nobody reads.
FATAL_CODES = frozenset(
    {SQLITE_PERM, SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_CANTOPEN, SQLITE_NOTADB}
)


def error_code(exc: sqlite3.Error) -> int:
    """The extended SQLite result code of an exception (0 when Python did not give one)."""
    return int(getattr(exc, "sqlite_errorcode", 0) or 0)


def is_fatal(exc: sqlite3.Error) -> bool:
    return error_code(exc) & 0xFF in FATAL_CODES or isinstance(exc, sqlite3.NotSupportedError)


def describe(exc: sqlite3.Error, path: Path) -> StoreError:
    """The one-line error for a SQLite exception raised while using the file at ``path``."""
    code = error_code(exc)
    if code & 0xFF == SQLITE_FULL:
        return DiskFull(path)
    if code == SQLITE_READONLY_DIRECTORY:
        return DatabaseUnusable(
            path,
            f"the folder {path.parent} is read-only; SQLite needs to write {path.name}-wal and "
            f"{path.name}-shm beside the database. Make the folder writable for the bot.",
        )
    if code & 0xFF == SQLITE_READONLY:
        return DatabaseUnusable(
            path, "the database file is read-only. Make it writable for the bot's user."
        )
    if code & 0xFF in (SQLITE_CANTOPEN, SQLITE_PERM):
        return DatabaseUnusable(path, _cannot_open(path))
    if code & 0xFF == SQLITE_NOTADB:
        return DatabaseUnusable(
            path, "the file is not a SQLite database. Point DATABASE_PATH at the bot's database."
        )
    if code & 0xFF == SQLITE_CORRUPT:
        return damaged(path, str(exc))
    if code & 0xFF == SQLITE_IOERR:
        return DatabaseUnusable(path, f"a disk I/O error ({exc}). Check the disk.")
    name = getattr(exc, "sqlite_errorname", "") or type(exc).__name__
    return DatabaseUnusable(path, f"SQLite refused the database: {exc} ({name})")


def _cannot_open(path: Path) -> str:
    if path.is_dir():
        return "it is a folder, not a database file."
    if not path.exists():
        return (
            f"cannot create the database file in {path.parent}. Make the folder writable for "
            "the bot's user."
        )
    return "cannot open the database file. Check its permissions."


@dataclass(frozen=True)
class FileIdentity:
    """Which file a path names (device and inode): replacing or deleting it changes that."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(st.st_dev, st.st_ino)


def moved_away(path: Path, opened: FileIdentity) -> DatabaseUnusable | None:
    """None while ``path`` still names the file the bot opened; else the error to stop with."""
    now = FileIdentity.of(path)
    if now == opened:
        return None
    what = "deleted" if now is None else "replaced by another file"
    return DatabaseUnusable(
        path,
        f"the database file was {what} while the bot was running; stopping rather than "
        "writing to a file nobody will read. Restore the file, then start the bot again.",
    )
