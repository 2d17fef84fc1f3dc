"""Migrations: numbered .sql files applied whole, each in one transaction with its version."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.store import MIGRATIONS, Store
from bot.store.faults import DatabaseUnusable
from bot.store.migrations import MigrationFilesError, load, load_folder
from bot.store.sqlite.migrate import statements

TRIGGER_MIGRATION = """
-- a history of channel changes, kept by a trigger; a ';' also sits in a string and a comment
CREATE TABLE channel_history (guild_id INTEGER, channel_id INTEGER, what TEXT);
CREATE TRIGGER channel_added AFTER INSERT ON guild_channels
BEGIN
    INSERT INTO channel_history VALUES (NEW.guild_id, NEW.channel_id, 'added; by an admin');
    UPDATE channel_history SET what = what || '.' WHERE channel_id = NEW.channel_id;
END;
/* done; nothing after this */
"""


def schema(path: Path) -> list[tuple[str, str, str]]:
    """Every table, index and trigger with its SQL, whitespace folded."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        return [(t, n, " ".join((sql or "").split())) for t, n, sql in rows]
    finally:
        con.close()


def test_the_sqlite_files_ship_in_the_package_numbered_from_one():
    assert load("sqlite") == MIGRATIONS
    assert len(MIGRATIONS) == 4
    assert "CREATE TABLE guild_channels" in MIGRATIONS[0]
    assert "first_attempt_utc" in MIGRATIONS[1]
    assert "CREATE TABLE learned_phrasings" in MIGRATIONS[2]
    assert "CREATE TABLE member_zones" in MIGRATIONS[3]


def test_the_old_splitter_cut_a_trigger_apart_and_this_one_keeps_it_whole():
    pieces = [p for p in TRIGGER_MIGRATION.split(";") if p.strip()]
    assert not all(sqlite3.complete_statement(p + ";") for p in pieces)
    whole = list(statements(TRIGGER_MIGRATION))
    assert [re.sub(r"--[^\n]*", "", s).split()[:2] for s in whole[:2]] == [
        ["CREATE", "TABLE"],
        ["CREATE", "TRIGGER"],
    ]
    assert "END;" in whole[1] and all(sqlite3.complete_statement(s) for s in whole[:2])


async def test_a_migration_file_with_a_trigger_applies(tmp_path, monkeypatch):
    folder = tmp_path / "sqlite"
    folder.mkdir()
    for n, script in enumerate(MIGRATIONS, start=1):
        (folder / f"{n:04d}_release.sql").write_text(script)
    after = len(MIGRATIONS) + 1
    (folder / f"{after:04d}_channel_history.sql").write_text(TRIGGER_MIGRATION)
    monkeypatch.setattr("bot.store.migrations.SQLITE", load_folder(folder))
    store = await Store.open(tmp_path / "bot.sqlite3")
    try:
        assert await store.schema_version() == after
        await store.enable_channel(1, 10)
        async with store.connection.lock:
            rows = await store.connection.db.execute_fetchall("SELECT * FROM channel_history")
        assert list(rows) == [(1, 10, "added; by an admin.")]
    finally:
        await store.close()


async def test_a_file_of_the_first_release_migrates_to_the_schema_of_a_new_file(tmp_path):
    old = tmp_path / "old.sqlite3"
    con = sqlite3.connect(old)
    con.executescript(MIGRATIONS[0])
    con.execute("PRAGMA user_version = 1")
    con.close()
    for path in (old, tmp_path / "new.sqlite3"):
        await (await Store.open(path)).close()
    assert schema(old) == schema(tmp_path / "new.sqlite3")


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        (["0001_a.sql", "0003_c.sql"], "not numbered 1, 2, 3"),
        (["0001_a.sql", "0001_b.sql"], "two files for version 1"),
        (["1_a.sql"], "name it NNNN_words.sql"),
    ],
)
def test_a_badly_numbered_folder_is_refused(tmp_path, names, problem):
    for name in names:
        (tmp_path / name).write_text("SELECT 1;")
    with pytest.raises(MigrationFilesError, match=problem):
        load_folder(tmp_path)


async def test_migrations_run_once_and_keep_data(tmp_path):
    path = tmp_path / "bot.sqlite3"
    s = await Store.open(path)
    await s.enable_channel(1, 2)
    await s.close()
    s = await Store.open(path)  # a second open must not re-run migration 1 (tables exist)
    try:
        assert await s.enabled_channels(1) == [2]
        assert await s.schema_version() == len(MIGRATIONS)
    finally:
        await s.close()


