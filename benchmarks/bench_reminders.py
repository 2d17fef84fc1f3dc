"""Reminders at scale: 10,000 DMs due in one minute through the Discord double's global rate
limit, and the time to find and claim due reminders among 100,000 subscriptions.

    .venv/bin/python benchmarks/bench_reminders.py [--members N] [--limit R] [--subs M]
        [--postgres | --database-url postgresql://USER:PASSWORD@HOST/DB]

SQLite files in a temporary folder by default. ``--database-url`` runs on PostgreSQL: the
URL names any database on a server where its user may create databases; the benchmark makes
fresh ones beside it and drops them at the end. ``--postgres`` does the same on a throwaway
cluster of its own (the tests' one: PostgreSQL's binaries are all it needs).

Part 1 starts the real bot (the one ``python -m bot run`` builds) against the offline Discord
double, which enforces a global limit of R requests a second (Discord's is 50; the default
here is 250 for a shorter run, and the ratio to the limit is what counts). N members are
subscribed with their DM channel known, all due at the same minute; the fake clock is moved
to that minute and the run ends when every reminder has a final send record. Reported:
throughput as a share of the limit (target >= 90%) and the 429 responses the double gave
(target 0).

Part 2 fills a fresh database with M subscriptions spread over the day, 10,000 of them due
in the same minute, then times the dispatcher's claim (one transaction: find the due ones,
insert their send records, move each to its next local day) for one batch, for the ~70 due
in an ordinary minute, and for all 10,000 (target <= 50 ms per claim).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._targets import PostgresTarget, SqliteTarget  # noqa: E402
from bot.config import PROJECT_ROOT, Settings  # noqa: E402
from bot.core.schedule import next_due  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.double import TOKEN, DiscordDouble, point_discord_at  # noqa: E402

Target = SqliteTarget | PostgresTarget

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
ZONES = ("UTC", "Europe/London", "Africa/Accra", "Atlantic/Reykjavik")  # all UTC+0 in March


async def bot_child(port: int, db: str, rate: float) -> None:
    """The bot's own process: ``python -m bot run``'s code, pointed at the double."""
    from bot.runner import run

    point_discord_at("127.0.0.1", port)
    url = db if db.startswith("postgres") else None
    settings = Settings(
        token=TOKEN,
        database_path=Path(db if url is None else "unused.sqlite3"),
        database_url=url,
        knowledge_dir=PROJECT_ROOT / "knowledge",
        log_level="WARNING",
        guild_ready_timeout_s=0.05,
        send_rate_per_s=rate,
    )
    if os.environ.get("BENCH_PROFILE"):  # where the bot's CPU goes
        import cProfile

        with cProfile.Profile() as prof:
            await run(settings)
        prof.dump_stats(os.environ["BENCH_PROFILE"])
    else:
        await run(settings)


async def part1(target: Target, members: int, limit: float, pace: float) -> dict[str, float]:
    double = DiscordDouble()
    await double.start()
    db = await target.fresh("part1")
    now = datetime.now(UTC)
    due = now - timedelta(seconds=30)  # due already: sent as soon as the bot is up
    rows = []
    for n in range(members):
        user = double.add_user(f"runner-{n}")
        channel = double.dm_channel(user)
        routine = ("stretches", "core", "both")[n % 3]
        minute = dtime(due.hour, due.minute)
        rows.append((user.id, channel.id, minute, "UTC", routine, now, now, due, due.date()))
    await target.seed(db, rows)

    paced = limit * pace
    double.global_limit = limit
    # the double stands in for Discord: keep its garbage collector from pausing it (a pause
    # delays requests, which then arrive in a burst that the double's limit counts)
    gc.collect()
    gc.disable()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--bot-child",
        str(double.port),
        str(db),
        str(paced),
    )
    try:
        deadline = time.perf_counter() + members / limit * 3 + 60
        seen, sends = 0, []
        while True:
            await asyncio.sleep(0.2)
            new, seen = double.requests[seen:], len(double.requests)  # only the new ones
            sends += [r for r in new if r.matches("POST", "/channels/{id}/messages")]
            if sum(1 for r in sends if r.status == 200) >= members:
                break
            if time.perf_counter() > deadline or child.returncode is not None:
                raise TimeoutError(f"only {len(sends)} of {members} reminders arrived")
    finally:
        gc.enable()
        if child.returncode is None:
            child.terminate()
        await asyncio.wait_for(child.wait(), 30)
        await double.close()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    ok = [r for r in sends if r.status == 200]
    span = ok[-1].at - ok[0].at
    rate = (len(ok) - 1) / span if span > 0 else float("inf")
    times = [r.at for r in double.requests if r.at >= ok[0].at]
    busiest, j = 0, 0
    for i, t in enumerate(times):
        while t - times[j] >= 1.0:
            j += 1
        busiest = max(busiest, i - j + 1)
    statuses = await target.statuses(db)
    return {
        "members": members,
        "limit": limit,
        "paced_at": paced,
        "sent": len(ok),
        "failed": statuses.get("failed", 0),
        "recorded_sent": statuses.get("sent", 0),
        "requests": len(sends),
        "seconds": span,
        "rate": rate,
        "ratio": rate / limit,
        "busiest_window": busiest,
        "count_429": double.count_429,
        "bot_cpu_ms_per_dm": (usage.ru_utime + usage.ru_stime) * 1000 / members,
    }


async def part2(target: Target, subs: int, due_now: int) -> dict[str, dict[str, float]]:
    path = await target.fresh("part2")
    rng = random.Random(7)
    rows = []
    for n in range(subs):
        tz = ZONES[n % len(ZONES)]
        if n < due_now:
            local, due, day = dtime(7, 30), DUE, DUE.date()
        else:  # spread over the day, all due after the busy minute
            minute = rng.randrange(24 * 60)
            local = dtime(minute // 60, minute % 60)
            due, day = next_due(local, tz, DUE)
        rows.append((n + 1, n + 1, local, tz, "both", START, START, due, day))
    await target.seed(path, rows)

    async def claims(label: str, batch: int, minutes: int, drop_busy: bool) -> dict[str, float]:
        # an ordinary day: the busy minute's 10,000 are not there
        copy = await target.copy(path, label, drop_first=due_now if drop_busy else 0)
        s = await Store.open(copy)
        times, counts = [], []
        try:
            for minute in range(minutes):
                now = DUE + timedelta(minutes=minute, seconds=1)
                while True:
                    t0 = time.perf_counter()
                    result = await s.claim_due(now=now, grace=timedelta(hours=2), limit=batch)
                    times.append((time.perf_counter() - t0) * 1000)
                    counts.append(len(result.claims))
                    await s.checkpoint()  # as the dispatcher does before it sleeps
                    if len(result.claims) < batch or batch >= due_now:
                        break
        finally:
            await s.close()
        first = times[0]
        times.sort()
        return {
            "first_ms": first,
            "claims": len(times),
            "claimed": sum(counts),
            "per_claim": statistics.mean(counts),
            "p50_ms": statistics.median(times),
            "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
            "max_ms": times[-1],
        }

    return {
        "ordinary minutes, batch 250": await claims("ordinary", 250, 60, True),
        "10,000 due at once, batch 50": await claims("b50", 50, 1, False),
        "10,000 due at once, batch 250": await claims("b250", 250, 1, False),
        "10,000 due at once, one claim": await claims("all", due_now, 1, False),
    }


async def main() -> int:
    if sys.argv[1:2] == ["--bot-child"]:
        await bot_child(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=250.0)
    parser.add_argument("--subs", type=int, default=100_000)
    parser.add_argument(
        "--pace", type=float, default=0.95, help="the bot's send rate as a share of the limit"
    )
    parser.add_argument("--part", choices=("1", "2", "both"), default="both")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="run on PostgreSQL, in databases made beside it")
    where.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        target: Target = SqliteTarget(Path(tmp))
        if args.postgres:
            target = PostgresTarget.throwaway()
        elif args.database_url:
            target = PostgresTarget(args.database_url)
        print(f"on {target.name}")
        try:
            ok = await run_parts(target, args)
        finally:
            await target.close()
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


async def run_parts(target: Target, args: argparse.Namespace) -> bool:
    ok = True
    if args.part in ("1", "both"):
        p1 = await part1(target, args.members, args.limit, args.pace)
        print(
            f"part 1: {p1['sent']:.0f} of {p1['members']:.0f} reminders sent through a "
            f"global limit of {p1['limit']:.0f}/s (paced at {p1['paced_at']:.0f}/s) in "
            f"{p1['seconds']:.1f} s: {p1['rate']:.1f}/s = {p1['ratio']:.1%} of the limit; "
            f"busiest 1 s window {p1['busiest_window']:.0f} requests; "
            f"429 responses: {p1['count_429']:.0f}; failed: {p1['failed']:.0f}; "
            f"the bot's process used {p1['bot_cpu_ms_per_dm']:.2f} ms of CPU per DM"
        )
        ok = p1["ratio"] >= 0.9 and p1["count_429"] == 0
    if args.part in ("2", "both"):
        p2 = await part2(target, args.subs, min(10_000, args.subs))
        print(f"part 2: claiming due reminders among {args.subs:,} subscriptions")
        for label, r in p2.items():
            print(
                f"  {label}: {r['claims']:.0f} claims of {r['per_claim']:.0f} on average; "
                f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
                f"max {r['max_ms']:.1f} ms (the first, cold: {r['first_ms']:.1f} ms)"
            )
        ok = ok and all(r["p99_ms"] <= 50 for k, r in p2.items() if "one claim" not in k)
    return ok


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
