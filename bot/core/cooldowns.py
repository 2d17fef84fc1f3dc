"""Who gets a reply, read from the injected clock: cooldowns for unprompted channel answers,
and a flood limit for direct asks.

Unprompted: a reply is allowed only when neither the member nor the channel answered
recently; taking the reply starts both cooldowns, so a burst in one channel gets a single
answer. Direct asks (a mention, a reply to the bot, a DM, /ask) ignore cooldowns: each is
answered, up to ``limit`` per member in any ``window``; the first ask past it gets one short
slow-down reply, the next ones silence, until an earlier ask leaves the window.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import Literal

from bot.core.clock import Clock

# Forget expired entries once a table grows past this, so memory stays bounded.
_PRUNE_AT = 10_000


class Cooldowns:
    def __init__(self, clock: Clock, member_s: float, channel_s: float) -> None:
        self.clock = clock
        self.member = timedelta(seconds=max(0.0, member_s))
        self.channel = timedelta(seconds=max(0.0, channel_s))
        self._members: dict[int, datetime] = {}
        self._channels: dict[int, datetime] = {}

    def ready(self, member_id: int, channel_id: int) -> bool:
        """True when neither the member nor the channel is cooling down."""
        now = self.clock.now()
        return _free(self._members, member_id, now) and _free(self._channels, channel_id, now)

    def try_acquire(self, member_id: int, channel_id: int) -> bool:
        """Take a reply slot if both are free, starting both cooldowns; False otherwise."""
        if not self.ready(member_id, channel_id):
            return False
        self.hit(member_id, channel_id)
        return True

    def hit(self, member_id: int, channel_id: int) -> None:
        """Start both cooldowns now (used also for replies that bypass the check)."""
        now = self.clock.now()
        if self.member:
            self._members[member_id] = now + self.member
            _prune(self._members, now)
        if self.channel:
            self._channels[channel_id] = now + self.channel
            _prune(self._channels, now)

    def forget_member(self, member_id: int) -> None:
        self._members.pop(member_id, None)


def _free(table: dict[int, datetime], key: int, now: datetime) -> bool:
    until = table.get(key)
    return until is None or now >= until


def _prune(table: dict[int, datetime], now: datetime) -> None:
    if len(table) <= _PRUNE_AT:
        return
    for key in [k for k, until in table.items() if until <= now]:
        del table[key]


DirectVerdict = Literal["reply", "slow_down", "silent"]


class DirectAsks:
    """The per-member flood limit on direct asks (``limit`` 0: no limit)."""

    def __init__(self, clock: Clock, limit: int = 6, window_s: float = 60.0) -> None:
        self.clock = clock
        self.limit = max(0, limit)
        self.window = timedelta(seconds=max(0.0, window_s))
        self._asks: dict[int, deque[datetime]] = {}  # each member's answered asks, oldest first
        self._warned: set[int] = set()  # told to slow down, silent until a slot frees

    def take(self, member_id: int) -> DirectVerdict:
        """Whether this direct ask is answered, gets the slow-down reply, or silence."""
        if not self.limit:
            return "reply"
        now = self.clock.now()
        asks = self._asks.get(member_id)
        if asks is None:
            if len(self._asks) > _PRUNE_AT:
                self._prune(now)
            asks = self._asks[member_id] = deque()
        while asks and now - asks[0] >= self.window:
            asks.popleft()
        if len(asks) < self.limit:
            asks.append(now)
            self._warned.discard(member_id)
            return "reply"
        if member_id in self._warned:
            return "silent"
        self._warned.add(member_id)
        return "slow_down"

    def forget_member(self, member_id: int) -> None:
        self._asks.pop(member_id, None)
        self._warned.discard(member_id)

    def _prune(self, now: datetime) -> None:
        for key in [
            k for k, asks in self._asks.items() if not asks or now - asks[-1] >= self.window
        ]:
            del self._asks[key]
            self._warned.discard(key)
