"""Every table of the PostgreSQL database as plain values, and back (bot.store.transfer).
asyncpg already reads and writes timestamptz, date, time and boolean as Python's own types;
an import writes each table with COPY, then moves each id sequence past the largest id."""

from __future__ import annotations

from collections.abc import Mapping

from bot.store.interface import TableRows
from bot.store.postgres.connection import PostgresConnection
from bot.store.transfer import TABLES, WITH_ID, columns, refuse_non_empty


class PostgresTransfer:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def dump(self) -> dict[str, TableRows]:
        """Every table's rows, read in one repeatable-read snapshot."""
        out: dict[str, TableRows] = {}
        async with self._conn.transaction() as db:
            await db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for table in TABLES:
                rows = await db.fetch(
                    f"SELECT {', '.join(columns(table))} FROM {table} ORDER BY 1, 2"
                )
                out[table] = [tuple(row) for row in rows]
        return out

    async def load(self, tables: Mapping[str, TableRows], *, replace: bool) -> None:
        """Write every table's rows in one transaction; refuse a database holding data
        unless ``replace`` (then empty every table first)."""
        async with self._conn.transaction() as db:
            # nobody writes meanwhile (a running bot waits), so the check holds for the load
            await db.execute(f"LOCK TABLE {', '.join(TABLES)} IN EXCLUSIVE MODE")
            if replace:
                await db.execute(f"TRUNCATE {', '.join(TABLES)}")
            else:
                counts = {}
                for table in TABLES:
                    counts[table] = int(await db.fetchval(f"SELECT COUNT(*) FROM {table}"))
                refuse_non_empty(counts)
            for table in TABLES:
                if tables[table]:
                    await db.copy_records_to_table(
                        table, records=tables[table], columns=list(columns(table))
                    )
            for table in WITH_ID:
                await db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
