"""A separate process for the SIGKILL test: set up due reminders, or dispatch them.

    reminder_worker.py DB LOG setup N   # N subscriptions due at the fixed instant
    reminder_worker.py DB LOG run N     # dispatch until all N have a send record, then exit

The sender appends one JSON line per delivered DM to LOG (flushed and fsynced before it
returns), standing in for Discord's record of what was sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.dispatcher import Dispatcher
from bot.store import Claim, Store

DUE = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)


async def main(db: Path, log: Path, command: str, n: int) -> None:
    store = await Store.open(db)
    try:
        if command == "setup":
            for user in range(1, n + 1):
                await store.subscribe(
                    user_id=user,
                    dm_channel_id=user,
                    local_time=time(6, 0),
                    tz="UTC",
                    routine="both",
                    at=DUE - timedelta(hours=1),
                )
            return
        clock = FakeClock(DUE + timedelta(minutes=1))
        out = log.open("a", encoding="utf-8")

        async def sender(claim: Claim) -> int:
            await asyncio.sleep(0.001)  # a request's round trip
            out.write(json.dumps({"send_id": claim.send_id, "user_id": claim.user_id}) + "\n")
            out.flush()
            os.fsync(out.fileno())
            return claim.send_id

        d = Dispatcher(store, sender, clock, rate_per_s=0, batch=100, max_in_flight=20)
        d.start()
        while True:
            d.poke()
            await d.wait_idle()
            async with store.db.execute("SELECT COUNT(*) FROM sends") as cur:
                (count,) = await cur.fetchone()
            if count >= n:
                break
        await d.stop()
        out.close()
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
