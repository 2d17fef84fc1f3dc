"""What only PostgreSQL has: migrating once however many processes start, claims that skip
rows another process holds, one dispatcher leader, reconnecting after a lost connection, and
its faults in one line naming DATABASE_URL with the password masked.

Everything runs against the session's real throwaway cluster (tests/postgres_cluster.py).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import asyncpg
import pytest

from bot.store import MIGRATIONS, POSTGRES_MIGRATIONS, Store, TooManyReminders
from bot.store.faults import DatabaseUnusable, StoreError, Unavailable
from bot.store.migrations import load
from tests.postgres_cluster import PASSWORD

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GRACE = timedelta(hours=2)


async def rows(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    con = await asyncpg.connect(url)
    try:
        return await con.fetch(sql, *args)
    finally:
        await con.close()


def test_the_postgres_files_ship_in_the_package_with_sqlites_numbers():
    assert load("postgres") == POSTGRES_MIGRATIONS
    assert len(POSTGRES_MIGRATIONS) == len(MIGRATIONS)
    assert "first_attempt_utc" in POSTGRES_MIGRATIONS[1]


async def test_two_processes_opening_a_fresh_database_migrate_it_once(postgres_url):
    stores = await asyncio.gather(*(Store.open(postgres_url) for _ in range(4)))
    try:
        versions = await rows(postgres_url, "SELECT version FROM schema_version ORDER BY 1")
        assert [r[0] for r in versions] == list(range(1, len(POSTGRES_MIGRATIONS) + 1))
        assert {await s.schema_version() for s in stores} == {len(POSTGRES_MIGRATIONS)}
        assert await stores[0].enable_channel(1, 2) and await stores[3].enabled_channels(1) == [2]
    finally:
        for s in stores:
            await s.close()


async def test_a_database_of_the_first_release_migrates_and_keeps_its_rows(postgres_url):
    """Through 0002, 0003 and 0004: a claimed send starts outside any retry window, questions
    and ratings keep their server (a rating without one counts in no server's stats), and
    each subscription becomes a reminder named after its routine, with the same id, its
    member's zone stored once."""
    con = await asyncpg.connect(postgres_url)
    await con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ"
        " NOT NULL DEFAULT now()); INSERT INTO schema_version VALUES (1);"
    )
    await con.execute(POSTGRES_MIGRATIONS[0])
    await con.execute(
        "INSERT INTO subscriptions VALUES (1, 7, NULL, '07:30', 'UTC', 'both', 'active', NULL,"
        " $1, $1, $1, '2026-03-01'), (2, 8, 80, '19:00', 'America/New_York', 'core', 'paused',"
        " 'Paused by you.', $1, $1, $1, '2026-03-01'); INSERT INTO sends VALUES (1, 1, 7,"
        " '2026-03-01', $1, 'claimed', 't', NULL, NULL, $1); INSERT INTO questions"
        " (guild_id, user_id, question, normalised, kind, entry, at) VALUES"
        " (5, 7, 'Swim?', 'swim', 'none', NULL, $1); INSERT INTO feedback VALUES"
        " (9, 7, 'causes', true, $1); SELECT setval('subscriptions_id_seq', 2)".replace(
            "$1", "'2026-03-01T07:30:00Z'"
        )
    )
    await con.close()
    store = await Store.open(postgres_url)
    try:
        assert await store.schema_version() == len(POSTGRES_MIGRATIONS) == 4
        (record,) = await store.sends(7)
        assert record["first_attempt"] == datetime(1970, 1, 1, tzinfo=UTC)  # outside any window
        claims, abandoned = await store.recover_unconfirmed(now=T0, window=timedelta(minutes=2))
        assert (claims, abandoned) == ([], 1)
        since = T0 - timedelta(days=30)
        assert [g.question for g in await store.gaps(guild_id=5, since=since)] == ["swim"]
        stats = await store.stats(guild_id=5, since=since)
        assert (stats.questions, stats.helpful, stats.answered_learned) == (1, 0, 0)
        got = [(s.id, s.name, s.tz, s.status) for uid in (7, 8) for s in await store.reminders(uid)]
        assert got == [(1, "daily", "UTC", "active"), (2, "core", "America/New_York", "paused")]
        assert [await store.zone(uid) for uid in (7, 8)] == ["UTC", "America/New_York"]
        await store.subscribe(
            user_id=7, name="core", dm_channel_id=None, local_time=time(19, 0), tz="UTC",
            routine="core", at=T0,
        )  # fmt: skip
        assert [s.name for s in await store.reminders(7)] == ["daily", "core"]
        assert await store.check_consistency() == []
    finally:
        await store.close()


