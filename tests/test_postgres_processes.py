"""Real `python -m bot run` processes on one real PostgreSQL database, against the double.

- Two processes, 1,000 reminders due: one leads the dispatch (the advisory lock), the other
  stands by; the leader is killed with SIGKILL mid-dispatch, the standby takes over, and
  every member gets exactly one DM.
- A Heroku day: subscribe and enable a channel with DATABASE_URL set, stop, delete the
  working folder's data/ as a dyno restart does, start again: both are still there (and,
  as the control, on SQLite they are gone).
- A database that cannot be used at start: one line naming the masked URL, exit code 1.
- PostgreSQL restarted under the running bot: it answers again, without a traceback; the
  database dropped under it: it stops in one line, exit code 1.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import asyncpg
import pytest

from bot.store import Store
from tests.bot_process import finish, spawn
from tests.postgres_cluster import PASSWORD
from tests.test_cog_reminders import text_of

MEMBERS = 1000
KILL_AT = 300  # reminder DMs made when the leader is killed
LEADER = "runclub-bot dispatcher pid "


async def fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    con = await asyncpg.connect(url)
    try:
        return await con.fetch(sql, *args)
    finally:
        await con.close()


async def due_members(url: str, double, n: int) -> list[int]:
    """n members subscribed with known DM channels, all due 30 s ago (within the grace)."""
    now = datetime.now(UTC)
    due = now - timedelta(seconds=30)
    users = [double.add_user(f"runner-{i}") for i in range(n)]
    con = await asyncpg.connect(url)
    try:
        await con.copy_records_to_table(
            "subscriptions",
            columns=["user_id", "dm_channel_id", "local_time", "tz", "routine", "status",
                     "created_at", "updated_at", "next_due_utc", "next_local_date"],
            records=[
                (u.id, double.dm_channel(u).id, dtime(due.hour, due.minute), "UTC", "both",
                 "active", now, now, due, due.date())
                for u in users
            ],
        )  # fmt: skip
    finally:
        await con.close()
    return [u.id for u in users]


async def leader_pid(url: str) -> int | None:
    """The pid of the bot process holding the leader lock, from PostgreSQL's own views."""
    rows = await fetch(
        url,
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
        " WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE $1",
        LEADER + "%",
    )
    return int(rows[0][0].removeprefix(LEADER)) if rows else None


async def statuses(url: str) -> Counter:
    return Counter(dict(await fetch(url, "SELECT status, COUNT(*) FROM sends GROUP BY status")))


