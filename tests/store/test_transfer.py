"""Export and import through the store interface, on each backend: every table round-trips,
a database holding data is refused unless replace, and the ids go on after an import."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.store import TransferError
from tests.test_moving_house import a_club

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def rows_of(text: str) -> dict:
    return json.loads(text)["tables"]


async def test_every_table_round_trips_and_ids_go_on(store):
    await a_club(store)
    first = await store.export_json()
    with pytest.raises(TransferError, match=r"already holds data \(2 guild_channels, 4 quest"):
        await store.import_json(first)
    await store.enable_channel(77, 700)  # replaced by the import
    counts = await store.import_json(first, replace=True)
    assert counts["subscriptions"] == 4 and counts["sends"] == 3
    assert counts["learned_phrasings"] == counts["learned_askers"] == 1
    assert counts["member_zones"] == 3
    assert rows_of(await store.export_json()) == rows_of(first)
    assert await store.enabled_channels(77) == []
    sub, new = await store.subscribe(
        user_id=9, dm_channel_id=None, local_time=time(6, 0), tz="UTC", routine="core", at=T0
    )
    assert new and sub.id == 5
    claim = (await store.claim_due(now=sub.next_due, grace=timedelta(hours=2))).claims[0]
    assert claim.send_id == 4


async def test_an_empty_database_exports_empty_tables_at_its_schema_version(store):
    text = await store.export_json()
    body = json.loads(text)
    assert body["schema_version"] == await store.schema_version()
    assert body["backend"] == store.backend
    assert all(part["rows"] == [] for part in body["tables"].values())
    assert await store.import_json(text) == dict.fromkeys(body["tables"], 0)
