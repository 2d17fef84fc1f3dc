"""`python -m bot run` refuses a database it cannot use: one line naming DATABASE_PATH (the
absolute path) and what is wrong, exit code 1, no traceback, and nothing sent to Discord.

Every fault is real: chmod (with root's power to ignore file modes dropped, when the tests
run as root), random bytes, a truncated file, a damaged page, a newer user_version, a folder.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.store import MIGRATIONS, Store
from tests.bot_process import can_drop_privileges, finish, spawn


def filled_database(path: Path) -> None:
    """A real bot database with enough rows to span many pages."""
    con = sqlite3.connect(path)
    con.executescript(";".join(MIGRATIONS))
    with con:
        con.executemany(
            "INSERT INTO questions (guild_id, user_id, question, normalised, kind, entry, at)"
            " VALUES (1, ?, ?, ?, 'none', NULL, 0)",
            [(i, f"question {i} " * 20, f"question {i}") for i in range(400)],
        )
        con.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    con.close()


def read_only_folder_new_file(tmp: Path) -> Path:
    folder = tmp / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    return folder / "bot.sqlite3"


def read_only_folder_existing_file(tmp: Path) -> Path:
    folder = tmp / "ro"
    folder.mkdir()
    filled_database(folder / "bot.sqlite3")
    folder.chmod(0o555)
    return folder / "bot.sqlite3"


def read_only_file(tmp: Path) -> Path:
    path = tmp / "bot.sqlite3"
    filled_database(path)
    path.chmod(0o444)
    return path


def folder_cannot_be_created(tmp: Path) -> Path:
    parent = tmp / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    return parent / "data" / "bot.sqlite3"


def random_bytes(tmp: Path) -> Path:
    path = tmp / "bot.sqlite3"
    path.write_bytes(os.urandom(16384))
    return path


def text_file(tmp: Path) -> Path:
    path = tmp / "bot.sqlite3"
    path.write_text("DISCORD_TOKEN=...\nthis is somebody's notes, not a database\n")
    return path


def truncated(tmp: Path) -> Path:
    path = tmp / "bot.sqlite3"
    filled_database(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def damaged_page(tmp: Path) -> Path:
    path = tmp / "bot.sqlite3"
    filled_database(path)
    data = bytearray(path.read_bytes())
    page = 4096 * (len(data) // 4096 // 2)
    data[page : page + 4096] = os.urandom(4096)
    path.write_bytes(bytes(data))
    return path


def newer_schema(tmp: Path) -> Path:
    path = tmp / "bot.sqlite3"
    filled_database(path)
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    con.commit()
    con.close()
    return path


def a_folder(tmp: Path) -> Path:
    path = tmp / "bot.sqlite3"
    path.mkdir()
    return path


FAULTS: list[tuple[Callable[[Path], Path], bool, str]] = [
    # (make the fault, needs file modes to bind, what the line must say)
    (read_only_folder_new_file, True, "Make the folder writable"),
    (read_only_folder_existing_file, True, "is read-only; SQLite needs to write"),
    (read_only_file, True, "the database file is read-only"),
    (folder_cannot_be_created, True, "cannot create the folder"),
    (random_bytes, False, "not a SQLite database"),
    (text_file, False, "not a SQLite database"),
    (truncated, False, "damaged"),
    (damaged_page, False, "damaged"),
    (newer_schema, False, f"schema version {len(MIGRATIONS) + 5}, but this version of the bot"),
    (a_folder, False, "it is a folder"),
]


@pytest.mark.parametrize(
    ("make", "needs_modes", "says"), FAULTS, ids=[f[0].__name__ for f in FAULTS]
)
async def test_run_refuses_an_unusable_database_in_one_line(
    double, tmp_path, make, needs_modes, says
):
    if needs_modes and not can_drop_privileges():
        pytest.skip("running as root without setpriv: file modes cannot bind the bot")
    work = tmp_path / "work"
    work.mkdir()
    db = make(work)
    try:
        proc = await spawn(double, tmp_path, unprivileged=needs_modes, DATABASE_PATH=str(db))
        code, output = await finish(proc)
    finally:
        for p in (work / "ro", work / "ro" / "data"):
            if p.exists():
                p.chmod(stat.S_IRWXU)  # let pytest clean up
    lines = [line for line in output.splitlines() if "DATABASE_PATH=" in line]
    assert code == 1, output[-2000:]
    assert len(lines) == 1, output[-2000:]
    assert f"DATABASE_PATH={db}:" in lines[0] and db.is_absolute()
    assert says in lines[0], lines[0]
    assert "Traceback" not in output
    assert not double.requests and not double.frames(2)  # refused before talking to Discord


async def test_a_newer_database_is_left_as_it_was(double, tmp_path):
    db = newer_schema(tmp_path)
    code, _ = await finish(await spawn(double, tmp_path, DATABASE_PATH=str(db)))
    assert code == 1
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 5
        assert con.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 400
    finally:
        con.close()


async def test_a_good_database_of_the_previous_release_is_migrated(tmp_path):
    # what the refusals must not catch: a release-1 file with a reminder claimed but never
    # confirmed (posted without a nonce) opens, migrates, and keeps its rows
    path = tmp_path / "bot.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0])
    with con:
        con.execute(
            "INSERT INTO subscriptions VALUES (1, 5, 50, '07:30', 'UTC', 'both', 'active',"
            " NULL, 0, 0, 100, '2026-03-02')"
        )
        con.execute(
            "INSERT INTO sends (subscription_id, user_id, local_date, due_utc, status,"
            " claim_token, at) VALUES (1, 5, '2026-03-01', 50, 'claimed', 'x', 60)"
        )
        con.execute("PRAGMA user_version = 1")
    con.close()
    store = await Store.open(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
        (rec,) = await store.sends(5)
        assert rec["status"] == "claimed" and rec["first_attempt"].timestamp() == 0
        assert await store.check_consistency() == []
    finally:
        await store.close()
