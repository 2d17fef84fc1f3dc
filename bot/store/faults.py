"""What can go wrong with the database, said in one line that names DATABASE_PATH.

Every backend turns its driver's failures into one of these:

- ``DatabaseUnusable``: the bot must not go on with this database (it cannot be opened or
  written, it is not a database, it is damaged, its schema is newer than this release, or
  its file was deleted or replaced while the bot ran). At start the command line prints the
  message and exits non-zero; while running the bot stops with it.
- ``DiskFull``: nothing was written because the disk is full; the writer keeps its data and
  tries again.

Messages carry no traceback and nothing secret: the path, what is wrong, what to do. How a
SQLite error becomes one of these is in bot.store.sqlite.faults.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """A database failure, described in one line that starts with DATABASE_PATH=<path>."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"DATABASE_PATH={path}: {problem}")
        self.path = path
        self.problem = problem


class DatabaseUnusable(StoreError):
    """The bot cannot (or must not) keep using this database file."""


class DiskFull(StoreError):
    """The write failed because the disk (or the database's size limit) is full."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "the disk is full (SQLite: database or disk is full)")


def damaged(path: Path, detail: str) -> DatabaseUnusable:
    return DatabaseUnusable(
        path,
        f"the database is damaged ({detail[:200]}). Restore a backup, or move the file "
        "away to start with an empty database.",
    )


def newer_schema(path: Path, found: int, known: int) -> DatabaseUnusable:
    return DatabaseUnusable(
        path,
        f"the database has schema version {found}, but this version of the bot knows versions "
        f"up to {known}: a newer release wrote it. Run that release, or restore a backup "
        "made before the upgrade.",
    )


def folder_problem(path: Path, exc: OSError) -> DatabaseUnusable:
    return DatabaseUnusable(
        path, f"cannot create the folder {path.parent} ({exc.strerror or exc})."
    )
