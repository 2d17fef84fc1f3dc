"""Notices waiting for a member."""

from __future__ import annotations

from datetime import UTC, datetime

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_notices_pop_once_in_order(store):
    await store.add_notice(3, "first", at=T0)
    await store.add_notice(3, "second", at=T0)
    assert await store.has_notices(3)
    assert await store.pop_notices(3) == ["first", "second"]
    assert await store.pop_notices(3) == []
    assert not await store.has_notices(3)
