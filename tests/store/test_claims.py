"""Claims: one send record per subscription and local date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.store import SendStatus

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def test_claim_is_unique_per_subscription_and_local_date(store):
    sub, _ = await store.subscribe(
        user_id=1, dm_channel_id=10, local_time=time(7, 0), tz="UTC", routine="both", at=T0
    )
    first = await store.claim_due(now=sub.next_due, grace=timedelta(hours=2))
    assert [c.local_date for c in first.claims] == [date(2026, 3, 2)]
    assert (await store.claim_due(now=sub.next_due, grace=timedelta(hours=2))).claims == []
    # the member changes their time to later the same day: no second reminder that day
    again, _ = await store.subscribe(
        user_id=1,
        dm_channel_id=None,
        local_time=time(9, 0),
        tz="UTC",
        routine="both",
        at=sub.next_due,
    )
    assert again.next_local_date == date(2026, 3, 2)
    none = await store.claim_due(now=again.next_due, grace=timedelta(hours=2))
    assert none.claims == []
    nxt = await store.subscription(1)
    assert nxt.next_local_date == date(2026, 3, 3)
    assert [s["status"] for s in await store.sends(1)] == ["claimed"]


async def test_outcomes_are_send_statuses_and_an_unknown_one_is_refused(store):
    sub, _ = await store.subscribe(
        user_id=1, dm_channel_id=10, local_time=time(7, 0), tz="UTC", routine="both", at=T0
    )
    (claim,) = (await store.claim_due(now=sub.next_due, grace=timedelta(hours=2))).claims
    with pytest.raises(ValueError, match="unknown send status 'lost'"):
        await store.finish_send(claim.send_id, status="lost", at=sub.next_due)
    await store.finish_send(claim.send_id, status="sent", at=sub.next_due, message_id=99)
    (record,) = await store.sends(1)
    assert record["status"] is SendStatus.SENT and record["message_id"] == 99
