"""Bring a PostgreSQL database up to the newest migration, once, however many processes start.

Everything runs in one transaction that first takes a transaction-scoped advisory lock
(``pg_advisory_xact_lock``): a second process starting at the same moment waits on the
lock, then finds the versions already applied. The version is a row per applied migration
in ``schema_version``; a database whose version is above the last file was written by a
newer release and is refused, untouched. PostgreSQL's DDL is transactional, so a failing
migration leaves the database exactly as it was. Each file runs whole (the simple query
protocol takes many statements at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.store.faults import newer_schema

if TYPE_CHECKING:
    from bot.store.postgres.connection import PostgresConnection

# Advisory lock keys (per database): migrating, and leading the reminder dispatch.
MIGRATION_LOCK = 0x72636C75_62000001
LEADER_LOCK = 0x72636C75_62000002

SCHEMA_VERSION = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


async def migrate(conn: PostgresConnection, scripts: Sequence[str]) -> None:
    """Apply the migrations the database lacks; refuse one newer than ``scripts`` know."""
    async with conn.transaction() as con:
        await con.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await con.execute(SCHEMA_VERSION)
        found = int(await con.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        if found > len(scripts):
            raise newer_schema(conn.where, found, len(scripts))
        for version, script in enumerate(scripts, start=1):
            if version > found:
                await con.execute(script)
                await con.execute("INSERT INTO schema_version (version) VALUES ($1)", version)
