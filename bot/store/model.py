"""What the store reads and writes, for every backend: rows as frozen dataclasses, statuses
as StrEnums (a status equals its text, so ``sub.status == "active"`` still reads right).

Every instant is a timezone-aware datetime; a member's local day is a ``date``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class SendStatus(StrEnum):
    """What became of one day's reminder."""

    CLAIMED = "claimed"  # a process owns it; its request may be under way
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # too late after downtime
    ABANDONED = "abandoned"  # unconfirmed past the retry window: arrived once or not at all


class Vote(StrEnum):
    """What a Helpful / Not helpful press did: one vote per member and answer, changeable."""

    RECORDED = "recorded"  # the member's first vote on this answer
    CHANGED = "changed"  # they had voted the other way; the vote is switched
    UNCHANGED = "unchanged"  # they had already voted this way


class RoutineAction(StrEnum):
    """A member's press on a day's routine: Done counts towards the streak, Skip rests."""

    DONE = "done"
    SKIP = "skip"


@dataclass(frozen=True)
class QuestionRecord:
    """One asked question, as the FAQ cog logs it (text empty unless the guide fell short).

    ``guild_id`` is the server it was asked in, None for a DM; ``learned``: answered through a
    phrasing that server's admins taught.
    """

    guild_id: int | None
    user_id: int
    question: str
    kind: str
    entry: str | None
    at: datetime
    learned: bool = False


@dataclass(frozen=True)
class Gap:
    """A question the guide did not answer in one server, grouped by its normalised text;
    ``question_id`` is its latest asking, which /faqadmin gaps teaches by."""

    question: str
    count: int
    last_at: datetime
    question_id: int = 0

    def __iter__(self) -> Iterator[Any]:
        """(question, count, last_at), for callers that unpack a gap."""
        return iter((self.question, self.count, self.last_at))


@dataclass(frozen=True)
class Stats:
    """One server's figures since a given instant (learned phrasings: all it has)."""

    questions: int
    answered: int
    helpful: int
    not_helpful: int
    top_entries: list[tuple[str, int]]
    learned_phrasings: int = 0
    answered_learned: int = 0  # questions answered through a learned phrasing


@dataclass(frozen=True)
class LearnedPhrasing:
    """A question a server's admin taught as a phrasing of an FAQ entry, for that server."""

    id: int
    guild_id: int
    entry: str
    phrasing: str
    at: datetime


@dataclass(frozen=True)
class Subscription:
    id: int
    user_id: int
    dm_channel_id: int | None
    local_time: time
    tz: str
    routine: str
    status: SubscriptionStatus
    pause_reason: str | None
    created_at: datetime
    updated_at: datetime
    next_due: datetime
    next_local_date: date
    name: str = "daily"  # unique per member; a member has up to MAX_REMINDERS


class TooManyReminders(ValueError):
    """A new reminder for a member who already has the most a member may have."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"a member has at most {limit} reminders")
        self.limit = limit


@dataclass(frozen=True)
class Claim:
    """One day's reminder that this process now owns and must send (or give up on).

    ``first_attempt``: the earliest instant a request for it may have gone out (recorded
    before any request does); None for a DM that is not a daily reminder (/remind test).
    ``name``: the reminder's name, shown in the DM (empty: a test DM without a reminder).
    """

    send_id: int
    subscription_id: int
    user_id: int
    dm_channel_id: int | None
    routine: str
    local_date: date
    due: datetime
    first_attempt: datetime | None = None
    name: str = ""

    @property
    def nonce(self) -> str:
        return reminder_nonce(self.subscription_id, self.local_date)


@dataclass(frozen=True)
class Quarantined:
    """A subscription the dispatcher could not schedule (its row fails), paused with a reason."""

    subscription_id: int
    user_id: int
    problem: str


@dataclass(frozen=True)
class ClaimResult:
    claims: list[Claim]
    skipped: int
    quarantined: tuple[Quarantined, ...] = ()


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def reminder_nonce(subscription_id: int, day: date) -> str:
    """The Discord nonce of one day's reminder: 'r', the subscription id in base 36, then the
    local date as YYYYMMDD. Deterministic, so a retry after a crash repeats it; at most 22
    characters for any 63-bit id (Discord allows 25)."""
    return f"r{_base36(subscription_id)}{day:%Y%m%d}"


_PUNCT = re.compile(r"[^\w\s']+")
_SPACE = re.compile(r"\s+")


def normalise_question(text: str) -> str:
    """The form questions are grouped by in the gaps report."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", text.lower())).strip()[:300]
