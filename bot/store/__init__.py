"""The bot's only record: one interface, one module per concern, two backends.

    facade.py      Store, the interface the cogs and the dispatcher call
    interface.py   what a backend provides, concern by concern (Protocols)
    model.py       rows (frozen dataclasses) and statuses (StrEnums)
    planning.py    rules both backends share: due reminders, streaks
    transfer.py    export and import: every table as one versioned JSON file
    faults.py      StoreError, DatabaseUnusable, RetryLater (DiskFull, Unavailable): one
                   line naming DATABASE_PATH, or DATABASE_URL with its password masked
    migrations/    the schema as numbered .sql files, one folder per backend
    sqlite/        the SQLite backend (the default): connection, migrations, concerns
    postgres/      the PostgreSQL backend (DATABASE_URL): pool, migrations, concerns, and
                   the leader lock that lets one process of several send the reminders

Holds the answer channels per guild, asked questions (for gaps and stats) and answer feedback,
each with its server, the phrasings each server's admins taught, members' named reminders and
time zones, the per-day send records, notices waiting for a member, and the Done / Skip
presses behind a streak. Every method takes and returns timezone-aware datetimes.
"""

from __future__ import annotations

from bot.store.facade import Store
from bot.store.faults import DatabaseUnusable, DiskFull, RetryLater, StoreError, Unavailable
from bot.store.migrations import POSTGRES as POSTGRES_MIGRATIONS
from bot.store.migrations import SQLITE as MIGRATIONS
from bot.store.model import (
    Claim,
    ClaimResult,
    Gap,
    LearnedPhrasing,
    Quarantined,
    QuestionRecord,
    RoutineAction,
    SendStatus,
    Stats,
    Subscription,
    SubscriptionStatus,
    TooManyReminders,
    Vote,
    normalise_question,
    reminder_nonce,
)
from bot.store.planning import ABANDONED_DETAIL, QUARANTINE_NOTICE, QUARANTINE_REASON
from bot.store.transfer import TransferError

__all__ = [
    "ABANDONED_DETAIL",
    "MIGRATIONS",
    "POSTGRES_MIGRATIONS",
    "QUARANTINE_NOTICE",
    "QUARANTINE_REASON",
    "Claim",
    "ClaimResult",
    "DatabaseUnusable",
    "DiskFull",
    "Gap",
    "LearnedPhrasing",
    "Quarantined",
    "QuestionRecord",
    "RetryLater",
    "RoutineAction",
    "SendStatus",
    "Stats",
    "Store",
    "StoreError",
    "Subscription",
    "SubscriptionStatus",
    "TooManyReminders",
    "TransferError",
    "Unavailable",
    "Vote",
    "normalise_question",
    "reminder_nonce",
]
