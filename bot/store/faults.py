"""What can go wrong with the database, said in one line that names the database setting.

Every backend turns its driver's failures into one of these:

- ``DatabaseUnusable``: the bot must not go on with this database (it cannot be opened or
  written, it is not a database, it is damaged, its schema is newer than this release, or
  its file was deleted or replaced while the bot ran). At start the command line prints the
  message and exits non-zero; while running the bot stops with it.
- ``RetryLater``: nothing was written, and the writer keeps its data and tries again:
  ``DiskFull`` (the disk is full) or ``Unavailable`` (the database server cannot be reached
  just now: a lost connection, a server restarting).

Messages carry no traceback and nothing secret: where the database is (``DATABASE_PATH=``
and the file's absolute path, or ``DATABASE_URL=`` and the URL with its password masked),
what is wrong, what to do. How a SQLite error becomes one of these is in
bot.store.sqlite.faults, a PostgreSQL one in bot.store.postgres.faults.
"""

from __future__ import annotations

from pathlib import Path

# A SQLite database is named by its file; a PostgreSQL one by its URL, password masked.
Where = Path | str


def setting(where: Where) -> str:
    """``DATABASE_PATH=<path>`` for a file, ``DATABASE_URL=<masked url>`` for a server."""
    return f"DATABASE_PATH={where}" if isinstance(where, Path) else f"DATABASE_URL={where}"


class StoreError(Exception):
    """A database failure, described in one line that starts with the database setting."""

    def __init__(self, path: Where, problem: str) -> None:
        super().__init__(f"{setting(path)}: {problem}")
        self.path = path
        self.problem = problem


class DatabaseUnusable(StoreError):
    """The bot cannot (or must not) keep using this database."""


class RetryLater(StoreError):
    """Nothing was written; keep the data and try again later."""


class DiskFull(RetryLater):
    """The write failed because the disk (or the database's size limit) is full."""

    def __init__(self, path: Where, detail: str = "SQLite: database or disk is full") -> None:
        super().__init__(path, f"the disk is full ({detail})")


class Unavailable(RetryLater):
    """The database server cannot be reached just now (the connection was lost, the server
    is restarting); the store reconnects at the next use."""


def damaged(path: Where, detail: str) -> DatabaseUnusable:
    return DatabaseUnusable(
        path,
        f"the database is damaged ({detail[:200]}). Restore a backup, or move the file "
        "away to start with an empty database.",
    )


def newer_schema(path: Where, found: int, known: int) -> DatabaseUnusable:
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
