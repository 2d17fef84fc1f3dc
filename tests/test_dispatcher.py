"""The dispatcher with a fake sender and a fake clock: on time, once, and failures handled."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.reminders.delivery import DMS_CLOSED_NOTICE
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.errors import DMsClosed, RateLimited, Transient, UnknownRecipient
from bot.store import Claim, Store, reminder_nonce
from tests.helpers import until
from tests.sqlite_faults import disk_freed, disk_full

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # a Friday; London springs forward on Sunday


class FakeSender:
    """Stands in for Discord: records every DM it delivers; ``script[user_id]`` lists errors
    to raise first. Like Discord with ``enforce_nonce``, a request repeating a nonce gets the
    message that nonce made and delivers nothing new (``deduped`` counts those)."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, date, datetime]] = []
        self.calls: list[int] = []
        self.nonces: list[str] = []
        self.made: dict[str, int] = {}
        self.deduped = 0
        self.script: dict[int, list[Exception]] = {}
        self.clock: FakeClock | None = None

    async def __call__(self, claim: Claim) -> int:
        self.calls.append(claim.user_id)
        self.nonces.append(claim.nonce)
        todo = self.script.get(claim.user_id)
        if todo:
            raise todo.pop(0)
        if claim.nonce in self.made:
            self.deduped += 1
            return self.made[claim.nonce]
        self.sent.append((claim.user_id, claim.local_date, self.clock.now() if self.clock else T0))
        self.made[claim.nonce] = 1000 + claim.send_id
        return 1000 + claim.send_id


async def settle(d: Dispatcher) -> None:
    d.poke()
    await asyncio.wait_for(d.wait_idle(), 10)


async def goto(clock: FakeClock, when: datetime, *dispatchers: Dispatcher) -> None:
    await clock.set(when)
    for d in dispatchers:
        await settle(d)


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
async def store(tmp_path):
    s = await Store.open(tmp_path / "bot.sqlite3")
    yield s
    await s.close()


@pytest.fixture
async def sender(clock):
    s = FakeSender()
    s.clock = clock
    return s


@pytest.fixture
async def dispatcher(store, sender, clock):
    d = Dispatcher(store, sender, clock, rate_per_s=0, backoff_s=(1, 2, 4))
    d.start()
    await settle(d)
    yield d
    await d.stop()


async def sub(store, user, at="07:30", tz="Europe/London", when=T0, routine="both"):
    h, m = map(int, at.split(":"))
    s, _ = await store.subscribe(
        user_id=user,
        dm_channel_id=user * 10,
        local_time=time(h, m),
        tz=tz,
        routine=routine,
        at=when,
    )
    return s


async def test_sends_at_the_due_instant_each_local_day_across_dst(store, sender, clock, dispatcher):
    await sub(store, 1)
    dispatcher.poke()
    await goto(clock, datetime(2026, 3, 28, 7, 29, 59, tzinfo=UTC), dispatcher)
    assert sender.sent == []
    for day, utc_hour in ((28, 7), (29, 6), (30, 6)):  # 07:30 GMT, then 07:30 BST
        await goto(clock, datetime(2026, 3, day, utc_hour, 30, tzinfo=UTC), dispatcher)
        assert sender.sent[-1] == (1, date(2026, 3, day), clock.now())
    assert len(sender.sent) == 3
    assert [s["status"] for s in await store.sends(1)] == ["sent"] * 3
    assert (await store.sends(1))[0]["message_id"] is not None


async def test_sleeping_loop_follows_the_fake_clock_without_pokes(store, sender, clock):
    await sub(store, 1, at="13:00", tz="UTC")
    d = Dispatcher(store, sender, clock, rate_per_s=0)
    d.start()
    try:
        await settle(d)
        await clock.set(datetime(2026, 3, 27, 13, 0, tzinfo=UTC))  # no poke: the sleep ends
        await until(lambda: bool(sender.sent))
        assert [u for u, *_ in sender.sent] == [1]
    finally:
        await d.stop()


