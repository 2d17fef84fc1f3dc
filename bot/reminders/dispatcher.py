"""The reminder dispatcher: one background task that sends each day's due reminders.

Loop: claim the due reminders from the store (one transaction inserts a send record per
(subscription, local date), stamps its first attempt and moves the subscription on to its
next local day), hand each claim to the delivery (bot.reminders.delivery: the nonce, the
retry window and the outcomes), paced under the global request rate, then sleep on the
injected clock until the next due instant or ``poke()``. At start, the sends a stopped
process left unconfirmed are taken over first. Everything is rebuilt from the database on
start; nothing lives only in memory.

Database faults never end the loop in a traceback every few seconds: a fault that makes the
file unusable (damaged, deleted, replaced: bot.store.faults) stops the dispatcher after the store
has reported it once; any other failure to claim is retried with a backoff that doubles up
to 5 minutes, with one traceback for the first failure and one line for each later one.
A subscription whose row cannot be scheduled is quarantined by the store (paused with a
reason); the others go out.

Several processes on one PostgreSQL database: only the one that leads (``store.lead()``, a
PostgreSQL advisory lock) claims and sends, so the send budget is shared; the others look
again every ``STANDBY_CHECK_S``, and the one that takes over first retries the sends the old
leader left unconfirmed. On SQLite every process leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.core.clock import Clock
from bot.reminders.delivery import RETRY_WINDOW_S, Delivery, Sender
from bot.reminders.pacer import Pacer
from bot.store import Claim, Store
from bot.store.faults import DatabaseUnusable, RetryLater

log = logging.getLogger(__name__)

# Claiming failures back off from 5 s, doubling, to at most 5 minutes.
CLAIM_BACKOFF_S = (5.0, 300.0)
# A standby process tries to lead this often (a leader that died is replaced within 30 s).
STANDBY_CHECK_S = 5.0
# Outcomes are written when the last send in flight finishes, or once this many wait.
FLUSH_AT = 100
COUNTED = (
    "sent",
    "failed",
    "skipped",
    "paused",
    "removed",
    "retried",
    "abandoned",
    "recovered",
    "quarantined",
)


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
        retry_window_s: float = RETRY_WINDOW_S,
    ) -> None:
        self.store = store
        self.clock = clock
        self.grace = timedelta(seconds=grace_s)
        self.window = timedelta(seconds=retry_window_s)
        self.pacer = Pacer(rate_per_s)
        # a claim covers about a second of sending
        self.batch = batch or min(250, max(50, int(rate_per_s)))
        self.max_idle = timedelta(seconds=max_idle_s)
        self.counts = dict.fromkeys(COUNTED, 0)
        self.delivery = Delivery(
            store,
            sender,
            clock,
            self.pacer,
            self.counts,
            grace=self.grace,
            window=self.window,
            backoff=backoff_s,
        )
        self._slots = asyncio.Semaphore(max_in_flight)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()
        self._in_flight = 0  # counted by hand: a done task leaves _sends only a tick later
        self.idle = asyncio.Event()  # set while the loop sleeps with nothing in flight
        self._sleeping = False
        self._claim_failures = 0
        self._stopped = False

    def start(self) -> None:
        """Start the loop, unless it runs already or was stopped for good: a 'ready' event
        handled after the cog unloaded must not bring a dispatcher back over a closed store."""
        if self._stopped:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="reminder-dispatcher")

    def poke(self) -> None:
        """Wake the loop now (a subscription was created, moved or resumed)."""
        self.idle.clear()
        self._wake.set()

    def _update_idle(self) -> None:
        if (
            self._sleeping
            and not self._in_flight
            and not self._wake.is_set()
            and not self.delivery.unwritten
        ):
            self.idle.set()

    async def stop(self, drain_s: float = 5.0) -> None:
        """Stop claiming; give requests in flight ``drain_s`` to finish, then cancel them.
        Sends waiting for a retry are cancelled at once. Either way they stay 'claimed', and
        the next start retries them with their nonce (within the window)."""
        self._stopped = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for t in self.delivery.waiting & self._sends:
            t.cancel()
        if self._sends:
            _done, pending = await asyncio.wait(set(self._sends), timeout=drain_s)
            for t in pending:
                t.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        try:
            await self.flush()
        except DatabaseUnusable:
            pass  # reported by the store; the next start finds these sends 'claimed'
        except Exception as exc:
            log.warning("reminder dispatcher: could not record the last sends: %s", exc)
        with contextlib.suppress(Exception):
            await self.store.resign()  # a standby takes over at its next look

    async def flush(self) -> None:
        """Write the outcomes of finished sends in one transaction (kept if that fails)."""
        await self.delivery.flush()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def wait_idle(self) -> None:
        """Wait until every in-flight send has finished and the loop is asleep (for tests)."""
        await self.idle.wait()

    async def run_once(self) -> int:
        """Claim what is due now and start sending it; returns how many were claimed."""
        result = await self.store.claim_due(
            now=self.clock.now(), grace=self.grace, limit=self.batch
        )
        if result.skipped:
            self.counts["skipped"] += result.skipped
            log.info("skipped %d reminders that were more than the grace late", result.skipped)
        for q in result.quarantined:
            self.counts["quarantined"] += 1
            log.warning(
                "subscription %s (user %s) is paused with a reason, its row cannot be "
                "scheduled: %s",
                q.subscription_id,
                q.user_id,
                q.problem,
            )
        for claim in result.claims:
            await self._start(claim, recovered=False)
        return len(result.claims) + result.skipped + len(result.quarantined)

    async def recover(self) -> int:
        """Take over the sends a stopped process left unconfirmed; retry those within the
        window with their nonce. Returns how many are being retried."""
        claims, abandoned = await self.store.recover_unconfirmed(
            now=self.clock.now(), window=self.window
        )
        if abandoned:
            self.counts["abandoned"] += abandoned
            log.warning(
                "%d reminders claimed before a stop were never confirmed within the %.0f s "
                "retry window; recorded as abandoned",
                abandoned,
                self.window.total_seconds(),
            )
        if claims:
            self.counts["recovered"] += len(claims)
            log.info("retrying %d unconfirmed reminders with their nonce", len(claims))
        for claim in claims:
            await self._start(claim, recovered=True)
        return len(claims)

    async def _start(self, claim: Claim, *, recovered: bool) -> None:
        await self._slots.acquire()
        await self.pacer.wait()
        task = asyncio.create_task(
            self._deliver(claim, recovered), name=f"reminder-{claim.send_id}"
        )
        self._in_flight += 1
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def _deliver(self, claim: Claim, recovered: bool) -> None:
        try:
            await self.delivery.deliver(claim, recovered=recovered)
        finally:
            self._slots.release()
            self._in_flight -= 1
            if not self._in_flight or len(self.delivery.unwritten) >= FLUSH_AT:
                await self.delivery.flush_quietly()
            self._update_idle()

    async def _run(self) -> None:
        recovered = False
        try:
            while True:
                self._wake.clear()
                claimed = 0
                try:
                    self.store.check_file()
                    # several processes on one PostgreSQL: one leads, the others stand by
                    leading = await self.store.lead()
                    recovered = recovered and leading  # a new leader takes over first
                    if leading and not recovered:
                        await self.recover()
                        recovered = True
                    claimed = await self.run_once() if leading else 0
                    self._claim_failures = 0
                    if claimed >= self.batch:
                        continue
                    standby = self.clock.now() + timedelta(seconds=STANDBY_CHECK_S)
                    nxt = await self.store.next_due_time() if leading else standby
                except asyncio.CancelledError:
                    raise
                except DatabaseUnusable as exc:
                    log.info("reminder dispatcher stopped: %s", exc.problem)  # reported once
                    return
                except Exception as exc:
                    nxt = self.clock.now() + timedelta(seconds=self._claim_failed(exc))
                with contextlib.suppress(Exception):
                    await self.flush()
                    if claimed:
                        await self.store.checkpoint()  # now, rather than in a later commit
                cap = self.clock.now() + self.max_idle
                until = cap if nxt is None else min(nxt, cap)
                self._sleeping = True
                self._update_idle()
                try:
                    await self.clock.sleep_until(until, self._wake)
                finally:
                    self._sleeping = False
                    self.idle.clear()
        finally:
            self._sleeping = True
            self.idle.set()  # nobody waits for a loop that has ended

    def _claim_failed(self, exc: Exception) -> float:
        """Log a failure to claim (a traceback only for the first in a row); the delay."""
        self._claim_failures += 1
        n = self._claim_failures
        first, cap = CLAIM_BACKOFF_S
        delay = min(cap, first * 2.0 ** (n - 1))
        if isinstance(exc, RetryLater):  # a full disk, a lost database connection
            log.warning("reminder dispatcher: %s; claiming again in %.0f s", exc, delay)
        elif n == 1:
            log.exception("reminder dispatcher: claiming failed; trying again in %.0f s", delay)
        else:
            log.warning(
                "reminder dispatcher: claiming failed %d times in a row (%s: %s); next try in "
                "%.0f s",
                n,
                type(exc).__name__,
                str(exc)[:200],
                delay,
            )
        return delay
