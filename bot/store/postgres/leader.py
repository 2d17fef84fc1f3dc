"""One dispatcher leader among every process on a PostgreSQL database.

Several processes (shards, or the overlap of a rolling deploy) share the database, and
every reminder DM counts against one bot's global request budget; so one process at a time
sends the reminders, and the budget is shared, not multiplied. The leader holds a session
advisory lock (``pg_try_advisory_lock``) on a connection of its own, outside the pool. The
others stand by and try the lock again at each look (the dispatcher looks every
``STANDBY_CHECK_S``).

When the leader dies its connection closes and PostgreSQL releases the lock at once (a
killed process's socket is closed by its kernel); if its machine vanishes instead, the
server's TCP keepalives (``KEEPALIVE``, set on the lock's session) end the session within
about 20 s. Either way a standby holds the lock at its next look, within 30 s, takes over
the sends the old leader left unconfirmed, and carries on. A leader whose lock connection
fails (checked every ``LIVENESS_S`` while it leads) stops claiming at once and stands by.
"""

from __future__ import annotations

import logging
import os
import time

import asyncpg

from bot.store.faults import Unavailable
from bot.store.postgres.connection import PostgresConnection
from bot.store.postgres.faults import DRIVER_ERRORS, describe
from bot.store.postgres.migrate import LEADER_LOCK

log = logging.getLogger(__name__)

LOST: tuple[type[BaseException], ...] = (Unavailable, *DRIVER_ERRORS)

STANDBY_CHECK_S = 5.0  # how often a standby tries the lock (the dispatcher's standby sleep)
LIVENESS_S = 5.0  # how often the leader checks that its lock's connection is alive
CHECK_TIMEOUT_S = 5.0  # a check that takes longer counts as a lost connection
# the server drops a vanished client's session, and with it the lock, within about 20 s
KEEPALIVE = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "20000",
}


class PostgresLeadership:
    """This process's claim to lead the reminder dispatch."""

    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn
        self._lock: asyncpg.Connection[asyncpg.Record] | None = None
        self._leading = False
        self._checked = 0.0
        self._standing_by = False  # said so in the log

    async def lead(self) -> bool:
        """True while this process leads (taking the lead if it is free); False while
        another process does. Raises Unavailable when the server cannot be reached."""
        self._conn.check_file()
        try:
            if self._leading and await self._still_held():
                return True
            if self._lock is None or self._lock.is_closed():
                self._lock = await asyncpg.connect(
                    **self._conn.connect_args(),
                    server_settings={
                        "application_name": f"runclub-bot dispatcher pid {os.getpid()}",
                        **KEEPALIVE,
                    },
                )
            self._leading = bool(
                await self._lock.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK)
            )
        except DRIVER_ERRORS as exc:
            await self._drop()
            raise describe(exc, self._conn.where) from exc
        if self._leading:
            self._checked = time.monotonic()
            self._standing_by = False
            log.info("this process leads the reminder dispatch (PostgreSQL advisory lock)")
        elif not self._standing_by:
            self._standing_by = True
            log.info("another process leads the reminder dispatch; this one stands by")
        return self._leading

    async def _still_held(self) -> bool:
        assert self._lock is not None
        if not self._lock.is_closed() and time.monotonic() - self._checked < LIVENESS_S:
            return True
        try:
            if self._lock.is_closed():
                raise Unavailable(self._conn.where, "the leader lock's connection closed")
            await self._lock.fetchval("SELECT 1", timeout=CHECK_TIMEOUT_S)
        except LOST as exc:
            log.warning(
                "lost the lead of the reminder dispatch (%s); standing by",
                exc if isinstance(exc, Unavailable) else type(exc).__name__,
            )
            await self._drop()
            return False
        self._checked = time.monotonic()
        return True

    @property
    def leading(self) -> bool:
        return self._leading

    async def resign(self) -> None:
        """Give up the lead (at a stop), so a standby takes over at its next look."""
        await self._drop()

    async def _drop(self) -> None:
        self._leading = False
        lock, self._lock = self._lock, None
        if lock is not None and not lock.is_closed():
            try:
                await lock.close(timeout=2)
            except (Exception, TimeoutError):
                lock.terminate()
