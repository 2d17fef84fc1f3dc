"""PostgreSQL's failures as the store's faults (bot.store.faults), each in one line that
names DATABASE_URL with its password masked.

- The server cannot be reached, or the connection was lost (refused, reset, the server
  restarting or shutting down, too many connections): ``Unavailable`` while the bot runs,
  so the caller keeps its data and the pool reconnects at the next use; at start the same
  fault is ``DatabaseUnusable`` (say it and exit, as for a SQLite file that cannot open).
- The server refuses the bot for good (wrong user or password, no such database, no
  permission, a read-only server) or the bot's tables are gone: ``DatabaseUnusable``.
- The server's disk is full: ``DiskFull``.
"""

from __future__ import annotations

import socket

import asyncpg

from bot.store.faults import DatabaseUnusable, DiskFull, StoreError, Unavailable

# The connection is gone or never opened; a new one may work.
CONNECTION_LOST: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # a connection the server closed under a query
)
# Raised by the driver or the server: what ``describe`` translates.
DRIVER_ERRORS: tuple[type[BaseException], ...] = (asyncpg.PostgresError, *CONNECTION_LOST)


def describe(exc: BaseException, where: str, *, starting: bool = False) -> StoreError:
    """The one-line error for a driver exception met while using the database at ``where``
    (a masked URL). ``starting``: at start, where a server that cannot be reached is a
    reason to exit, not to wait."""
    detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    if isinstance(exc, asyncpg.InvalidPasswordError):
        return DatabaseUnusable(
            where,
            f"PostgreSQL refused the password ({detail}). Check the user and password in "
            "DATABASE_URL.",
        )
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        return DatabaseUnusable(
            where,
            f"PostgreSQL refused the login ({detail}). Check the user in DATABASE_URL and "
            "the server's pg_hba.conf.",
        )
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return DatabaseUnusable(
            where,
            f"the database does not exist ({detail}). Create it (createdb NAME), or fix the "
            "database name at the end of DATABASE_URL.",
        )
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return DatabaseUnusable(
            where,
            f"the database user lacks a permission the bot needs ({detail}). Let it create "
            "and change tables in this database.",
        )
    if isinstance(exc, asyncpg.ReadOnlySQLTransactionError):
        return DatabaseUnusable(
            where, "the server is read-only (a replica?). Point DATABASE_URL at the primary."
        )
    if isinstance(exc, asyncpg.UndefinedTableError | asyncpg.UndefinedColumnError):
        return DatabaseUnusable(
            where,
            f"the bot's tables are not as it left them ({detail}). Restore a backup, or "
            "point DATABASE_URL at an empty database.",
        )
    if isinstance(exc, asyncpg.DiskFullError):
        return DiskFull(where, f"PostgreSQL: {detail}")
    if isinstance(exc, CONNECTION_LOST):
        problem = _unreachable(exc, detail)
        if starting:
            return DatabaseUnusable(where, f"{problem}. Check that PostgreSQL is running there.")
        return Unavailable(where, f"{problem}; trying again")
    return DatabaseUnusable(where, f"PostgreSQL refused the database: {detail}")


def _unreachable(exc: BaseException, detail: str) -> str:
    if isinstance(exc, socket.gaierror):
        return f"cannot find the server's host name ({detail})"
    refused = "refused" in detail.lower() or "connect call failed" in detail.lower()
    if isinstance(exc, ConnectionRefusedError) or (isinstance(exc, OSError) and refused):
        return "cannot connect: the connection was refused"
    if isinstance(exc, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, asyncpg.TooManyConnectionsError):
        return f"the server has no connection to spare ({detail})"
    if isinstance(exc, asyncpg.CannotConnectNowError):
        return f"the server is starting up or shutting down ({detail})"
    return f"the connection to the server was lost ({detail})"


def is_fatal(error: StoreError) -> bool:
    return isinstance(error, DatabaseUnusable)