async def test_after_downtime_a_late_reminder_is_sent_once_and_stale_ones_skipped(
    store, sender, clock, tmp_path
):
    await sub(store, 1, at="07:30", tz="UTC")  # due 28 Mar 07:30
    await sub(store, 2, at="10:00", tz="UTC")  # due 28 Mar 10:00
    # the bot is down until 28 Mar 11:00: 1 is 3.5 h late (skip), 2 is 1 h late (send)
    await clock.set(datetime(2026, 3, 28, 11, 0, tzinfo=UTC))
    d = Dispatcher(store, sender, clock, rate_per_s=0)
    d.start()
    try:
        await settle(d)
        assert [(u, day) for u, day, _ in sender.sent] == [(2, date(2026, 3, 28))]
        assert [s["status"] for s in await store.sends(1)] == ["skipped"]
        # after three days down, only the reminder still within the grace goes out
        await clock.set(datetime(2026, 3, 31, 8, 0, tzinfo=UTC))
        await settle(d)
        assert [(u, day) for u, day, _ in sender.sent][1:] == [(1, date(2026, 3, 31))]
        recs = await store.sends(1)
        assert [(r["local_date"], r["status"]) for r in recs] == [
            (date(2026, 3, 28), "skipped"),
            (date(2026, 3, 29), "skipped"),
            (date(2026, 3, 31), "sent"),
        ]
        assert (await store.subscription(1)).next_local_date == date(2026, 4, 1)
    finally:
        await d.stop()


async def test_restart_during_the_day_sends_nothing_twice(store, sender, clock, tmp_path):
    for u in range(1, 6):
        await sub(store, u, at="09:00", tz="UTC")
    due = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    for restart in range(3):
        d = Dispatcher(store, sender, clock, rate_per_s=0)
        d.start()
        await goto(clock, due + timedelta(minutes=restart * 20), d)
        await d.stop()
        s2 = await Store.open(tmp_path / "bot.sqlite3")  # a fresh process would reopen the file
        await s2.close()
    assert sorted(u for u, *_ in sender.sent) == [1, 2, 3, 4, 5]


class Rendezvous:
    """Per-dispatcher senders that hold every DM until each dispatcher has claimed one.

    SQLite's lock is not fair: a waiting connection's busy handler backs off (up to 100 ms)
    while the holder, with no pacing, re-takes the lock at once, so left alone one dispatcher
    often claims a whole day. Holding the sends makes the one that got ahead stop at
    ``max_in_flight`` claims, so the other must claim too: both really compete every day.
    """

    def __init__(self, sender: FakeSender, names: tuple[str, ...]) -> None:
        self.sender = sender
        self.names = set(names)
        self.reset()

    def reset(self) -> None:
        self.claimed: set[str] = set()
        self.open = asyncio.Event()

    def sender_for(self, name: str):
        async def send(claim: Claim) -> int:
            self.claimed.add(name)
            if self.claimed == self.names:
                self.open.set()
            await self.open.wait()
            return await self.sender(claim)

        return send


async def test_two_dispatchers_on_one_database_send_each_reminder_once(tmp_path, clock):
    path = tmp_path / "bot.sqlite3"
    a_store, b_store = await Store.open(path), await Store.open(path)
    for u in range(200):
        await sub(a_store, u, at="08:00", tz="Asia/Kolkata")
    sender = FakeSender()
    meet = Rendezvous(sender, ("a", "b"))
    # one that got ahead holds at most 20 in flight + 6 of its batch, far fewer than 200
    a = Dispatcher(a_store, meet.sender_for("a"), clock, rate_per_s=0, batch=7, max_in_flight=20)
    b = Dispatcher(b_store, meet.sender_for("b"), clock, rate_per_s=0, batch=5, max_in_flight=20)
    a.start()
    b.start()
    try:
        for day in range(3):
            meet.reset()
            before = a.counts["sent"], b.counts["sent"]
            when = datetime(2026, 3, 28 + day, 2, 30, tzinfo=UTC)  # 08:00 in Kolkata
            await clock.set(when)
            a.poke()
            b.poke()
            await asyncio.wait_for(asyncio.gather(a.wait_idle(), b.wait_idle()), 20)
            assert a.counts["sent"] > before[0] and b.counts["sent"] > before[1]
        per_day = Counter((u, day) for u, day, _ in sender.sent)
        days = [date(2026, 3, 28 + d) for d in range(3)]
        assert sorted(per_day) == [(u, d) for u in range(200) for d in days]  # none lost
        assert max(per_day.values()) == 1  # none twice
        # A dispatcher that starts while the other sends retries the other's unconfirmed
        # sends (it cannot tell a live process from a crashed one); their nonce makes
        # those requests return the DM already made.
        assert a.counts["sent"] + b.counts["sent"] == 600 + sender.deduped
        assert Counter(s["status"] for s in await a_store.sends()) == {"sent": 600}
        assert await a_store.check_consistency() == []
    finally:
        await a.stop()
        await b.stop()
        await a_store.close()
        await b_store.close()


