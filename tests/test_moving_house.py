"""Moving house through the real command line: `python -m bot export` from a SQLite file,
`python -m bot import` into PostgreSQL (refused while it holds data, unless --replace), and
an export from PostgreSQL that holds the same data, row for row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.store import Store
from tests.postgres_cluster import PASSWORD

T0 = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def bot_command(*args: str, **env: str) -> tuple[int, str]:
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_PATH")}
    full.update(env, PYTHONPATH=str(PROJECT_ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


async def a_club(store: Store) -> None:
    """Some of everything: channels, questions (one answered through a learned phrasing),
    feedback in a server and in a DM, a learned phrasing and who asked it, members' zones,
    named reminders (active and paused, one member with two), claimed, skipped and finished
    sends, notices, Done and Skip presses."""
    await store.enable_channel(10, 100)
    await store.enable_channel(10, 101)
    for uid, tz in ((1, "Europe/London"), (2, "America/New_York"), (3, "Asia/Tokyo")):
        await store.log_question(
            guild_id=10, user_id=uid, question=f"can I swim? ({uid}) “quoted”", kind="none",
            entry=None, at=T0,
        )  # fmt: skip
        await store.record_feedback(
            message_id=5, user_id=uid, guild_id=10 if uid != 3 else None, entry="x",
            helpful=uid != 2, at=T0,
        )  # fmt: skip
        await store.subscribe(
            user_id=uid, dm_channel_id=uid * 7 if uid != 3 else None, local_time=time(7, 30),
            tz=tz, routine="both", at=T0,
        )  # fmt: skip
        await store.record_routine(uid, date(2026, 3, 1), "done" if uid != 3 else "skip", at=T0)
    await store.subscribe(
        user_id=1, name="evening core", dm_channel_id=7, local_time=time(19, 0),
        tz="Europe/London", routine="core", at=T0,
    )  # fmt: skip
    gaps = await store.gaps(guild_id=10, since=T0 - timedelta(days=1))
    gap = next(g for g in gaps if g.question == "can i swim 1 quoted")
    await store.teach(guild_id=10, question_id=gap.question_id, entry="treat-rest", at=T0)
    await store.log_question(
        guild_id=10, user_id=2, question="", kind="answer", entry="treat-rest", at=T0,
        learned=True,
    )  # fmt: skip
    await store.pause(3, reason="asked by member", at=T0)
    london = datetime(2026, 3, 2, 7, 31, tzinfo=UTC)  # New York's is long past: skipped
    result = await store.claim_due(now=london, grace=timedelta(hours=2))
    first = result.claims[0]
    await store.finish_send(first.send_id, status="sent", at=london, message_id=9)
    await store.add_notice(2, "your reminders are paused", at=T0)


def tables(path: Path) -> dict:
    body = json.loads(path.read_text())
    assert body["format"] == "runclub-bot export" and body["format_version"] == 2
    assert body["schema_version"] == 4
    return body["tables"]


async def test_export_from_sqlite_import_into_postgres_export_again_same_data(
    tmp_path, postgres_url
):
    db = tmp_path / "bot.sqlite3"
    store = await Store.open(db)
    await a_club(store)
    await store.close()

    code, out = bot_command("export", str(tmp_path / "club.json"), DATABASE_PATH=str(db))
    assert code == 0, out
    assert (
        "Exported 2 guild_channels, 4 questions, 3 feedback, 1 learned_phrasings,"
        " 1 learned_askers, 3 member_zones, 4 subscriptions, 3 sends" in out
    )
    exported = tables(tmp_path / "club.json")
    assert len(exported["sends"]["rows"]) == 3 and len(exported["routine_log"]["rows"]) == 3
    # the columns of schema versions 3 and 4 travel too
    assert [r[2] for r in exported["feedback"]["rows"]] == [10, 10, None]  # guild_id
    assert [r[-1] for r in exported["questions"]["rows"]] == [False, False, False, True]
    assert [r[2] for r in exported["subscriptions"]["rows"]] == [
        "daily",
        "daily",
        "daily",
        "evening core",
    ]

    code, out = bot_command("import", str(tmp_path / "club.json"), DATABASE_URL=postgres_url)
    assert code == 0, out
    assert "into DATABASE_URL=postgresql://runclub:***@127.0.0.1:" in out
    assert PASSWORD not in out

    code, out = bot_command("export", str(tmp_path / "again.json"), DATABASE_URL=postgres_url)
    assert code == 0, out
    assert json.loads((tmp_path / "again.json").read_text())["backend"] == "postgres"
    assert tables(tmp_path / "again.json") == exported

    # the data is alive in PostgreSQL, not only stored: ids go on after the imported ones
    pg = await Store.open(postgres_url)
    try:
        assert await pg.enabled_channels(10) == [100, 101]
        sub, new = await pg.subscribe(
            user_id=4, dm_channel_id=None, local_time=time(6, 0), tz="UTC", routine="core", at=T0
        )
        assert new and sub.id == 5
        assert (await pg.subscription(3)).pause_reason == "asked by member"
        assert [s.name for s in await pg.reminders(1)] == ["daily", "evening core"]
        assert await pg.zone(2) == "America/New_York"
        (learned,) = await pg.learned_phrasings(10)
        assert (learned.entry, learned.phrasing) == ("treat-rest", "can i swim 1 quoted")
        stats = await pg.stats(guild_id=10, since=T0 - timedelta(days=1))
        assert (stats.helpful, stats.not_helpful, stats.answered_learned) == (1, 1, 1)
        assert await pg.pop_notices(2) == ["your reminders are paused"]
        assert await pg.streak(1, date(2026, 3, 1)) == (1, 1)
        assert await pg.check_consistency() == []
    finally:
        await pg.close()


async def test_import_into_a_database_holding_data_is_refused_unless_replace(
    tmp_path, postgres_url
):
    db = tmp_path / "bot.sqlite3"
    store = await Store.open(db)
    await a_club(store)
    await store.close()
    assert bot_command("export", str(tmp_path / "club.json"), DATABASE_PATH=str(db))[0] == 0

    pg = await Store.open(postgres_url)
    await pg.enable_channel(99, 999)
    await pg.close()
    code, out = bot_command("import", str(tmp_path / "club.json"), DATABASE_URL=postgres_url)
    assert code == 1
    assert "the database already holds data (1 guild_channels). Import with --replace" in out
    assert len(out.strip().splitlines()) == 1 and PASSWORD not in out

    code, out = bot_command(
        "import", str(tmp_path / "club.json"), "--replace", DATABASE_URL=postgres_url
    )
    assert code == 0, out
    pg = await Store.open(postgres_url)
    try:
        assert await pg.enabled_channels(99) == [] and await pg.enabled_channels(10) == [100, 101]
    finally:
        await pg.close()


async def test_an_export_of_another_schema_version_or_not_an_export_is_refused(tmp_path):
    db = tmp_path / "bot.sqlite3"
    await (await Store.open(db)).close()
    assert bot_command("export", str(tmp_path / "x.json"), DATABASE_PATH=str(db))[0] == 0
    body = json.loads((tmp_path / "x.json").read_text())
    body["schema_version"] = 5
    (tmp_path / "newer.json").write_text(json.dumps(body))
    (tmp_path / "notes.json").write_text('{"hello": 1}')
    fresh = str(tmp_path / "fresh.sqlite3")
    code, out = bot_command("import", str(tmp_path / "newer.json"), DATABASE_PATH=fresh)
    assert code == 1 and "written at schema version 5; this release's database is at 4" in out
    code, out = bot_command("import", str(tmp_path / "notes.json"), DATABASE_PATH=fresh)
    assert code == 1 and "not an export of this bot" in out
    code, out = bot_command("import", str(tmp_path / "missing.json"), DATABASE_PATH=fresh)
    assert code == 1 and "cannot read the export" in out
