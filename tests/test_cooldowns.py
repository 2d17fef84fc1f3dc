"""Per-member and per-channel cooldowns, on a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import FakeClock
from bot.core.cooldowns import Cooldowns, DirectAsks

START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


async def test_a_burst_in_one_channel_gets_one_reply(clock):
    cd = Cooldowns(clock, member_s=60, channel_s=10)
    allowed = [cd.try_acquire(member, 500) for member in range(20)]
    assert allowed.count(True) == 1
    assert allowed[0] is True


async def test_channel_cooldown_ends_on_time(clock):
    cd = Cooldowns(clock, member_s=60, channel_s=10)
    assert cd.try_acquire(1, 500)
    await clock.advance(timedelta(seconds=9))
    assert not cd.try_acquire(2, 500)
    await clock.advance(timedelta(seconds=1))
    assert cd.try_acquire(2, 500)


async def test_member_cooldown_holds_across_channels(clock):
    cd = Cooldowns(clock, member_s=60, channel_s=10)
    assert cd.try_acquire(1, 500)
    assert not cd.try_acquire(1, 501)
    assert cd.try_acquire(2, 501)
    await clock.advance(timedelta(seconds=59))
    assert not cd.try_acquire(1, 502)
    await clock.advance(timedelta(seconds=1))
    assert cd.try_acquire(1, 502)


async def test_a_refused_attempt_does_not_extend_the_cooldown(clock):
    cd = Cooldowns(clock, member_s=0, channel_s=10)
    assert cd.try_acquire(1, 500)
    await clock.advance(timedelta(seconds=5))
    assert not cd.try_acquire(2, 500)
    await clock.advance(timedelta(seconds=5))
    assert cd.try_acquire(3, 500)


async def test_hit_starts_both_cooldowns_without_checking(clock):
    cd = Cooldowns(clock, member_s=60, channel_s=10)
    assert cd.try_acquire(1, 500)
    cd.hit(1, 500)  # an urgent reply goes out regardless
    assert not cd.ready(1, 600)
    assert not cd.ready(2, 500)


async def test_zero_cooldowns_never_refuse(clock):
    cd = Cooldowns(clock, member_s=0, channel_s=0)
    assert all(cd.try_acquire(1, 500) for _ in range(100))


async def test_forget_member_clears_only_that_member(clock):
    cd = Cooldowns(clock, member_s=60, channel_s=0)
    cd.try_acquire(1, 500)
    cd.try_acquire(2, 501)
    cd.forget_member(1)
    assert cd.ready(1, 502)
    assert not cd.ready(2, 502)


async def test_expired_entries_are_pruned(clock):
    cd = Cooldowns(clock, member_s=1, channel_s=1)
    for n in range(10_001):
        cd.try_acquire(n, n)
    await clock.advance(timedelta(seconds=2))
    cd.try_acquire(10**9, 10**9)
    assert len(cd._members) == 1
    assert len(cd._channels) == 1


# -- the flood limit on direct asks ----------------------------------------------------------


async def test_direct_asks_past_the_limit_get_one_slow_down_then_silence_until_a_slot_frees(
    clock,
):
    limit = DirectAsks(clock, limit=6, window_s=60)
    verdicts = []
    for _ in range(9):
        verdicts.append(limit.take(1))
        await clock.advance(timedelta(seconds=1))
    assert verdicts == ["reply"] * 6 + ["slow_down", "silent", "silent"]
    assert limit.take(2) == "reply"  # another member is not held back
    # the first ask leaves the window 60 s after it was made: one more is answered
    await clock.set(START + timedelta(seconds=59.5))
    assert limit.take(1) == "silent"
    await clock.set(START + timedelta(seconds=60))
    assert limit.take(1) == "reply"
    assert limit.take(1) == "slow_down"  # and the member is warned again, once


async def test_a_limit_of_zero_answers_everything_and_forgetting_a_member_frees_them(clock):
    assert all(DirectAsks(clock, limit=0).take(1) == "reply" for _ in range(50))
    limit = DirectAsks(clock, limit=1)
    assert [limit.take(1), limit.take(1)] == ["reply", "slow_down"]
    limit.forget_member(1)
    assert limit.take(1) == "reply"
