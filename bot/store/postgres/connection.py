"""The PostgreSQL connection pool: open and check the database, migrate it, run transactions,
reconnect after a lost connection, and stop for good once the database is unusable.

Opening connects (refused, a wrong password, a missing database: one line naming the masked
DATABASE_URL), refuses a read-only server, and migrates (bot.store.postgres.migrate). Every
use takes a connection from a small pool. A connection found dead when a transaction or a
read begins (the server restarted, the network dropped it) is thrown away and the work
starts again once on a fresh one, so a restarted server costs nothing; one lost in the
middle of a transaction raises ``Unavailable`` (nothing was written, or the commit's answer
was lost), and the caller keeps its data and tries again later. A fault that makes the
database unusable (its tables gone, the login refused) is fatal: reported once through
``on_fatal``, and every later use raises it.

There is no file to watch: ``check_file`` only raises a fatal fault already found.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.database_url import masked
from bot.store import migrations
from bot.store.faults import DatabaseUnusable, StoreError
from bot.store.interface import FatalHandler
from bot.store.postgres.faults import CONNECTION_LOST, DRIVER_ERRORS, describe
from bot.store.postgres.migrate import migrate

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    Connection: TypeAlias = PoolConnectionProxy[asyncpg.Record]
else:
    Connection = PoolConnectionProxy  # not subscriptable at run time
Params = Iterable[object]

POOL_SIZE = 5  # per process: two processes and their leader locks fit a 20-connection plan
CONNECT_TIMEOUT_S = 10.0
COMMAND_TIMEOUT_S = 60.0
SERVER_SETTINGS = {"application_name": "runclub-bot", "timezone": "UTC"}


class PostgresConnection:
    """One PostgreSQL database through a pool. ``await PostgresConnection.open(url)``."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], url: str) -> None:
        self.pool = pool
        self.url = url  # with its password: only ever passed to asyncpg
        self.where = masked(url)  # what every message shows
        self.fatal: DatabaseUnusable | None = None
        self.on_fatal: FatalHandler | None = None
        self._opening = True  # faults met while opening are the caller's to report

    @classmethod
    async def open(cls, url: str) -> PostgresConnection:
        """Connect to, check and migrate the database at ``url``.

        Raises DatabaseUnusable with one line naming the masked DATABASE_URL when the server
        cannot be reached, refuses the login, has no such database, is read-only, or holds a
        schema newer than this release knows.
        """
        where = masked(url)
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=0,  # no floor to restore in the background (asyncpg logs a
                # traceback for every failed try while the server is down): connect on use
                max_size=POOL_SIZE,
                timeout=CONNECT_TIMEOUT_S,
                command_timeout=COMMAND_TIMEOUT_S,
                server_settings=SERVER_SETTINGS,
            )
        except DRIVER_ERRORS as exc:
            raise describe(exc, where, starting=True) from None
        except ValueError as exc:  # asyncpg could not read the URL
            raise DatabaseUnusable(where, f"the URL cannot be read ({exc})") from None
        conn = cls(pool, url)
        try:
            if await conn.value("SHOW transaction_read_only") == "on":
                raise describe(asyncpg.ReadOnlySQLTransactionError("read-only"), where)
            await migrate(conn, migrations.POSTGRES)
        except BaseException:
            await pool.close()
            raise
        conn._opening = False
        return conn

    async def close(self) -> None:
        await self.pool.close()

    def connect_args(self) -> dict[str, Any]:
        """How to open a connection of one's own (the leader lock keeps one)."""
        return {"dsn": self.url, "timeout": CONNECT_TIMEOUT_S}

    # -- faults ---------------------------------------------------------------------------

    def check_file(self) -> None:
        """No file to watch; raises the fatal fault once one was found."""
        if self.fatal is not None:
            raise self.fatal

    def _fail(self, error: DatabaseUnusable) -> DatabaseUnusable:
        if self.fatal is None:
            self.fatal = error
            if self.on_fatal is not None:
                self.on_fatal(error)
            else:
                log.error("%s", error)
        return self.fatal

    async def _reraise(self, exc: BaseException) -> NoReturn:
        error: StoreError = describe(exc, self.where, starting=self._opening)
        if isinstance(exc, CONNECTION_LOST):
            await self.pool.expire_connections()  # the others are likely dead too
        if isinstance(error, DatabaseUnusable) and not self._opening:
            error = self._fail(error)
        raise error from exc

    # -- use ------------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """One transaction on a pooled connection; a dead connection found at BEGIN is
        replaced once. Driver errors come out as the store's faults."""
        self.check_file()
        for attempt in (1, 2):
            try:
                con = await self.pool.acquire()
            except DRIVER_ERRORS as exc:
                await self._reraise(exc)
            try:
                tx = con.transaction()
                await tx.start()
            except CONNECTION_LOST as exc:
                await self.pool.release(con)
                if attempt == 2:
                    await self._reraise(exc)
                await self.pool.expire_connections()
                continue
            except DRIVER_ERRORS as exc:
                await self.pool.release(con)
                await self._reraise(exc)
            break
        try:
            try:
                yield con
                await tx.commit()
            except BaseException:
                if not con.is_closed():
                    with suppress(*DRIVER_ERRORS):
                        await tx.rollback()
                raise
        except DRIVER_ERRORS as exc:
            await self._reraise(exc)
        finally:
            await self.pool.release(con)

    async def _read(self, method: str, sql: str, params: Params) -> Any:
        self.check_file()
        args = tuple(params)
        for attempt in (1, 2):
            try:
                return await getattr(self.pool, method)(sql, *args)
            except CONNECTION_LOST as exc:
                if attempt == 2:
                    await self._reraise(exc)
                await self.pool.expire_connections()
            except DRIVER_ERRORS as exc:
                await self._reraise(exc)
        raise AssertionError("unreachable")

    async def one(self, sql: str, params: Params = ()) -> asyncpg.Record | None:
        """The first row of a read, or None (a lost connection is retried once: reads are
        safe to repeat)."""
        row: asyncpg.Record | None = await self._read("fetchrow", sql, params)
        return row

    async def all(self, sql: str, params: Params = ()) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self._read("fetch", sql, params)
        return rows

    async def value(self, sql: str, params: Params = ()) -> Any:
        return await self._read("fetchval", sql, params)

    async def checkpoint(self) -> None:
        """Nothing to do: the server checkpoints by itself."""

    async def schema_version(self) -> int:
        return int(await self.value("SELECT COALESCE(MAX(version), 0) FROM schema_version"))


def rowcount(status: str) -> int:
    """How many rows a command touched, from its status ('INSERT 0 1', 'DELETE 3')."""
    return int(status.rsplit(" ", 1)[-1])
