"""Done / Skip presses and the streak."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_streak_counts_done_days_and_skips_rest(store):
    d = date(2026, 3, 10)
    assert await store.record_routine(4, d - timedelta(days=3), "done", at=T0)
    assert await store.record_routine(4, d - timedelta(days=2), "skip", at=T0)
    assert await store.record_routine(4, d - timedelta(days=1), "done", at=T0)
    assert not await store.record_routine(4, d - timedelta(days=1), "done", at=T0)
    assert await store.streak(4, d) == (2, 2)  # today not done yet: the streak holds
    assert await store.record_routine(4, d, "done", at=T0)
    assert await store.streak(4, d) == (3, 3)
    assert await store.streak(4, d + timedelta(days=2)) == (0, 3)  # a missed day breaks it


async def test_an_unknown_routine_action_is_refused(store):
    with pytest.raises(ValueError, match="unknown routine action 'later'"):
        await store.record_routine(4, date(2026, 3, 10), "later", at=T0)
