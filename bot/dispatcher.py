"""The reminder dispatcher: one background task that sends each day's due reminders.

Loop: claim the due reminders from the store (one transaction inserts a send record per
(subscription, local date) and moves the subscription on to its next local day), then
send them through an injected async sender, paced under the global request rate, then sleep
on the injected clock until the next due instant or until ``poke()``.

Delivery guarantee: at-most-once. The claim is committed before the DM is sent, so a crash
between the two leaves a send record in status ``claimed`` and the reminder is not retried:
the member may miss one day's reminder but never gets two. (At-least-once would re-send after
a crash, and a duplicate DM is exactly what members complain about; a missed stretch reminder
costs little.) Reminders are claimed in batches of about a second of sending (50 to 250), so a crash
loses at most that batch; its records stay ``claimed`` for the audit. Everything is rebuilt
from the database on start; nothing lives only in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time as _time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.store import Claim, Store

log = logging.getLogger(__name__)

DMS_CLOSED_REASON = "Your DMs are closed to this bot, so the daily reminder could not be sent."
DMS_CLOSED_NOTICE = (
    "Your daily reminders are paused: I could not DM you (your DMs are closed to this "
    "server's members or to me). Open your DMs, then use /remind resume."
)


class SendError(Exception):
    """The sender could not deliver a reminder; the subclass says what to do about it."""


class DMsClosed(SendError):
    """403 / 50007: the member does not accept DMs from the bot. Pause and tell them."""


class UnknownRecipient(SendError):
    """404 / 10013: the user no longer exists. Remove the subscription."""


class RateLimited(SendError):
    """429: wait ``retry_after`` seconds and try again."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.2f}s")
        self.retry_after = retry_after


class Transient(SendError):
    """5xx or a network error: retry with backoff while the reminder is within grace."""


class Rejected(SendError):
    """Any other refusal (a 400, say): record the day as failed, no retry."""


Sender = Callable[[Claim], Awaitable[int | None]]


class Pacer:
    """Starts requests at most ``rate`` a second, on a fixed schedule (real, monotonic time).

    The schedule is kept even when a sleep overshoots (the event loop wakes on whole
    milliseconds), with at most ``burst`` requests of catch-up, so the average rate is the
    rate asked for and no one-second window holds more than rate + burst + 1 starts.
    """

    def __init__(self, rate_per_s: float, burst: int | None = None) -> None:
        self.interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self.burst = burst if burst is not None else max(1, int(rate_per_s * 0.01))
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = _time.monotonic()
            self._next = max(self._next, now - self.burst * self.interval)
            slot = self._next
            self._next = slot + self.interval
            if slot > now:
                await asyncio.sleep(slot - now)


