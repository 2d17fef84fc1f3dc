"""Request pacing: start requests at most N a second, so the bot stays under Discord's
global limit by itself instead of collecting 429s."""

from __future__ import annotations

import asyncio
import time


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
            now = time.monotonic()
            self._next = max(self._next, now - self.burst * self.interval)
            slot = self._next
            self._next = slot + self.interval
            if slot > now:
                await asyncio.sleep(slot - now)
