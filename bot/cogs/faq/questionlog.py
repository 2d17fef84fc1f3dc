"""The asked-questions log behind /faqadmin gaps and stats, written in batches off the reply's
path.

Each answered question is counted with its server (None for a DM); its text is kept (30 days)
only when the guide fell short. One writer task gathers a batch and writes it in one
transaction. A batch the store cannot take (a full disk, a busy file) is kept and tried again
with a backoff, so the gaps report loses nothing; only a database that can no longer be used
at all, or a stop while the fault lasts, ends with the batch dropped, and that is logged as an
error with the count.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.matching import Decision
from bot.store import QuestionRecord, Store
from bot.store.faults import DatabaseUnusable, DiskFull, StoreError

log = logging.getLogger(__name__)

# Kinds whose question text is kept (30 days) so admins can see what the guide lacks.
GAP_KINDS = ("none", "suggest")
QUESTION_RETENTION = timedelta(days=30)
QUESTION_BATCH_S = 0.2  # asked questions are written to the store at most this often
QUESTION_RETRY_S = (0.5, 60.0)  # a batch the store refused: first retry, then doubling to this


class QuestionLog:
    """Asked questions on their way to the store; ``flush`` writes them now."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._pending: list[QuestionRecord] = []
        self._writer: asyncio.Task[None] | None = None
        self._flush_now = asyncio.Event()
        self._pruned_at: datetime | None = None
        self.closing = False
        self.failures = 0  # batches the store refused (kept and retried)
        self._attempted = asyncio.Event()  # replaced after each write attempt
        self._last_refused = False

    def add(
        self,
        decision: Decision,
        question: str,
        guild_id: int | None,
        user_id: int,
        at: datetime,
    ) -> None:
        """Count the question for /faqadmin; keep its text only when the guide fell short."""
        self._pending.append(
            QuestionRecord(
                guild_id=guild_id,
                user_id=user_id,
                question=question if decision.kind in GAP_KINDS else "",
                kind=decision.kind,
                entry=decision.entry,
                at=at,
                learned=decision.learned,
            )
        )
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="faq-question-log")

    async def _write(self) -> None:
        # gather a batch first: one transaction for many questions keeps the store quiet
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._flush_now.wait(), QUESTION_BATCH_S)
        self._flush_now.clear()
        delay = QUESTION_RETRY_S[0]
        while self._pending:
            rows, self._pending = self._pending, []
            try:
                await self.store.log_questions(rows)
                self._attempt_over(refused=False)
            except (DiskFull, sqlite3.OperationalError) as exc:
                self._pending[:0] = rows  # kept, oldest first, with any asked meanwhile
                self.failures += 1
                self._attempt_over(refused=True)
                if self.closing:
                    self._drop_pending(f"stopping while the store refuses them ({exc})")
                    return
                log.warning(
                    "could not store %d asked questions (%s); kept, next try in %.1f s",
                    len(self._pending),
                    exc,
                    delay,
                )
                with contextlib.suppress(TimeoutError):  # a flush tries again at once
                    await asyncio.wait_for(self._flush_now.wait(), delay)
                self._flush_now.clear()
                delay = min(delay * 2, QUESTION_RETRY_S[1])
                continue
            except DatabaseUnusable as exc:
                self._pending[:0] = rows
                self._drop_pending(exc.problem)  # the bot is stopping; nowhere to keep them
                return
            except Exception:
                log.exception("logging %d questions failed", len(rows))
            delay = QUESTION_RETRY_S[0]
        await self.prune()

    def _attempt_over(self, *, refused: bool) -> None:
        self._last_refused = refused
        event, self._attempted = self._attempted, asyncio.Event()
        event.set()

    def _drop_pending(self, why: str) -> None:
        log.error("%d asked questions were not stored: %s", len(self._pending), why)
        self._pending = []

    async def prune(self) -> None:
        """Forget asked questions older than 30 days (checked at most once a day)."""
        now = self.clock.now()
        if self._pruned_at is not None and now - self._pruned_at < timedelta(days=1):
            return
        self._pruned_at = now
        try:
            await self.store.prune(now - QUESTION_RETENTION)
        except StoreError as exc:
            log.warning("pruning old questions failed: %s", exc)
        except Exception:
            log.exception("pruning old questions failed")

    async def flush(self) -> bool:
        """Write the questions asked so far now. True once all are in the store; False if the
        store refused them (they stay queued, and the writer keeps trying)."""
        self._flush_now.set()
        while self._writer is not None and not self._writer.done():
            attempted = asyncio.ensure_future(self._attempted.wait())
            try:
                await asyncio.wait({self._writer, attempted}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                attempted.cancel()
            if attempted.done() and self._last_refused:
                return False
        return not self._pending
