"""Answer channels per guild."""

from __future__ import annotations


async def test_channels(store):
    assert await store.enable_channel(10, 100) is True
    assert await store.enable_channel(10, 100) is False
    assert await store.enable_channel(10, 101) is True
    assert await store.enable_channel(11, 100) is True
    assert await store.enabled_channels(10) == [100, 101]
    assert await store.is_enabled(10, 101) and not await store.is_enabled(10, 102)
    assert await store.disable_channel(10, 100) is True
    assert await store.disable_channel(10, 100) is False
    assert await store.enabled_channels(10) == [101]
    assert await store.enabled_channels(11) == [100]
