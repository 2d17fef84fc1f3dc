"""One reminder from its claim to its outcome: sent, retried within the window, or given up.

Delivery guarantee: exactly once, within the retry window. Every reminder DM carries a
nonce made from the subscription and the local date (``Claim.nonce``), posted with
``enforce_nonce``: Discord answers a repeat of that nonce, within its dedupe window of a
few minutes, with the message the first request made, and makes no second one. So a send
whose answer never came (a crash, a timeout, a 5xx after Discord stored the DM) is safe to
retry with the same nonce, and it is retried:

- in this process, with backoff, while the retry is within ``RETRY_WINDOW_S`` (2 minutes)
  of the first attempt;
- after a crash or a stop, by the next start: sends still 'claimed' whose first attempt is
  within the window are taken over and retried with their nonce (the dispatcher's recover).

The window, plus the 20-second request timeout, stays inside Discord's few minutes, so no
retry can create a second DM. A send still unconfirmed when its window ends is given up and
recorded 'abandoned': the member got the DM once or not at all, never twice. The first
attempt is recorded in the claim, before any request; if the first request only goes out
later (it waited for a slot, or every earlier request was refused before Discord could store
anything: a 429, a connection that never opened), it is stamped again just before.

Failures that are not ambiguous keep their old handling: closed DMs pause the member's
reminders (all of them: the DMs are the member's), an unknown user removes their reminders,
429s are waited out, other refusals record 'failed'. Outcomes are
written in batches: a crash before the write leaves the send 'claimed', and the next start
retries it with its nonce.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.reminders.errors import DMsClosed, RateLimited, Rejected, Transient, UnknownRecipient
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
# A 429 asks for this many waits at most before the day is given up.
RATE_LIMITS_MAX = 20

DMS_CLOSED_REASON = "Your DMs are closed to this bot, so your reminders could not be sent."
DMS_CLOSED_NOTICE = (
    "Your daily reminders are paused: I could not DM you (your DMs are closed to this "
    "server's members or to me). Open your DMs, then use /remind resume."
)

Sender = Callable[[Claim], Awaitable[int | None]]
Outcome = tuple[int, str, datetime, str | None, int | None]


class Delivery:
    """Delivers claimed reminders through ``sender`` and keeps their outcomes until ``flush``."""

    def __init__(
        self,
        store: Store,
        sender: Sender,
        clock: Clock,
        pacer: Pacer,
        counts: dict[str, int],
        *,
        grace: timedelta,
        window: timedelta,
        backoff: tuple[float, ...],
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.pacer = pacer
        self.counts = counts
        self.grace = grace
        self.window = window
        self.backoff = backoff
        self.unwritten: list[Outcome] = []
        self.waiting: set[asyncio.Task[Any]] = set()  # sends asleep before a retry

    async def deliver(self, claim: Claim, *, recovered: bool) -> None:
        """Send one claim until it has an outcome; an unexpected error records 'failed'."""
        try:
            await self._attempt(claim, recovered)
        except asyncio.CancelledError:
            raise
        except DatabaseUnusable:
            pass  # reported by the store; the send stays 'claimed'
        except Exception:
            log.exception("reminder %s: unexpected error; recorded as failed", claim.send_id)
            self.record(claim, "failed", "error")

    def record(
        self, claim: Claim, status: str, detail: str | None = None, message_id: int | None = None
    ) -> None:
        self.unwritten.append((claim.send_id, status, self.clock.now(), detail, message_id))
        self.counts[status] += 1
        if status in ("failed", "abandoned"):
            log.warning("reminder %s: %s: %s", claim.send_id, status, detail)

    async def flush(self) -> None:
        """Write the outcomes so far in one transaction (kept if that fails)."""
        if not self.unwritten:
            return
        batch, self.unwritten = self.unwritten, []
        try:
            await self.store.finish_sends(batch)
        except BaseException:
            self.unwritten[:0] = batch
            raise

    async def flush_quietly(self) -> None:
        """``flush``, with a failure logged: the outcomes are kept for the next one."""
        try:
            await self.flush()
        except DatabaseUnusable:
            pass
        except RetryLater as exc:
            log.warning("reminder dispatcher: recording sends failed (%s); kept, will retry", exc)
        except Exception:
            log.exception("reminder dispatcher: recording sends failed; kept, will retry")

    async def _attempt(self, claim: Claim, recovered: bool) -> None:
        first = claim.first_attempt or self.clock.now()
        maybe_sent = recovered  # after a crash, a request may have gone out
        failures = 0
        limited = 0

        def give_up(detail: str) -> None:
            self.record(claim, "abandoned" if maybe_sent else "failed", detail[:200])

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
                if limited > RATE_LIMITS_MAX:
                    give_up(f"rate limited {limited} times")
                    return
                await self._wait(self._sleep(exc.retry_after))
                await self.pacer.wait()  # a retry is a request like any other
                continue
            except DMsClosed:
                await self._pause(claim)
                return
            except Rejected as exc:
                give_up(f"rejected: {exc}")
                return
            except UnknownRecipient:
                await self.store.unsubscribe(claim.user_id)
                self.counts["removed"] += 1
                log.info("reminder %s: unknown user; their reminders removed", claim.send_id)
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
            self.record(claim, "sent", message_id=message_id)
            return

    async def _pause(self, claim: Claim) -> None:
        """Closed DMs: the day failed; the member's reminders pause (one notice, told later)."""
        self.record(claim, "failed", "dms closed")
        await self.store.pause_member(
            claim.user_id, reason=DMS_CLOSED_REASON, notice=DMS_CLOSED_NOTICE, at=self.clock.now()
        )
        self.counts["paused"] += 1
        log.info("reminder %s: DMs closed; the member's reminders paused", claim.send_id)

    async def _wait(self, sleep: Awaitable[None]) -> None:
        """Sleep before a retry; a stop cancels a send asleep here without a drain."""
        task = asyncio.current_task()
        assert task is not None
        self.waiting.add(task)
        try:
            await sleep
        finally:
            self.waiting.discard(task)

    async def _sleep(self, seconds: float) -> None:
        # a 429's retry_after is about Discord's real-time buckets, not the schedule clock
        await asyncio.sleep(max(0.0, min(seconds, 60.0)))