async def test_dms_closed_pauses_with_reason_and_notice(store, sender, clock, dispatcher):
    await sub(store, 1, at="07:30", tz="UTC")
    await sub(store, 2, at="07:30", tz="UTC")
    sender.script[1] = [DMsClosed("403 50007")]
    await goto(clock, datetime(2026, 3, 28, 7, 30, tzinfo=UTC), dispatcher)
    s1 = await store.subscription(1)
    assert s1.status == "paused" and "DMs are closed" in s1.pause_reason
    assert [u for u, *_ in sender.sent] == [2]
    assert await store.pop_notices(1) == [DMS_CLOSED_NOTICE]
    await goto(clock, datetime(2026, 3, 29, 7, 30, tzinfo=UTC), dispatcher)
    assert sender.calls.count(1) == 1  # paused: not tried again
    assert await store.check_consistency() == []


async def test_unknown_user_removes_the_subscription(store, sender, clock, dispatcher):
    await sub(store, 1, at="07:30", tz="UTC")
    sender.script[1] = [UnknownRecipient("404 10013")]
    await goto(clock, datetime(2026, 3, 28, 7, 30, tzinfo=UTC), dispatcher)
    assert await store.subscription(1) is None
    assert await store.check_consistency() == []
    assert dispatcher.running


async def test_rate_limited_is_retried(store, sender, clock, dispatcher):
    await sub(store, 1, at="07:30", tz="UTC")
    sender.script[1] = [RateLimited(0.01), RateLimited(0.01)]
    await goto(clock, datetime(2026, 3, 28, 7, 30, tzinfo=UTC), dispatcher)
    assert sender.calls == [1, 1, 1] and len(sender.sent) == 1
    assert [s["status"] for s in await store.sends(1)] == ["sent"]


async def test_server_errors_back_off_on_the_clock_then_succeed(store, sender, clock, dispatcher):
    await sub(store, 1, at="07:30", tz="UTC")
    sender.script[1] = [Transient("503"), OSError("connection reset")]
    due = datetime(2026, 3, 28, 7, 30, tzinfo=UTC)
    await clock.set(due)
    dispatcher.poke()
    await until(lambda: sender.calls == [1])
    assert sender.sent == []
    await clock.advance(timedelta(seconds=1))  # first backoff
    await until(lambda: len(sender.calls) == 2)
    await clock.advance(timedelta(seconds=2))  # second backoff
    await asyncio.wait_for(dispatcher.wait_idle(), 10)
    assert sender.calls == [1, 1, 1]
    assert sender.sent == [(1, date(2026, 3, 28), due + timedelta(seconds=3))]


async def test_server_errors_are_retried_within_the_window_then_abandoned(store, sender, clock):
    # a 5xx may come after Discord stored the DM: retries repeat the nonce, and only while
    # Discord still deduplicates it; then the day is given up, never sent a second time
    await sub(store, 1, at="07:30", tz="UTC")
    await sub(store, 2, at="07:31", tz="UTC")
    sender.script[1] = [Transient("500")] * 10
    d = Dispatcher(store, sender, clock, rate_per_s=0, backoff_s=(60.0,), grace_s=7200)
    d.start()
    try:
        await clock.set(datetime(2026, 3, 28, 7, 30, tzinfo=UTC))
        d.poke()
        await until(lambda: sender.calls == [1])
        await clock.advance(timedelta(seconds=60))
        await until(lambda: len(sender.calls) == 3)  # the retry, then member 2 at 07:31
        await settle(d)
        assert sender.calls == [1, 1, 2]  # a third try would be 120 s after the first
        assert len(set(sender.nonces[:2])) == 1
        rec = (await store.sends(1))[0]
        assert rec["status"] == "abandoned" and "retry window" in rec["detail"]
        assert [u for u, *_ in sender.sent] == [2]
        assert (await store.subscription(1)).status == "active"  # tomorrow is another day
    finally:
        await d.stop()


