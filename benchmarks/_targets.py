"""Where a benchmark's databases live: SQLite files in a temporary folder, or fresh databases
on a PostgreSQL server (created for the run and dropped after it).

    target = SqliteTarget(workdir) | PostgresTarget(admin_url)
    where = await target.fresh("label")         # a path or a URL that Store.open takes
    await target.seed(where, rows)              # subscriptions, fast (COPY on PostgreSQL)
    copy = await target.copy(where, "label2")   # the same data in another database
    await target.statuses(where)                # send records per status

``PostgresTarget.throwaway()`` starts the tests' own throwaway cluster instead
(tests/postgres_cluster.py), with PostgreSQL's default durability (fsync and synchronous
commit on, unlike the tests), so ``--postgres`` needs nothing but PostgreSQL's binaries.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import asyncpg

from bot.store import Store

# (user_id, dm_channel_id, local_time, tz, routine, created_at, updated_at, next_due, day)
Row = tuple[int, int, time, str, str, datetime, datetime, datetime, date]
COLUMNS = [
    "user_id", "dm_channel_id", "local_time", "tz", "routine", "created_at", "updated_at",
    "next_due_utc", "next_local_date",
]  # fmt: skip


class SqliteTarget:
    name = "SQLite"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    async def fresh(self, label: str) -> str:
        path = self.workdir / f"{label}.sqlite3"
        await (await Store.open(path)).close()
        return str(path)

    async def seed(self, where: str, rows: Sequence[Row]) -> None:
        con = sqlite3.connect(where)
        with con:
            con.executemany(
                f"INSERT INTO subscriptions ({', '.join(COLUMNS)}, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')",
                [
                    (u, dm, f"{lt:%H:%M}", tz, r, c.timestamp(), m.timestamp(), d.timestamp(),
                     str(day))
                    for u, dm, lt, tz, r, c, m, d, day in rows
                ],
            )  # fmt: skip
        con.close()

    async def copy(self, where: str, label: str, *, drop_first: int = 0) -> str:
        path = self.workdir / f"{label}.sqlite3"
        src, dst = sqlite3.connect(where), sqlite3.connect(path)
        src.backup(dst)
        if drop_first:
            dst.execute("DELETE FROM subscriptions WHERE id <= ?", (drop_first,))
        dst.commit()
        src.close()
        dst.close()
        return str(path)

    async def statuses(self, where: str) -> dict[str, int]:
        con = sqlite3.connect(where)
        try:
            return dict(con.execute("SELECT status, COUNT(*) FROM sends GROUP BY status"))
        finally:
            con.close()

    async def close(self) -> None:
        pass


class PostgresTarget:
    name = "PostgreSQL"

    def __init__(self, admin_url: str, cluster: Any = None) -> None:
        self.admin_url = admin_url  # any database on the server; new ones are made beside it
        self.cluster = cluster
        self.made: list[str] = []

    @classmethod
    def throwaway(cls) -> PostgresTarget:
        from tests.postgres_cluster import start_cluster

        cluster = start_cluster(durable=True)  # fsync and synchronous commit, as served
        return cls(cluster.url("postgres"), cluster)

    def _url(self, name: str) -> str:
        base, _, _ = self.admin_url.rpartition("/")
        query = self.admin_url.partition("?")[2]
        return f"{base}/{name}" + (f"?{query}" if query else "")

    async def _admin(self, sql: str) -> None:
        con = await asyncpg.connect(self.admin_url)
        try:
            await con.execute(sql)
        finally:
            await con.close()

    async def fresh(self, label: str) -> str:
        name = f"bench_{label.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
        await self._admin(f"CREATE DATABASE {name}")
        self.made.append(name)
        url = self._url(name)
        await (await Store.open(url)).close()
        return url

    async def seed(self, where: str, rows: Sequence[Row]) -> None:
        con = await asyncpg.connect(where)
        try:
            await con.copy_records_to_table(
                "subscriptions",
                columns=[*COLUMNS, "status"],
                records=[(*row, "active") for row in rows],
            )
            await con.execute("ANALYZE subscriptions")
        finally:
            await con.close()

    async def copy(self, where: str, label: str, *, drop_first: int = 0) -> str:
        source = where.rpartition("/")[2].partition("?")[0]
        name = f"bench_{label.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
        await self._admin(f"CREATE DATABASE {name} TEMPLATE {source}")
        self.made.append(name)
        url = self._url(name)
        if drop_first:
            con = await asyncpg.connect(url)
            try:
                await con.execute("DELETE FROM subscriptions WHERE id <= $1", drop_first)
                await con.execute("VACUUM ANALYZE subscriptions")
            finally:
                await con.close()
        return url

    async def statuses(self, where: str) -> dict[str, int]:
        con = await asyncpg.connect(where)
        try:
            rows = await con.fetch("SELECT status, COUNT(*) FROM sends GROUP BY status")
            return {r[0]: int(r[1]) for r in rows}
        finally:
            await con.close()

    async def close(self) -> None:
        for name in self.made:
            await self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if self.cluster is not None:
            self.cluster.stop()
