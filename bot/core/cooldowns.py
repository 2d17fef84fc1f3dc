"""Per-member and per-channel cooldowns for unprompted answers, read from the injected clock.

A reply is allowed only when neither the member nor the channel answered recently; taking
the reply starts both cooldowns, so a burst in one channel gets a single answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

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