async def test_failures_that_cannot_have_sent_are_retried_past_the_window(store, sender, clock):
    # the connection never opened: nothing can have reached Discord, so the window starts
    # again at the next request (stamped first), and the member still gets the DM
    await sub(store, 1, at="07:30", tz="UTC")
    sender.script[1] = [Transient("connect failed", maybe_sent=False)] * 3
    d = Dispatcher(store, sender, clock, rate_per_s=0, backoff_s=(60.0,) * 4)
    d.start()
    try:
        due = datetime(2026, 3, 28, 7, 30, tzinfo=UTC)
        await clock.set(due)
        d.poke()
        for n in range(1, 4):
            await until(lambda n=n: len(sender.calls) == n)
            await clock.advance(timedelta(seconds=60))
        await settle(d)
        assert [(u, day) for u, day, _ in sender.sent] == [(1, date(2026, 3, 28))]
        rec = (await store.sends(1))[0]
        assert rec["status"] == "sent"
        assert rec["first_attempt"] == due + timedelta(seconds=180)  # the last request
    finally:
        await d.stop()


async def test_every_try_of_a_reminder_carries_its_nonce(store, sender, clock, dispatcher):
    s = await sub(store, 1, at="07:30", tz="UTC")
    sender.script[1] = [Transient("502")]
    await clock.set(datetime(2026, 3, 28, 7, 30, tzinfo=UTC))
    dispatcher.poke()
    await until(lambda: sender.calls == [1])
    await clock.advance(timedelta(seconds=1))
    await asyncio.wait_for(dispatcher.wait_idle(), 10)
    nonce = reminder_nonce(s.id, date(2026, 3, 28))
    assert sender.nonces == [nonce, nonce] and len(nonce) <= 25
    assert reminder_nonce(2**63 - 1, date(9999, 12, 31)) == "r1y2p0ij32e8e799991231"
    assert len({reminder_nonce(i, date(2026, 3, d)) for i in range(1, 500) for d in (1, 2)}) == 998


async def test_a_restart_within_the_window_retries_unconfirmed_sends_with_their_nonce(
    store, sender, clock
):
    # A process claimed 3 reminders and was killed: Discord had made one DM (its answer was
    # lost), the other two requests never went out. The next start retries all three.
    for u in (1, 2, 3):
        await sub(store, u, at="07:30", tz="UTC")
    due = datetime(2026, 3, 28, 7, 30, tzinfo=UTC)
    crashed = await store.claim_due(now=due, grace=timedelta(hours=2))
    await sender(crashed.claims[0])  # delivered before the kill; never recorded
    await clock.set(due + timedelta(seconds=90))  # restarted 90 s later
    d = Dispatcher(store, sender, clock, rate_per_s=0)
    d.start()
    try:
        await settle(d)
        assert sorted(u for u, *_ in sender.sent) == [1, 2, 3]  # each once
        assert sender.deduped == 1
        assert [s["status"] for s in await store.sends()] == ["sent"] * 3
        assert d.counts["recovered"] == 3
    finally:
        await d.stop()


async def test_unconfirmed_sends_older_than_the_window_are_abandoned_not_retried(
    store, sender, clock
):
    await sub(store, 1, at="07:30", tz="UTC")
    due = datetime(2026, 3, 28, 7, 30, tzinfo=UTC)
    await store.claim_due(now=due, grace=timedelta(hours=2))
    await clock.set(due + timedelta(minutes=3))  # restarted after the window
    d = Dispatcher(store, sender, clock, rate_per_s=0)
    d.start()
    try:
        await settle(d)
        assert sender.calls == []  # Discord may have made it; a retry could make a second
        rec = (await store.sends(1))[0]
        assert rec["status"] == "abandoned" and d.counts["abandoned"] == 1
        await goto(clock, datetime(2026, 3, 29, 7, 30, tzinfo=UTC), d)
        assert [(u, day) for u, day, _ in sender.sent] == [(1, date(2026, 3, 29))]
    finally:
        await d.stop()


async def test_a_failing_sender_bug_is_recorded_and_does_not_stop_the_loop(
    store, sender, clock, dispatcher, error_log
):
    error_log.expect("RuntimeError: bug")
    await sub(store, 1, at="07:30", tz="UTC")
    sender.script[1] = [RuntimeError("bug")]
    await goto(clock, datetime(2026, 3, 28, 7, 30, tzinfo=UTC), dispatcher)
    assert [s["status"] for s in await store.sends(1)] == ["failed"]
    await goto(clock, datetime(2026, 3, 29, 7, 30, tzinfo=UTC), dispatcher)
    assert [u for u, *_ in sender.sent] == [1]


