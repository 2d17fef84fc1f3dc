"""The bot's only record: one interface, one module per concern, a SQLite backend.

    facade.py      Store, the interface the cogs and the dispatcher call
    interface.py   what a backend provides, concern by concern (Protocols)
    model.py       rows (frozen dataclasses) and statuses (StrEnums)
    planning.py    rules both backends share: due reminders, streaks
    faults.py      StoreError, DatabaseUnusable, DiskFull: one line naming DATABASE_PATH
    migrations/    the schema as numbered .sql files, one folder per backend
    sqlite/        the SQLite backend: connection, migration runner, one module per concern

Holds the answer channels per guild, asked questions (for gaps and stats), answer feedback,
members' named reminders and time zones, the per-day send records, notices waiting for a
member, and the Done / Skip presses behind a streak. Every method takes and returns
timezone-aware datetimes.
"""

from __future__ import annotations

from bot.store.facade import Store
from bot.store.faults import DatabaseUnusable, DiskFull, StoreError
from bot.store.migrations import SQLITE as MIGRATIONS
from bot.store.model import (
    Claim,
    ClaimResult,
    Gap,
    Quarantined,
    QuestionRecord,
    RoutineAction,
    SendStatus,
    Stats,
    Subscription,
    SubscriptionStatus,
    TooManyReminders,
    normalise_question,
    reminder_nonce,
)
from bot.store.planning import ABANDONED_DETAIL, QUARANTINE_NOTICE, QUARANTINE_REASON

__all__ = [
    "ABANDONED_DETAIL",
    "MIGRATIONS",
    "QUARANTINE_NOTICE",
    "QUARANTINE_REASON",
    "Claim",
    "ClaimResult",
    "DatabaseUnusable",
    "DiskFull",
    "Gap",
    "Quarantined",
    "QuestionRecord",
    "RoutineAction",
    "SendStatus",
    "Stats",
    "Store",
    "StoreError",
    "Subscription",
    "SubscriptionStatus",
    "TooManyReminders",
    "normalise_question",
    "reminder_nonce",
]
