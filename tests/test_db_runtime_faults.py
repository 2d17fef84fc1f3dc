"""Database faults while the bot runs, through the real bot against the double and a real
SQLite file: a row that cannot be scheduled, a file deleted, replaced or damaged under the
bot, and a full disk.

The full disk is SQLite's own SQLITE_FULL ("database or disk is full"), produced by capping
the bot's connection with PRAGMA max_page_count at the file's current size: a test hook on
the bot's connection, because no small disk can be mounted here.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import timedelta

from bot.app import create_bot
from bot.store import QUARANTINE_NOTICE
from tests.bot_process import finish, spawn
from tests.helpers import (
    DUE,
    at,
    dispatcher,
    dms,
    settle,
    start_bot,
    subscribe,
    text_of,
    until,
    with_settings,
)
from tests.sqlite_faults import damage_page, disk_freed, disk_full, sql

# -- a row that cannot be scheduled ---------------------------------------------------------


async def test_a_subscription_in_an_unknown_zone_is_paused_and_the_others_go_out(
    running_bot, double, clock, settings
):
    third = double.add_user("runner-tess")
    for user in (double.member, double.other_member, third):
        await subscribe(double, user=user)  # all 07:30 in London: one claim batch
    # the machine's time zone data no longer knows one member's zone
    await settle(running_bot)
    await sql(
        settings.database_path,
        "UPDATE subscriptions SET tz = 'Europe/Atlantis' WHERE user_id = ?",
        (double.other_member.id,),
    )
    await at(clock, running_bot, DUE)
    assert len(dms(double, double.member)) == 1 and len(dms(double, third)) == 1
    assert dms(double, double.other_member) == []

    handle = await double.slash("remind", subcommand="list", user=double.other_member)
    status = text_of(await handle.reply())
    assert "Paused" in status and "could not be read" in status
    assert (await handle.followup(0))["content"] == QUARANTINE_NOTICE
    resume = await double.slash("remind", subcommand="resume", user=double.other_member)
    assert "Europe/Atlantis is not known" in text_of(await resume.reply())

    await at(clock, running_bot, DUE + timedelta(days=1))  # the others go on every day
    assert len(dms(double, double.member)) == 2 and len(dms(double, third)) == 2
    assert dispatcher(running_bot).running and dispatcher(running_bot).counts["quarantined"] == 1


# -- the file deleted, replaced or damaged --------------------------------------------------


async def test_a_write_after_the_file_was_deleted_stops_the_bot_not_into_the_void(
    double, settings, clock, error_log
):
    error_log.expect("was deleted while the bot was running")
    bot = create_bot(with_settings(settings, database_check_s=3600), clock=clock)
    task = await start_bot(bot, double)
    os.remove(settings.database_path)
    handle = await double.slash(
        "remind", {"time": "07:30", "routine": "both", "timezone": "UTC"}, subcommand="subscribe"
    )
    shown = text_of(await handle.reply())
    assert "something went wrong" in shown and "subscribed" not in shown
    await asyncio.wait_for(task, 10)  # it stopped by itself
    assert "DATABASE_PATH=" in str(bot.fatal_error) and "deleted" in str(bot.fatal_error)
    assert not settings.database_path.exists()  # nothing written to a fresh file either
    assert len(error_log.records) == 1


async def test_the_watchdog_notices_a_deleted_file_with_nothing_being_written(
    double, settings, clock, error_log
):
    error_log.expect("was deleted while the bot was running")
    bot = create_bot(with_settings(settings, database_check_s=0.01), clock=clock)
    task = await start_bot(bot, double)
    os.remove(settings.database_path)
    await asyncio.wait_for(task, 10)
    assert "deleted" in str(bot.fatal_error) and len(error_log.records) == 1


async def test_python_m_bot_run_exits_1_when_its_file_is_replaced(double, tmp_path):
    db, backup = tmp_path / "bot.sqlite3", tmp_path / "backup.sqlite3"
    proc = await spawn(double, tmp_path, DATABASE_PATH=str(db))
    try:
        await double.wait_until(lambda: double.connected, 20, "the bot to connect")
        src, dst = sqlite3.connect(db), sqlite3.connect(backup)
        src.backup(dst)  # someone restores "a backup" by moving it over the live file
        src.close()
        dst.close()
        os.replace(backup, db)
    finally:
        code, output = await finish(proc)
    lines = [line for line in output.splitlines() if "DATABASE_PATH=" in line]
    assert code == 1, output[-2000:]
    assert len(lines) == 1 and f"DATABASE_PATH={db}:" in lines[0]
    assert "replaced by another file" in lines[0]
    assert "Traceback" not in output


async def test_a_database_damaged_while_running_stops_the_bot_once(
    running_bot, double, clock, settings, error_log
):
    error_log.expect("the database is damaged")
    await subscribe(double)
    await settle(running_bot)
    path = settings.database_path
    # write everything into the main file, then damage the subscriptions table's page in place
    assert (await sql(path, "PRAGMA wal_checkpoint(TRUNCATE)"))[0][0] == 0
    ((root,),) = await sql(path, "SELECT rootpage FROM sqlite_master WHERE name = 'subscriptions'")
    ((page_size,),) = await sql(path, "PRAGMA page_size")
    await asyncio.to_thread(damage_page, path, root, page_size)
    await sql(path, "INSERT INTO guild_channels VALUES (1, 2, 0)")  # the bot's cache is stale
    await clock.set(DUE)
    dispatcher(running_bot).poke()
    await until(lambda: running_bot.is_closed(), "the bot to stop")
    assert "damaged" in str(running_bot.fatal_error)
    assert len(error_log.records) == 1  # one line, no traceback loop
    assert not error_log.records[0].exc_info
    assert dms(double, double.member) == []


# -- a full disk ---------------------------------------------------------------------------


async def test_the_gap_log_keeps_its_batch_through_a_full_disk(running_bot, double):
    faq = running_bot.get_cog("FAQ")
    question = (
        "what shoes should I buy? I have been looking at "
        + "lots of brands and models in the shop and online and cannot decide between them " * 6
    )
    await disk_full(running_bot.store)
    for n in range(12):  # twelve members: one asking twelve times would be slowed down
        asker = double.add_user(f"shoe-shopper-{n}")
        handle = await double.slash("ask", {"question": question}, user=asker)
        assert (await handle.message())["embeds"]  # members are answered all the same
    await until(lambda: faq.question_log_failures >= 1, "the store to refuse the batch")
    gaps = await double.slash("faqadmin", user=double.admin, subcommand="gaps")
    assert "No unanswered" in (await gaps.reply())["embeds"][0]["description"]  # not stored yet

    await disk_freed(running_bot.store)
    gaps = await double.slash("faqadmin", user=double.admin, subcommand="gaps")
    lines = (await gaps.reply())["embeds"][0]["description"].splitlines()
    assert "12×" in lines[0] and "shoes" in lines[0]  # every question of the batch is there
