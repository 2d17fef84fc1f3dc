"""bot.app: what the bot asks Discord for, how it mentions, and how a failing command ends."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands

from bot.app import UNKNOWN_COMMAND_TEXT
from tests.double.interactions import CHANNEL_MESSAGE, EPHEMERAL
from tests.helpers import handlers_finished, start_bot, stop_bot

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15


async def test_the_bot_asks_only_for_the_intents_it_needs(running_bot, double):
    intents = double.identify["intents"]
    wanted = INTENT_GUILDS | INTENT_GUILD_MESSAGES | INTENT_DIRECT_MESSAGES
    assert intents == wanted | INTENT_MESSAGE_CONTENT
    assert not intents & (INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES)


async def test_messages_allow_no_mentions_by_default(running_bot):
    assert running_bot.allowed_mentions.to_dict() == {"parse": [], "replied_user": True}


async def test_the_cogs_are_loaded_and_the_store_is_open(running_bot):
    assert set(running_bot.extensions) == {"bot.cogs.faq", "bot.cogs.admin", "bot.cogs.reminders"}
    assert running_bot.knowledge.entries
    assert await running_bot.store.schema_version() >= 1


async def test_close_closes_the_store(double, settings, clock):
    from bot.app import create_bot

    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    await stop_bot(bot, task)
    wal = settings.database_path.with_name(settings.database_path.name + "-wal")
    assert settings.database_path.is_file() and not wal.exists()
    assert not double.connected


async def test_close_waits_for_handlers_that_running_handlers_start(double, settings, clock):
    # A command that ends as the bot closes dispatches on_app_command_completion, which reads
    # the store, as a new task: the store must stay open until that one has finished too.
    from bot.app import create_bot

    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    store_open_for_the_listener: list[bool] = []
    started: list[asyncio.Task[None]] = []

    async def listener() -> None:
        await asyncio.sleep(0.2)
        store_open_for_the_listener.append(getattr(bot, "store", None) is not None)

    async def command() -> None:
        await asyncio.sleep(0.05)
        name = "discord.py: on_app_command_completion"
        started.append(asyncio.create_task(listener(), name=name))

    invoker = asyncio.create_task(command(), name="CommandTree-invoker")
    await stop_bot(bot, task)
    assert invoker.done() and store_open_for_the_listener == [True]


async def test_closing_twice_at_once_closes_once(double, settings, clock):
    # the bot stopping itself on a database fault while the runner (or a test) stops it
    from bot.app import create_bot

    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    await asyncio.gather(bot.close(), bot.close())
    await stop_bot(bot, task)
    assert not hasattr(bot, "store") and not double.connected


async def test_a_command_discord_knows_and_the_bot_does_not_gets_a_short_answer(
    running_bot, double, caplog
):
    # commands not synced since an upgrade, or the bot putting its commands away as it stops
    handle = await double.slash("remind", subcommand="status")  # renamed to /remind list
    body = await handle.response()
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == UNKNOWN_COMMAND_TEXT
    (line,) = [r for r in caplog.records if "is not a command" in r.getMessage()]
    assert line.levelname == "WARNING" and line.exc_info is None


async def test_a_database_fault_in_an_event_listener_is_one_line(running_bot, caplog):
    from bot.store.faults import DatabaseUnusable

    done = asyncio.Event()

    async def on_probe() -> None:
        done.set()
        raise DatabaseUnusable("postgresql://bot@db.example/club", "the database does not exist")

    running_bot.add_listener(on_probe)
    running_bot.dispatch("probe")
    await done.wait()
    await handlers_finished()
    (line,) = [r for r in caplog.records if "on_probe failed" in r.getMessage()]
    assert line.levelname == "WARNING" and line.exc_info is None
    assert "does not exist" in line.getMessage()


async def test_a_failing_command_gives_a_short_ephemeral_error_and_logs_it(
    running_bot, double, error_log
):
    @app_commands.command(name="boom", description="always fails")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom in a test command")

    running_bot.tree.add_command(boom)
    error_log.expect("kaboom in a test command")

    handle = await double.slash("boom")
    body = await handle.response()
    assert body["type"] == CHANNEL_MESSAGE
    assert body["data"]["flags"] & EPHEMERAL
    assert "something went wrong" in body["data"]["content"].lower()
    assert "kaboom" not in body["data"]["content"]  # no internals shown to the member
    logged = [r for r in error_log.records if r.name == "bot.ui.respond"]
    assert logged and logged[0].exc_info is not None


async def test_a_failure_after_deferring_is_reported_by_followup(running_bot, double, error_log):
    @app_commands.command(name="slowboom", description="defers, then fails")
    async def slowboom(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        raise RuntimeError("kaboom after defer")

    running_bot.tree.add_command(slowboom)
    error_log.expect("kaboom after defer")

    handle = await double.slash("slowboom")
    message = await handle.message()
    assert "something went wrong" in message["content"].lower()
    assert message["flags"] & EPHEMERAL


async def test_an_admin_command_is_refused_to_a_member_without_manage_server(running_bot, double):
    handle = await double.slash("config", group="channels", subcommand="list", user=double.member)
    body = await handle.response()
    assert body["data"]["flags"] & EPHEMERAL
    assert "Manage Server" in body["data"]["content"]


async def test_an_admin_passes_a_channel_option(running_bot, double):
    race_day = double.channel("race-day")
    handle = await double.slash(
        "config", {"channel": race_day}, group="channels", subcommand="add", user=double.admin
    )
    body = await handle.response()
    assert body["data"]["flags"] & EPHEMERAL
    assert await running_bot.store.is_enabled(double.guild.id, race_day.id)


async def test_an_admin_command_in_a_dm_says_it_only_works_in_a_server(running_bot, double):
    handle = await double.slash(
        "config", group="channels", subcommand="list", user=double.admin, channel="dm"
    )
    body = await handle.response()
    assert body["data"]["flags"] & EPHEMERAL
    assert "only works in a server" in body["data"]["content"]