class Dispatcher:
    """Sends due reminders. ``start()`` once, ``poke()`` after a subscription changes."""

    def __init__(
        self,
        store: Store,
        sender: Sender,
        clock: Clock,
        *,
        grace_s: float = 2 * 3600.0,
        rate_per_s: float = 40.0,
        batch: int | None = None,
        max_in_flight: int = 50,
        max_idle_s: float = 300.0,
        backoff_s: tuple[float, ...] = (1.0, 2.0, 5.0, 15.0, 60.0, 300.0),
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.grace = timedelta(seconds=grace_s)
        self.pacer = Pacer(rate_per_s)
        # a claim covers about a second of sending: it bounds what a crash can lose
        self.batch = batch or min(250, max(50, int(rate_per_s)))
        self.max_idle = timedelta(seconds=max_idle_s)
        self.backoff = backoff_s
        self._slots = asyncio.Semaphore(max_in_flight)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()
        self._in_flight = 0  # counted by hand: a done task leaves _sends only a tick later
        self.counts = dict.fromkeys(
            ("sent", "failed", "skipped", "paused", "removed", "retried"), 0
        )
        self._results: list[tuple[int, str, datetime, str | None, int | None]] = []
        self.idle = asyncio.Event()  # set while the loop sleeps with nothing in flight
        self._sleeping = False

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="reminder-dispatcher")

    def poke(self) -> None:
        """Wake the loop now (a subscription was created, moved or resumed)."""
        self.idle.clear()
        self._wake.set()

    def _update_idle(self) -> None:
        if self._sleeping and not self._in_flight and not self._wake.is_set() and not self._results:
            self.idle.set()

    async def stop(self, drain_s: float = 5.0) -> None:
        """Stop claiming; give in-flight sends ``drain_s`` to finish, then cancel them."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._sends:
            _done, pending = await asyncio.wait(set(self._sends), timeout=drain_s)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        try:
            await self.flush()
        except Exception:
            log.exception("reminder dispatcher: could not record the last sends")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def run_once(self) -> int:
        """Claim what is due now and start sending it; returns how many were claimed."""
        result = await self.store.claim_due(
            now=self.clock.now(), grace=self.grace, limit=self.batch
        )
        if result.skipped:
            self.counts["skipped"] += result.skipped
            log.info("skipped %d reminders that were more than the grace late", result.skipped)
        for claim in result.claims:
            await self._slots.acquire()
            await self.pacer.wait()
            task = asyncio.create_task(self._deliver(claim), name=f"reminder-{claim.send_id}")
            self._in_flight += 1
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
        return len(result.claims) + result.skipped

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            claimed = 0
            try:
                claimed = await self.run_once()
                if claimed >= self.batch:
                    continue
                nxt = await self.store.next_due_time()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reminder dispatcher: claiming failed; retrying shortly")
                nxt = self.clock.now() + timedelta(seconds=5)
            with contextlib.suppress(Exception):
                await self.flush()
                if claimed:
                    await self.store.checkpoint()  # now, rather than in a later claim's commit
            cap = self.clock.now() + self.max_idle
            until = cap if nxt is None else min(nxt, cap)
            self._sleeping = True
            self._update_idle()
            try:
                await self.clock.sleep_until(until, self._wake)
            finally:
                self._sleeping = False
                self.idle.clear()

    async def wait_idle(self) -> None:
        """Wait until every in-flight send has finished and the loop is asleep (for tests)."""
        await self.idle.wait()

    async def _deliver(self, claim: Claim) -> None:
        try:
            await self._attempt(claim)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reminder %s: unexpected error; recorded as failed", claim.send_id)
            with contextlib.suppress(Exception):
                await self.store.finish_send(
                    claim.send_id, status="failed", at=self.clock.now(), detail="error"
                )
            self.counts["failed"] += 1
        finally:
            self._slots.release()
            self._in_flight -= 1
            last = not self._in_flight
            if last or len(self._results) >= 100:
                try:
                    await self.flush()
                except Exception:
                    log.exception("reminder dispatcher: recording sends failed; will retry")
            self._update_idle()

    async def flush(self) -> None:
        """Write the outcomes of finished sends in one transaction."""
        if not self._results:
            return
        batch, self._results = self._results, []
        try:
            await self.store.finish_sends(batch)
        except BaseException:
            self._results[:0] = batch
            raise

    async def _attempt(self, claim: Claim) -> None:
        failures = 0
        limited = 0
        while True:
            try:
                message_id = await self.sender(claim)
            except RateLimited as exc:
                limited += 1
                if limited > 20:
                    await self._give_up(claim, f"rate limited {limited} times")
                    return
                await self._sleep(exc.retry_after)
                await self.pacer.wait()  # a retry is a request like any other
                continue
            except DMsClosed:
                now = self.clock.now()
                await self.store.finish_send(
                    claim.send_id, status="failed", at=now, detail="dms closed"
                )
                await self.store.pause_subscription(
                    claim.subscription_id,
                    reason=DMS_CLOSED_REASON,
                    notice=DMS_CLOSED_NOTICE,
                    at=now,
                )
                self.counts["paused"] += 1
                log.info("reminder %s: DMs closed; subscription paused", claim.send_id)
                return
            except Rejected as exc:
                await self._give_up(claim, f"rejected: {exc}")
                return
            except UnknownRecipient:
                await self.store.delete_subscription(claim.subscription_id)
                self.counts["removed"] += 1
                log.info("reminder %s: unknown user; subscription removed", claim.send_id)
                return
            except (Transient, TimeoutError, OSError) as exc:
                failures += 1
                delay = self.backoff[min(failures - 1, len(self.backoff) - 1)]
                retry_at = self.clock.now() + timedelta(seconds=delay)
                if failures > len(self.backoff) or retry_at - claim.due > self.grace:
                    await self._give_up(claim, f"gave up after {failures} tries: {exc}")
                    return
                log.info("reminder %s: %s; retrying in %.0fs", claim.send_id, exc, delay)
                self.counts["retried"] += 1
                await self.clock.sleep_until(retry_at)
                await self.pacer.wait()
                continue
            # written in batches (see flush): a crash before the write leaves it 'claimed'
            self._results.append((claim.send_id, "sent", self.clock.now(), None, message_id))
            self.counts["sent"] += 1
            return

    async def _give_up(self, claim: Claim, detail: str) -> None:
        await self.store.finish_send(
            claim.send_id, status="failed", at=self.clock.now(), detail=detail[:200]
        )
        self.counts["failed"] += 1
        log.warning("reminder %s: %s", claim.send_id, detail)

    async def _sleep(self, seconds: float) -> None:
        # a 429's retry_after is about Discord's real-time buckets, not the schedule clock
        await asyncio.sleep(max(0.0, min(seconds, 60.0)))