async def test_pacing_keeps_under_the_rate(store, clock):
    for u in range(30):
        await sub(store, u, at="07:30", tz="UTC")
    sender = FakeSender()
    d = Dispatcher(store, sender, clock, rate_per_s=200)
    d.start()
    try:
        await clock.set(datetime(2026, 3, 28, 7, 30, tzinfo=UTC))
        loop = asyncio.get_running_loop()
        started = loop.time()
        await settle(d)
        elapsed = loop.time() - started
        assert len(sender.sent) == 30
        assert elapsed >= (29 - d.pacer.burst) / 200 * 0.95
    finally:
        await d.stop()


async def test_a_stop_during_a_retry_wait_leaves_the_send_for_the_next_start(store, sender, clock):
    await sub(store, 1, at="07:30", tz="UTC")
    sender.script[1] = [Transient("502")]
    due = datetime(2026, 3, 28, 7, 30, tzinfo=UTC)
    await clock.set(due)
    d = Dispatcher(store, sender, clock, rate_per_s=0, backoff_s=(30.0,))
    d.start()
    await until(lambda: d.counts["retried"] == 1)
    await asyncio.wait_for(d.stop(drain_s=3600), 10)  # not drained: cancelled in its wait
    assert [s["status"] for s in await store.sends(1)] == ["claimed"]
    await clock.advance(timedelta(seconds=10))
    again = Dispatcher(store, sender, clock, rate_per_s=0)
    again.start()
    try:
        await settle(again)
        assert [(u, day) for u, day, _ in sender.sent] == [(1, date(2026, 3, 28))]
        assert [s["status"] for s in await store.sends(1)] == ["sent"]
    finally:
        await again.stop()


async def test_a_full_disk_delays_claims_with_a_growing_backoff_and_loses_nothing(
    store, sender, clock, caplog
):
    for u in range(1, 201):
        await sub(store, u, at="07:30", tz="UTC")
    await disk_full(store)
    due = datetime(2026, 3, 28, 7, 30, tzinfo=UTC)
    await clock.set(due)
    d = Dispatcher(store, sender, clock, rate_per_s=0, batch=200)  # more than a page of sends
    d.start()

    def refusals() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "disk is full" in r.getMessage()]

    try:
        for n, (waited, next_in) in enumerate(((0, 5), (5, 10), (10, 20)), start=1):
            await clock.advance(timedelta(seconds=waited))
            await until(lambda n=n: len(refusals()) == n)
            assert f"claiming again in {next_in} s" in refusals()[-1].getMessage()
        assert sender.calls == []
        # one line each, no traceback, nothing at ERROR
        assert all(r.levelno == logging.WARNING and not r.exc_info for r in refusals())
        await disk_freed(store)
        await clock.advance(timedelta(seconds=20))
        await settle(d)
        assert sorted(u for u, *_ in sender.sent) == list(range(1, 201))
        assert Counter(s["status"] for s in await store.sends()) == {"sent": 200}
    finally:
        await d.stop()


async def test_outcomes_that_cannot_be_recorded_on_a_full_disk_are_kept(store, clock):
    # 200 send records fill their pages; recording a message id grows every one of them
    for u in range(1, 201):
        await sub(store, u, at="07:30", tz="UTC")

    class FillsTheDisk(FakeSender):
        full = asyncio.Event()

        async def __call__(self, claim: Claim) -> int:
            if not self.calls:  # the claim is in; the disk fills before any DM goes out
                self.calls.append(0)
                await disk_full(store)
                self.full.set()
            await self.full.wait()
            return 1_400_000_000_000_000_000 + await super().__call__(claim)  # a snowflake

    sender = FillsTheDisk()
    sender.clock = clock
    d = Dispatcher(store, sender, clock, rate_per_s=0, batch=200, max_in_flight=200)
    d.start()
    try:
        await clock.set(datetime(2026, 3, 28, 7, 30, tzinfo=UTC))
        d.poke()
        await until(lambda: len(sender.sent) == 200 and len(d.delivery.unwritten) == 200)
        assert Counter(s["status"] for s in await store.sends()) == {"claimed": 200}
        await disk_freed(store)
        await settle(d)
        assert Counter(s["status"] for s in await store.sends()) == {"sent": 200}
        assert all(s["message_id"] for s in await store.sends())
    finally:
        await d.stop()