async def test_a_failing_migration_rolls_back_and_leaves_the_version(tmp_path, monkeypatch):
    path = tmp_path / "bot.sqlite3"
    s = await Store.open(path)
    await s.close()
    failing = "CREATE TABLE extra (x INTEGER); SELECT nope()"
    monkeypatch.setattr("bot.store.migrations.SQLITE", (*MIGRATIONS, failing))
    with pytest.raises(DatabaseUnusable, match=r"DATABASE_PATH=.*no such function: nope"):
        await Store.open(path)
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in names
    finally:
        con.close()


def a_version_2_file(path: Path) -> sqlite3.Connection:
    """A file as the second release left it (schema version 2), still open to fill."""
    con = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        con.executescript(script)
    con.execute("PRAGMA user_version = 2")
    return con


async def test_a_second_release_file_keeps_its_questions_and_ratings_with_their_server(tmp_path):
    path = tmp_path / "v2.sqlite3"
    con = a_version_2_file(path)
    con.execute(
        "INSERT INTO questions (guild_id, user_id, question, normalised, kind, entry, at)"
        " VALUES (7, 1, 'Swim?', 'swim', 'none', NULL, 1772366400)"
    )
    con.execute("INSERT INTO feedback VALUES (5, 1, 'causes', 1, 1772366400)")
    con.commit()
    con.close()
    store = await Store.open(path)
    try:
        since = datetime(2026, 2, 1, tzinfo=UTC)
        assert [g.question for g in await store.gaps(guild_id=7, since=since)] == ["swim"]
        stats = await store.stats(guild_id=7, since=since)
        # a rating stored before ratings knew their server counts in no server's stats
        assert (stats.questions, stats.helpful, stats.answered_learned) == (1, 0, 0)
    finally:
        await store.close()


async def test_a_version_2_file_keeps_every_subscription_as_a_named_reminder(tmp_path):
    """Migrations 3 then 4: one reminder per member, named after its routine, with the same
    id (so its sends and their nonces stay), and the member's zone stored once."""
    path = tmp_path / "v2.sqlite3"
    con = a_version_2_file(path)
    subs = [
        (11, 1, "07:30", "Europe/London", "both", "active", None),
        (12, 2, "19:00", "America/New_York", "core", "paused", "Paused by you."),
        (13, 3, "06:15", "Asia/Kolkata", "stretches", "active", None),
    ]
    for sid, uid, lt, tz, routine, status, reason in subs:
        con.execute(
            "INSERT INTO subscriptions VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, 1.0, 2.0, 3.0, '2026-03-02')",
            (sid, uid, uid * 10, lt, tz, routine, status, reason),
        )
    con.execute(
        "INSERT INTO sends (subscription_id, user_id, local_date, due_utc, status, claim_token,"
        " at, first_attempt_utc) VALUES (11, 1, '2026-03-01', 1.0, 'claimed', 't', 1.0, 1.0)"
    )
    con.execute(
        "INSERT INTO sends (subscription_id, user_id, local_date, due_utc, status, message_id,"
        " at) VALUES (12, 2, '2026-03-01', 1.0, 'sent', 99, 1.0)"
    )
    con.commit()
    con.close()

    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
        got = {s.id: (s.user_id, s.name, s.tz, s.routine, s.status) for uid in (1, 2, 3)
               for s in await store.reminders(uid)}  # fmt: skip
        assert got == {
            11: (1, "daily", "Europe/London", "both", "active"),
            12: (2, "core", "America/New_York", "core", "paused"),
            13: (3, "stretches", "Asia/Kolkata", "stretches", "active"),
        }
        assert (await store.subscription(2)).pause_reason == "Paused by you."
        assert [await store.zone(uid) for uid in (1, 2, 3)] == [
            "Europe/London",
            "America/New_York",
            "Asia/Kolkata",
        ]
        sends = await store.sends()
        assert [(s["subscription_id"], s["status"], s["message_id"]) for s in sends] == [
            (11, "claimed", None),
            (12, "sent", 99),
        ]
        assert await store.check_consistency() == []
        # the foreign key still holds, and still cascades
        assert await store.unsubscribe(2) == 1
        assert [s["subscription_id"] for s in await store.sends()] == [11]
        # a member's second reminder is new, the first keeps its name
        await store.subscribe(
            user_id=1,
            name="core",
            dm_channel_id=None,
            local_time=time(19, 0),
            tz="Europe/London",
            routine="core",
            at=datetime(2026, 3, 2, tzinfo=UTC),
        )
        assert [s.name for s in await store.reminders(1)] == ["daily", "core"]
    finally:
        await store.close()
    assert schema(path) == schema_of_a_new_file(tmp_path)


def schema_of_a_new_file(tmp_path: Path) -> list[tuple[str, str, str]]:
    fresh = tmp_path / "fresh.sqlite3"
    con = sqlite3.connect(fresh)
    for script in MIGRATIONS:
        con.executescript(script)
    con.close()
    return schema(fresh)