async def until(cond, what: str, timeout_s: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await cond():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_two_processes_one_leader_killed_mid_dispatch_the_standby_finishes_once_each(
    double, tmp_path, postgres_url
):
    await (await Store.open(postgres_url)).close()
    users = await due_members(postgres_url, double, MEMBERS)
    env = {"DATABASE_URL": postgres_url, "SEND_RATE_PER_SECOND": "200", "LOG_LEVEL": "INFO"}
    first, second = await spawn(double, tmp_path, **env), await spawn(double, tmp_path, **env)
    procs = {first.pid: first, second.pid: second}
    try:
        await double.wait_until(lambda: len(double.messages) >= KILL_AT, 60, "DMs")
        leader = await leader_pid(postgres_url)
        assert leader in procs, "one of the two processes leads"
        standby = next(p for pid, p in procs.items() if pid != leader)
        procs[leader].kill()  # SIGKILL, mid-dispatch: no cleanup of any kind
        await procs[leader].wait()
        made_at_kill = len(double.messages)
        assert made_at_kill < MEMBERS, "the leader was killed before it finished"

        async def all_sent() -> bool:
            assert standby.returncode is None, "the standby stopped by itself"
            return (await statuses(postgres_url)).get("sent") == MEMBERS

        await until(all_sent, "every reminder to be sent")
        assert await leader_pid(postgres_url) == standby.pid
        standby.send_signal(signal.SIGTERM)
        code, output = await finish(standby)
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert code == 0, output[-2000:]
    assert "another process leads the reminder dispatch; this one stands by" in output
    assert "this process leads the reminder dispatch" in output  # it took over
    assert "unconfirmed reminders with their nonce" in output  # and the old leader's sends

    per_member = {u: double.sent_messages(double.dm_channel(double.users[u]).id) for u in users}
    assert Counter(len(m) for m in per_member.values()) == {1: MEMBERS}  # none lost, none twice
    recorded = dict(await fetch(postgres_url, "SELECT user_id, message_id FROM sends"))
    assert recorded == {u: int(per_member[u][0]["id"]) for u in users}
    assert await statuses(postgres_url) == {"sent": MEMBERS}
    posts = [r for r in double.requests if r.matches("POST", "/channels/{id}/messages")]
    print(
        f"\ntwo processes, {MEMBERS} due, leader SIGKILLed at {made_at_kill} DMs: "
        f"{len(posts)} DM requests, {double.nonce_hits} answered by their nonce; "
        f"members with one DM: {MEMBERS}, with two: 0, with none: 0"
    )


async def run_once(double, cwd: Path, env: dict[str, str], actions) -> str:
    """Start the bot, wait until it answers, run ``actions``, stop it with SIGTERM."""
    proc = await spawn(double, cwd, **env)
    try:
        await double.wait_until(lambda: double.connected, 30, "the bot to connect")
        await actions()
        proc.send_signal(signal.SIGTERM)
        code, output = await finish(proc)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert code == 0, output[-2000:]
    return output


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
async def test_a_heroku_day_keeps_subscriptions_and_channels_only_on_postgres(
    double, tmp_path, backend, request
):
    work = tmp_path / "app"  # the dyno's working folder
    work.mkdir()
    env = {"DATABASE_PATH": str(work / "data" / "bot.sqlite3")}
    if backend == "postgres":
        env["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    here = double.channel("running-questions")
    found: dict[str, str] = {}

    async def set_up() -> None:
        sub = await double.slash(
            "remind", {"time": "07:30", "routine": "core", "timezone": "Europe/London"},
            subcommand="subscribe",
        )  # fmt: skip
        assert "07:30" in text_of(await sub.reply(timeout=10))
        added = await double.slash(
            "config", user=double.admin, channel=here, group="channels", subcommand="add"
        )
        assert f"<#{here.id}>" in text_of(await added.reply(timeout=10))

    async def look() -> None:
        listing = await double.slash("remind", subcommand="list")
        found["reminders"] = text_of(await listing.reply(timeout=10))
        listed = await double.slash(
            "config", user=double.admin, group="channels", subcommand="list"
        )
        found["channels"] = text_of(await listed.reply(timeout=10))

    await run_once(double, work, env, set_up)
    assert (work / "data").exists() == (backend == "sqlite")
    shutil.rmtree(work / "data", ignore_errors=True)  # the dyno restarts on a fresh disk
    await run_once(double, work, env, look)
    kept = "07:30 (Europe/London)" in found["reminders"], f"<#{here.id}>" in found["channels"]
    assert kept == ((True, True) if backend == "postgres" else (False, False)), found


async def test_a_postgres_database_that_cannot_be_used_stops_the_bot_in_one_line(
    double, tmp_path, postgres_cluster
):
    cases = {
        postgres_cluster.url("postgres", password="wrong-password"): "refused the password",
        postgres_cluster.url("no_such_database"): "the database does not exist",
        postgres_cluster.url().replace(f":{postgres_cluster.port}/", ":1/"): "was refused",
    }
    for url, said in cases.items():
        proc = await spawn(double, tmp_path, DATABASE_URL=url)
        code, output = await finish(proc)
        errors = [line for line in output.splitlines() if "ERROR" in line]
        assert code == 1, output
        assert len(errors) == 1 and "Traceback" not in output, output
        assert "DATABASE_URL=postgresql://runclub:***@127.0.0.1:" in errors[0]
        assert said in errors[0]
        assert PASSWORD not in output and "wrong-password" not in output
    assert not double.identify, "nothing was sent to Discord"


async def remind_list(double) -> str:
    return text_of(await (await double.slash("remind", subcommand="list")).reply(timeout=10))


async def test_a_restarted_server_is_reconnected_and_a_dropped_database_stops_the_bot(
    double, tmp_path, postgres_cluster
):
    name, url = await postgres_cluster.create_database()
    proc = await spawn(double, tmp_path, DATABASE_URL=url)
    try:
        await double.wait_until(lambda: double.connected, 30, "the bot to connect")
        sub = await double.slash(
            "remind", {"time": "07:30", "routine": "core", "timezone": "Europe/London"},
            subcommand="subscribe",
        )  # fmt: skip
        assert "07:30" in text_of(await sub.reply(timeout=10))
        await asyncio.to_thread(postgres_cluster.restart)  # every connection of the bot is cut
        assert "07:30 (Europe/London)" in await remind_list(double)
        await postgres_cluster.drop_database(name)
        assert "something went wrong" in await remind_list(double)
        code, output = await finish(proc)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert code == 1, output[-2000:]
    assert "Traceback" not in output, output[-3000:]
    errors = [line for line in output.splitlines() if "ERROR" in line]
    assert len(errors) == 1, output[-3000:]
    assert "DATABASE_URL=postgresql://runclub:***@127.0.0.1:" in errors[0]
    assert "the database does not exist" in errors[0] and "Stopping the bot" in errors[0]
    assert PASSWORD not in output
