"""SHARD_COUNT and SHARD_IDS: the bot runs discord.py's AutoShardedBot for the shards this
process owns, each with its own IDENTIFY and READY, and answers in the guilds of each shard."""

from __future__ import annotations

import asyncio
import signal

import discord
import pytest

from bot.app import RunClubBot, ShardedRunClubBot, create_bot
from bot.config import ConfigError, Settings
from tests.bot_process import finish, spawn
from tests.double import TOKEN, DiscordDouble, Guild, User
from tests.helpers import stop_bot, until, with_settings

QUESTION = "why does my upper back hurt after running?"


async def guilds_on_both_shards(double: DiscordDouble) -> tuple[Guild, Guild]:
    """The double's guild and another, one on shard 0 and one on shard 1 of 2."""
    double.shard_count = 2  # only to place the guilds; the bot's IDENTIFY sets it again
    by_shard = {double.shard_of(double.guild.id): double.guild}
    for n in range(8):  # ids rise by one at a time: the next guild or the one after will do
        extra = await double.add_guild(f"Hill Harriers {n}")
        by_shard.setdefault(double.shard_of(extra.id), extra)
        if len(by_shard) == 2:
            return by_shard[0], by_shard[1]
    raise AssertionError("no guild fell on the other shard")


async def start(bot: RunClubBot, double: DiscordDouble, guilds: list[Guild]) -> asyncio.Task:
    """Start the bot; return once every shard is ready with these guilds (as start_bot)."""
    task = asyncio.create_task(bot.start(TOKEN), name="bot")

    def ready() -> bool:
        return bot.is_ready() and all(bot.get_guild(g.id) for g in guilds)

    await until(lambda: task.done() or ready(), "the shards to be ready")
    if task.done():
        task.result()  # raises what stopped the bot
        raise RuntimeError("the bot stopped before it was ready")
    return task


async def no_identify_pause(shard_id: int | None, *, initial: bool = False) -> None:
    """discord.py waits 5 s before each IDENTIFY after the first (Discord allows one every 5 s
    for most bots); the double has no such limit, so the in-process test skips the wait."""


async def answered(double: DiscordDouble, guild: Guild, member: User) -> dict:
    channel = guild.channels["general"]
    msg = await double.send_message(channel, member, f"<@{double.bot.id}> {QUESTION}")
    return await double.wait_for_reply(msg, timeout=5)


def test_without_shard_settings_the_bot_is_not_sharded(settings) -> None:
    bot = create_bot(settings)
    assert type(bot) is RunClubBot
    assert not isinstance(bot, discord.AutoShardedClient)


async def test_every_shard_identifies_gets_its_ready_and_answers_its_guilds(
    double, settings, clock
):
    first, second = await guilds_on_both_shards(double)
    bot = create_bot(with_settings(settings, shard_count=2), clock=clock)
    assert isinstance(bot, ShardedRunClubBot) and isinstance(bot, discord.AutoShardedClient)
    bot.before_identify_hook = no_identify_pause  # type: ignore[method-assign]
    task = await start(bot, double, [first, second])
    try:
        assert sorted(tuple(f.data["shard"]) for f in double.frames(2)) == [(0, 2), (1, 2)]
        assert sorted(bot.shards) == [0, 1]
        assert bot.get_guild(first.id).shard_id == 0
        assert bot.get_guild(second.id).shard_id == 1
        # each guild's messages arrive on its own shard (two members: a member's cooldown)
        for guild, member in ((first, double.member), (second, double.other_member)):
            reply = await answered(double, guild, member)
            assert "upper back" in reply["embeds"][0]["title"].lower()
    finally:
        await stop_bot(bot, task)


async def test_a_process_runs_only_the_shards_in_shard_ids(double, settings, clock):
    first, second = await guilds_on_both_shards(double)
    bot = create_bot(with_settings(settings, shard_count=2, shard_ids=(1,)), clock=clock)
    task = await start(bot, double, [second])
    try:
        assert [f.data["shard"] for f in double.frames(2)] == [[1, 2]]
        assert list(bot.shards) == [1]
        assert bot.get_guild(first.id) is None  # shard 0's guild belongs to another process
        reply = await answered(double, second, double.member)
        assert reply["embeds"][0]["title"]
    finally:
        await stop_bot(bot, task)


async def test_the_settings_reach_discord_through_the_command_line(double, tmp_path):
    # SHARD_COUNT and SHARD_IDS from the environment, as a host sets them, to IDENTIFY
    proc = await spawn(
        double,
        tmp_path,
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        SHARD_COUNT="3",
        SHARD_IDS="2",  # one shard: discord.py pauses 5 s before a second IDENTIFY
    )
    try:
        await double.wait_until(lambda: double.frames(2), 30, "an IDENTIFY")
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        code, output = await finish(proc)
    assert code == 0, output
    assert [f.data["shard"] for f in double.frames(2)] == [[2, 3]]


@pytest.mark.parametrize(
    ("env", "count", "ids"),
    [
        ({}, None, None),
        ({"SHARD_COUNT": "4"}, 4, None),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "2, 3"}, 4, (2, 3)),
        ({"SHARD_COUNT": "16", "SHARD_IDS": "0-3,8"}, 16, (0, 1, 2, 3, 8)),
    ],
)
def test_shard_settings_are_read(env, count, ids) -> None:
    settings = Settings.from_env(env)
    assert (settings.shard_count, settings.shard_ids) == (count, ids)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be a whole number, 1 or more"),
        ({"SHARD_COUNT": "two"}, "SHARD_COUNT must be a whole number"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "from 0 to 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0,0"}, "different shards"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "first"}, "shard numbers like 0,1 or 0-3"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0,3-1"}, "shard numbers like 0,1 or 0-3"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0,"}, "shard numbers like 0,1 or 0-3"),
    ],
)
def test_bad_shard_settings_say_what_is_accepted(env, message) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
