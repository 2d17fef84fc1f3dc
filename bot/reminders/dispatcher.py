"""The reminder dispatcher: one background task that sends each day's due reminders.

Loop: claim the due reminders from the store (one transaction inserts a send record per
(subscription, local date), stamps its first attempt and moves the subscription on to its
next local day), then send them through an injected async sender, paced under the global
request rate, then sleep on the injected clock until the next due instant or ``poke()``.

Delivery guarantee: exactly once, within the retry window. Every reminder DM carries a
nonce made from the subscription and the local date (``Claim.nonce``), posted with
``enforce_nonce``: Discord answers a repeat of that nonce, within its dedupe window of a
few minutes, with the message the first request made, and makes no second one. So a send
whose answer never came (a crash, a timeout, a 5xx after Discord stored the DM) is safe to
retry with the same nonce, and it is retried:

- in this process, with backoff, while the retry is within ``RETRY_WINDOW_S`` (2 minutes)
  of the first attempt;
- after a crash or a stop, by the next start: sends still 'claimed' whose first attempt is
  within the window are taken over and retried with their nonce.

The window, plus the 20-second request timeout, stays inside Discord's few minutes, so no
retry can create a second DM. A send still unconfirmed when its window ends is given up and
recorded 'abandoned': the member got the DM once or not at all, never twice. The first
attempt is recorded in the claim, before any request; if the first request only goes out
later (it waited for a slot, or every earlier request was refused before Discord could store
anything: a 429, a connection that never opened), it is stamped again just before.

Failures that are not ambiguous keep their old handling: closed DMs pause the subscription,
an unknown user removes it, 429s are waited out, other refusals record 'failed'. Everything
is rebuilt from the database on start; nothing lives only in memory.

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
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.reminders.pacer import Pacer
from bot.store import Claim, Store
from bot.store.faults import DatabaseUnusable, RetryLater

log = logging.getLogger(__name__)

# How long after a reminder's first attempt it may still be retried with its nonce. Discord
# deduplicates a nonce "in the past few minutes" (no figure is published); 2 minutes, plus the
# 20 s a request may take, leaves room inside the lowest reading of "a few".
RETRY_WINDOW_S = 120.0
# A claim whose first request goes out later than this after its stamp is stamped again.
STAMP_SLACK_S = 5.0
# A standby process tries to lead this often (a leader that died is replaced within 30 s).
STANDBY_CHECK_S = 5.0
# Claiming failures back off from 5 s, doubling, to at most 5 minutes.
CLAIM_BACKOFF_S = (5.0, 300.0)

DMS_CLOSED_REASON = "Your DMs are closed to this bot, so the daily reminder could not be sent."
DMS_CLOSED_NOTICE = (
    "Your daily reminders are paused: I could not DM you (your DMs are closed to this "
    "server's members or to me). Open your DMs, then use /remind resume."
)

__all__ = [
    "DMS_CLOSED_NOTICE",
    "RETRY_WINDOW_S",
    "DMsClosed",
    "Dispatcher",
    "Pacer",
    "RateLimited",
    "Rejected",
    "SendError",
    "Transient",
    "UnknownRecipient",
]


class SendError(Exception):
    """The sender could not deliver a reminder; the subclass says what to do about it."""


class DMsClosed(SendError):
    """403 / 50007: the member does not accept DMs from the bot. Pause and tell them."""


class UnknownRecipient(SendError):
    """404 / 10013: the user no longer exists. Remove the subscription."""


class RateLimited(SendError):
    """429: wait ``retry_after`` seconds and try again. Nothing was created."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.2f}s")
        self.retry_after = retry_after


class Transient(SendError):
    """5xx or a network error: retry with backoff. ``maybe_sent``: the request may have
    reached Discord and created the DM (a 5xx, a timeout); False when it cannot have (the
    connection never opened, or the failure came before the message request)."""

    def __init__(self, detail: str, *, maybe_sent: bool = True) -> None:
        super().__init__(detail)
        self.maybe_sent = maybe_sent


class Rejected(SendError):
    """Any other refusal (a 400, say): record the day as failed, no retry."""


