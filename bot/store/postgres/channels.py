"""The channels where the bot answers questions by itself, per guild (/config channels)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store.postgres.connection import PostgresConnection, rowcount


class PostgresChannels:
    def __init__(self, conn: PostgresConnection) -> None:
        self._conn = conn

    async def enable(self, guild_id: int, channel_id: int) -> bool:
        """Add an answer channel; False if it was already one."""
        async with self._conn.transaction() as db:
            done = await db.execute(
                "INSERT INTO guild_channels VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                guild_id,
                channel_id,
                datetime.now(UTC),
            )
        return rowcount(done) == 1

    async def disable(self, guild_id: int, channel_id: int) -> bool:
        """Remove an answer channel; False if it was not one."""
        async with self._conn.transaction() as db:
            done = await db.execute(
                "DELETE FROM guild_channels WHERE guild_id = $1 AND channel_id = $2",
                guild_id,
                channel_id,
            )
        return rowcount(done) == 1

    async def enabled(self, guild_id: int) -> list[int]:
        """A guild's answer channels, in the order they were added."""
        rows = await self._conn.all(
            "SELECT channel_id FROM guild_channels WHERE guild_id = $1"
            " ORDER BY added_at, channel_id",
            (guild_id,),
        )
        return [int(r[0]) for r in rows]

    async def is_enabled(self, guild_id: int, channel_id: int) -> bool:
        row = await self._conn.one(
            "SELECT 1 FROM guild_channels WHERE guild_id = $1 AND channel_id = $2",
            (guild_id, channel_id),
        )
        return row is not None