async def test_a_newer_schema_is_refused_and_left_untouched(postgres_url):
    await (await Store.open(postgres_url)).close()
    await rows(postgres_url, "INSERT INTO schema_version (version) VALUES (9)")
    with pytest.raises(DatabaseUnusable) as info:
        await Store.open(postgres_url)
    message = str(info.value)
    assert message.startswith("DATABASE_URL=postgresql://runclub:***@127.0.0.1:")
    newest = len(POSTGRES_MIGRATIONS)
    assert f"schema version 9, but this version of the bot knows versions up to {newest}" in message
    assert PASSWORD not in message
    versions = await rows(postgres_url, "SELECT version FROM schema_version ORDER BY 1")
    assert [r[0] for r in versions] == [*range(1, newest + 1), 9]


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("password", "PostgreSQL refused the password (password authentication failed"),
        ("database", "the database does not exist"),
        ("refused", "cannot connect: the connection was refused"),
    ],
)
async def test_a_database_that_cannot_be_used_at_start_is_one_line(postgres_cluster, fault, said):
    url = {
        "password": postgres_cluster.url("postgres", password="wrong-password"),
        "database": postgres_cluster.url("no_such_database"),
        "refused": postgres_cluster.url("postgres").replace(f":{postgres_cluster.port}/", ":1/"),
    }[fault]
    with pytest.raises(DatabaseUnusable) as info:
        await Store.open(url)
    message = str(info.value)
    assert message.startswith("DATABASE_URL=postgresql://runclub:***@127.0.0.1:")
    assert said in message and "\n" not in message
    assert PASSWORD not in message and "wrong-password" not in message