Sender = Callable[[Claim], Awaitable[int | None]]
Result = tuple[int, str, datetime, str | None, int | None]


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
        self.sender = sender
        self.clock = clock
        self.grace = timedelta(seconds=grace_s)
        self.window = timedelta(seconds=retry_window_s)
        self.pacer = Pacer(rate_per_s)
        # a claim covers about a second of sending
        self.batch = batch or min(250, max(50, int(rate_per_s)))
        self.max_idle = timedelta(seconds=max_idle_s)
        self.backoff = backoff_s
        self._slots = asyncio.Semaphore(max_in_flight)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()
        self._waiting: set[asyncio.Task[Any]] = set()  # sends asleep before a retry
        self._in_flight = 0  # counted by hand: a done task leaves _sends only a tick later
        self.counts = dict.fromkeys(
            (
                "sent",
                "failed",
                "skipped",
                "paused",
                "removed",
                "retried",
                "abandoned",
                "recovered",
                "quarantined",
            ),
            0,
        )
        self._results: list[Result] = []
        self.idle = asyncio.Event()  # set while the loop sleeps with nothing in flight
        self._sleeping = False
        self._claim_failures = 0

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
        """Stop claiming; give requests in flight ``drain_s`` to finish, then cancel them.
        Sends waiting for a retry are cancelled at once. Either way they stay 'claimed', and
        the next start retries them with their nonce (within the window)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for t in self._waiting & self._sends:
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
        delay = min(cap, first * 2 ** (n - 1))
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

    async def wait_idle(self) -> None:
        """Wait until every in-flight send has finished and the loop is asleep (for tests)."""
        await self.idle.wait()

    async def _deliver(self, claim: Claim, recovered: bool) -> None:
        try:
            await self._attempt(claim, recovered)
        except asyncio.CancelledError:
            raise
        except DatabaseUnusable:
            pass  # reported by the store; the send stays 'claimed'
        except Exception:
            log.exception("reminder %s: unexpected error; recorded as failed", claim.send_id)
            self._record(claim, "failed", "error")
        finally:
            self._slots.release()
            self._in_flight -= 1
            last = not self._in_flight
            if last or len(self._results) >= 100:
                await self._flush_quietly()
            self._update_idle()

    async def _flush_quietly(self) -> None:
        try:
            await self.flush()
        except DatabaseUnusable:
            pass
        except RetryLater as exc:
            log.warning("reminder dispatcher: recording sends failed (%s); kept, will retry", exc)
        except Exception:
            log.exception("reminder dispatcher: recording sends failed; kept, will retry")

    async def flush(self) -> None:
        """Write the outcomes of finished sends in one transaction (kept if that fails)."""
        if not self._results:
            return
        batch, self._results = self._results, []
        try:
            await self.store.finish_sends(batch)
        except BaseException:
            self._results[:0] = batch
            raise

    def _record(
        self, claim: Claim, status: str, detail: str | None = None, message_id: int | None = None
    ) -> None:
        # written in batches (see flush): a crash before the write leaves it 'claimed', and
        # the next start retries it with its nonce
        self._results.append((claim.send_id, status, self.clock.now(), detail, message_id))
        self.counts[status] += 1
        if status in ("failed", "abandoned"):
            log.warning("reminder %s: %s: %s", claim.send_id, status, detail)

    async def _attempt(self, claim: Claim, recovered: bool) -> None:
        first = claim.first_attempt or self.clock.now()
        maybe_sent = recovered  # after a crash, a request may have gone out
        failures = 0
        limited = 0

        def give_up(detail: str) -> None:
            self._record(claim, "abandoned" if maybe_sent else "failed", detail[:200])

        while True:
            now = self.clock.now()
            if maybe_sent and now - first >= self.window:
                give_up(f"unconfirmed after the {self.window.total_seconds():.0f} s retry window")
                return
            if not maybe_sent and (now - first).total_seconds() > STAMP_SLACK_S:
                await self.store.stamp_attempt(claim.send_id, now)  # before the request
                first = now
            try:
                message_id = await self.sender(claim)
            except RateLimited as exc:
                limited += 1
                if limited > 20:
                    give_up(f"rate limited {limited} times")
                    return
                await self._wait(self._sleep(exc.retry_after))
                await self.pacer.wait()  # a retry is a request like any other
                continue
            except DMsClosed:
                self._record(claim, "failed", "dms closed")
                await self.store.pause_subscription(
                    claim.subscription_id,
                    reason=DMS_CLOSED_REASON,
                    notice=DMS_CLOSED_NOTICE,
                    at=self.clock.now(),
                )
                self.counts["paused"] += 1
                log.info("reminder %s: DMs closed; subscription paused", claim.send_id)
                return
            except Rejected as exc:
                give_up(f"rejected: {exc}")
                return
            except UnknownRecipient:
                await self.store.delete_subscription(claim.subscription_id)
                self.counts["removed"] += 1
                log.info("reminder %s: unknown user; subscription removed", claim.send_id)
                return
            except (Transient, TimeoutError, OSError) as exc:
                failures += 1
                maybe_sent = maybe_sent or getattr(exc, "maybe_sent", True)
                delay = self.backoff[min(failures - 1, len(self.backoff) - 1)]
                retry_at = self.clock.now() + timedelta(seconds=delay)
                if maybe_sent and retry_at - first >= self.window:
                    window = self.window.total_seconds()
                    give_up(
                        f"unconfirmed after {failures} tries ({exc}) in the {window:.0f} s "
                        "retry window"
                    )
                    return
                if failures > len(self.backoff) or retry_at - claim.due > self.grace:
                    give_up(f"gave up after {failures} tries: {exc}")
                    return
                log.info("reminder %s: %s; retrying in %.0fs", claim.send_id, exc, delay)
                self.counts["retried"] += 1
                await self._wait(self.clock.sleep_until(retry_at))
                await self.pacer.wait()
                continue
            self._record(claim, "sent", message_id=message_id)
            return

    async def _wait(self, sleep: Awaitable[None]) -> None:
        """Sleep before a retry; stop() cancels a send asleep here without a drain."""
        task = asyncio.current_task()
        assert task is not None
        self._waiting.add(task)
        try:
            await sleep
        finally:
            self._waiting.discard(task)

    async def _sleep(self, seconds: float) -> None:
        # a 429's retry_after is about Discord's real-time buckets, not the schedule clock
        await asyncio.sleep(max(0.0, min(seconds, 60.0)))