async def test_a_read_only_server_and_a_user_who_cannot_create_tables_are_refused(postgres_url):
    base, _, name = postgres_url.rpartition("/")
    await rows(postgres_url, "CREATE ROLE guest LOGIN PASSWORD 'guest-password'")
    guest = base.replace(f"runclub:{PASSWORD}", "guest:guest-password") + f"/{name}"
    with pytest.raises(DatabaseUnusable, match=r"user lacks a permission the bot needs") as info:
        await Store.open(guest)  # PostgreSQL 15: only the owner creates in schema public
    assert "DATABASE_URL=postgresql://guest:***@" in str(info.value)
    await rows(postgres_url, f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    with pytest.raises(DatabaseUnusable, match=r"the server is read-only \(a replica\?\)"):
        await Store.open(postgres_url)


async def due_members(store: Store, n: int) -> datetime:
    for uid in range(1, n + 1):
        await store.subscribe(
            user_id=uid, dm_channel_id=None, local_time=time(7, 0), tz="UTC", routine="core", at=T0
        )
    due = (await store.subscription(1)).next_due
    return due


async def test_two_processes_claiming_at_once_take_disjoint_rows_and_all_of_them(postgres_url):
    a, b = await Store.open(postgres_url), await Store.open(postgres_url)
    try:
        due = await due_members(a, 300)

        async def drain(s: Store) -> list[int]:
            got: list[int] = []
            while claims := (await s.claim_due(now=due, grace=GRACE, limit=25)).claims:
                got += [c.subscription_id for c in claims]
            return got

        got_a, got_b = await asyncio.gather(drain(a), drain(b))
        assert not set(got_a) & set(got_b)
        assert sorted(got_a + got_b) == list(range(1, 301))
        # (whether both took some depends on scheduling: on a busy machine one process can
        # drain all 12 batches before the other's first claim; that a held row is skipped,
        # not waited for, is the next test's, deterministically)
        assert len(await a.sends()) == 300
    finally:
        await a.close()
        await b.close()


async def test_a_row_held_by_another_transaction_is_skipped_not_waited_for(postgres_url):
    store = await Store.open(postgres_url)
    try:
        due = await due_members(store, 2)
        con = await asyncpg.connect(postgres_url)
        tx = con.transaction()
        await tx.start()
        await con.execute("SELECT 1 FROM subscriptions WHERE user_id = 1 FOR UPDATE")
        result = await asyncio.wait_for(store.claim_due(now=due, grace=GRACE), 10)
        assert [c.user_id for c in result.claims] == [2]
        await tx.rollback()
        await con.close()
        assert [c.user_id for c in (await store.claim_due(now=due, grace=GRACE)).claims] == [1]
    finally:
        await store.close()


async def test_one_leader_at_a_time_and_a_standby_takes_over(postgres_url, monkeypatch):
    monkeypatch.setattr("bot.store.postgres.leader.LIVENESS_S", 0.0)  # look every time
    a, b = await Store.open(postgres_url), await Store.open(postgres_url)
    try:
        assert await a.lead() is True
        assert await b.lead() is False
        assert await a.lead() is True  # still
        await a.resign()  # a stop hands the lead over
        assert await b.lead() is True and await a.lead() is False
        # the leader's lock connection dies (its process killed, its host gone)
        await rows(
            postgres_url,
            # (with a timeout, it returns once the backend, and its lock, are gone)
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE application_name LIKE 'runclub-bot dispatcher%' AND pid IN"
            " (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)",
        )
        assert await a.lead() is True  # the lock went with the session: a standby takes it
        assert await b.lead() is False  # the old leader notices before its next claim
    finally:
        await a.close()
        await b.close()


async def test_lost_connections_are_replaced_and_a_fault_mid_transaction_is_retryable(
    postgres_url,
):
    store = await Store.open(postgres_url)
    try:
        await store.enable_channel(1, 10)
        kill = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'runclub-bot' AND pid != pg_backend_pid()"
        )
        await rows(postgres_url, kill)
        assert await store.enabled_channels(1) == [10]  # a read on a fresh connection
        await rows(postgres_url, kill)
        assert await store.enable_channel(1, 11)  # a write: BEGIN failed, began again
        with pytest.raises(Unavailable, match=r"^DATABASE_URL=.*\*\*\*.*connection.*trying again"):
            async with store.connection.transaction() as db:
                await db.execute("SELECT 1")
                await rows(postgres_url, kill)
                await db.execute("SELECT 1")
        assert store.fatal is None
        assert await store.enabled_channels(1) == [10, 11]
    finally:
        await store.close()


async def test_a_database_dropped_under_the_bot_is_fatal_once(postgres_cluster):
    name, url = await postgres_cluster.create_database()
    store = await Store.open(url)
    told: list[StoreError] = []
    store.on_fatal = told.append
    try:
        await postgres_cluster.drop_database(name)
        with pytest.raises(DatabaseUnusable, match="the database does not exist"):
            await store.enable_channel(1, 10)
        with pytest.raises(DatabaseUnusable):
            store.check_file()
        assert len(told) == 1 and "DATABASE_URL=postgresql://runclub:***@" in str(told[0])
    finally:
        await store.close()


async def test_two_new_reminders_at_once_still_keep_the_limit(postgres_url):
    """A member with two reminders adds a third and a fourth from two processes at once: the
    member's zone row makes them take turns, so exactly one is refused."""
    a, b = await Store.open(postgres_url), await Store.open(postgres_url)
    try:
        kw = {"user_id": 7, "dm_channel_id": None, "tz": "UTC", "routine": "core", "at": T0}
        for name, hour in (("one", 6), ("two", 7)):
            await a.subscribe(name=name, local_time=time(hour, 0), **kw)
        for _ in range(5):
            got = await asyncio.gather(
                a.subscribe(name="three", local_time=time(8, 0), **kw),
                b.subscribe(name="four", local_time=time(9, 0), **kw),
                return_exceptions=True,
            )
            assert sum(isinstance(g, TooManyReminders) for g in got) == 1, got
            assert len(await a.reminders(7)) == 3 and await a.check_consistency() == []
            await a.unsubscribe(7, "three")
            await a.unsubscribe(7, "four")
    finally:
        await a.close()
        await b.close()
