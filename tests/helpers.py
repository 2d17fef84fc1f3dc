"""What the end-to-end tests do and read, in one place: start and stop the bot, act as a
member (mention, slash commands, the reminder form), read what the bot sent, and assert that
it stayed silent.

Fixtures stay in conftest.py; these are plain functions a test calls.
"""

# Helpers take a timeout: a test waiting for the bot fails with a message, never hangs.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.app import RunClubBot, handlers_settled
from bot.config import Settings
from bot.core.clock import FakeClock
from bot.reminders.dispatcher import Dispatcher
from tests.double import TOKEN, DiscordDouble, InteractionHandle, Request, User
from tests.double.interactions import EPHEMERAL

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, noon UTC: the clock fixture's start
DUE = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)  # a 07:30 London reminder's first due instant
ICE_HEAT = "should I use ice or heat on my sore upper back?"
WHY = "why does my upper back hurt after running?"


# -- the bot ------------------------------------------------------------------------------


async def start_bot(bot: RunClubBot, double: DiscordDouble, timeout: float = 10.0) -> asyncio.Task:
    """Start ``bot`` against the double and return once it is ready with the guild cached."""
    task = asyncio.create_task(bot.start(TOKEN), name="bot")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (bot.is_ready() and all(bot.get_guild(g) for g in double.guilds)):
        if task.done():
            task.result()  # raises what stopped the bot
            raise RuntimeError("the bot stopped before it was ready")
        if loop.time() > deadline:
            task.cancel()
            raise TimeoutError("the bot did not get ready")
        await asyncio.sleep(0.002)
    return task


async def stop_bot(bot: RunClubBot, task: asyncio.Task, timeout: float = 15.0) -> None:
    """Close the bot; a close that hangs fails the test with the stack of every task left."""
    closing = asyncio.ensure_future(bot.close())
    done, _ = await asyncio.wait({closing}, timeout=timeout)
    if not done:
        stacks = io.StringIO()
        for t in asyncio.all_tasks():
            t.print_stack(file=stacks)
        raise AssertionError(f"the bot did not close in {timeout:.0f} s:\n{stacks.getvalue()}")
    closing.result()
    await asyncio.wait_for(task, 5)


def with_settings(settings: Settings, **changes: object) -> Settings:
    """A copy of settings with some fields changed (Settings is frozen)."""
    return dataclasses.replace(settings, **changes)


async def until(
    cond: Callable[[], object], what: str = "a condition", timeout: float = 10.0
) -> None:
    """Wait until ``cond()`` is true (polled: for state outside the double, like counts)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.005)


# -- what a member does -------------------------------------------------------------------


async def ask_by_mention(
    double: DiscordDouble, question: str = WHY, channel: str = "general", user: User | None = None
) -> dict[str, Any]:
    """A member mentions the bot with a question; returns the member's message."""
    return await double.send_message(
        channel, user or double.member, f"<@{double.bot.id}> {question}"
    )


async def slash_ask(
    double: DiscordDouble, question: str, user: User | None = None
) -> dict[str, Any]:
    """/ask; returns the message the member sees."""
    handle = await double.slash("ask", {"question": question}, user=user)
    return await handle.message()


async def enable_channel(
    bot: RunClubBot, double: DiscordDouble, name: str = "running-questions"
) -> int:
    """An admin enables a channel with /config channels add; returns its id."""
    channel = double.channel(name)
    added = await double.slash(
        "config", {"channel": channel}, user=double.admin, group="channels", subcommand="add"
    )
    await added.response()
    assert channel.id in await bot.store.enabled_channels(double.guild.id)
    return channel.id


async def subscribe(
    double: DiscordDouble,
    user: User | None = None,
    time: str = "07:30",
    routine: str = "both",
    tz: str | None = "Europe/London",
    name: str | None = None,
) -> tuple[InteractionHandle, dict[str, Any]]:
    """/remind subscribe (``tz=None``: without a zone; ``name``: the reminder's); returns the
    interaction and the message the member sees."""
    options = {"time": time, "routine": routine}
    if tz is not None:
        options["timezone"] = tz
    if name is not None:
        options["name"] = name
    handle = await double.slash("remind", options, subcommand="subscribe", user=user)
    return handle, await handle.reply()


async def submit_form(
    double: DiscordDouble,
    opened: InteractionHandle,
    form: dict[str, Any],
    values: dict[str, str],
    user: User | None = None,
) -> InteractionHandle:
    """The member fills in the form the bot opened and presses Submit (interaction type 5)."""
    rows = [
        {
            "type": 1,
            "components": [
                {"type": 4, "custom_id": c["custom_id"], "value": values[c["custom_id"]]}
            ],
        }
        for row in form["components"]
        for c in row["components"]
    ]
    channel = double.channels[int(opened.payload["channel_id"])]
    data = {"custom_id": form["custom_id"], "components": rows}
    return await double._interact(double._interaction_base(5, user or double.member, channel, data))


# -- what the bot sent ----------------------------------------------------------------------


def components(msg: dict[str, Any]) -> list[dict[str, Any]]:
    """A message's buttons and selects, in order, out of their action rows."""
    found: list[dict[str, Any]] = []
    stack = list(msg.get("components") or [])
    while stack:
        comp = stack.pop(0)
        if "custom_id" in comp:
            found.append(comp)
        stack[:0] = comp.get("components") or []
    return found


def custom_ids(msg: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for c in components(msg)]


def text_of(msg: dict[str, Any]) -> str:
    """Everything a message says: its content, and its embeds' titles, descriptions, fields."""
    parts = [msg.get("content") or ""]
    for e in msg.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in e.get("fields") or []]
    return "\n".join(parts)


def next_button(msg: dict[str, Any]) -> dict[str, Any] | None:
    """A paged message's Next button, if it has one."""
    return next((c for c in components(msg) if c["custom_id"].startswith("pg:")
                 and c["custom_id"].endswith(":n")), None)  # fmt: skip


async def all_pages(
    double: DiscordDouble, msg: dict[str, Any], user: User | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """Every page of a paged message, as a member sees them: its embed now, then after each
    press of Next until Next is disabled (a message without pages is its one page)."""
    pages = [msg["embeds"][0]]
    while (button := next_button(msg)) is not None and not button.get("disabled"):
        turned = await double.click(msg, button["custom_id"], user=user)
        msg = await turned.message()
        pages.append(msg["embeds"][0])
        assert len(pages) <= limit, "Next never ends"
    return pages


async def ephemeral_text(handle: InteractionHandle) -> str:
    """The text of an interaction's response, which must be ephemeral."""
    body = await handle.response()
    assert body["data"]["flags"] & EPHEMERAL
    return body["data"].get("content") or ""


async def embed_of(handle: InteractionHandle) -> dict[str, Any]:
    """The one embed of the message an interaction showed, which must be ephemeral."""
    msg = await handle.reply()
    assert msg["flags"] & EPHEMERAL
    (embed,) = msg["embeds"]
    return embed


def assert_no_mentions(msg: dict[str, Any]) -> None:
    """The message was sent allowing no mention at all (not even the member replied to)."""
    allowed = msg["_allowed_mentions"]
    assert allowed is not None and allowed.get("parse") == [], allowed
    assert not allowed.get("users") and not allowed.get("roles")
    assert not allowed.get("replied_user")


async def assert_silent(double: DiscordDouble, since: int) -> None:
    """Assert the bot sent nothing after request ``since`` (see ``double.mark()``).

    Waiting proves nothing (a wrong reply may come late). Instead a member who has not spoken
    yet DMs the bot a question that must be answered. The bot reads events in order, so once
    that answer is in, every earlier event has its handlers started; once those handlers have
    finished (each awaits its own requests), the answer must be the only request since
    ``since``.
    """
    asker = double.add_user(f"silence-check-{len(double.users)}")
    probe = await double.send_message("dm", asker, ICE_HEAT)
    await double.wait_for_reply(probe, timeout=5)
    await handlers_finished()

    def answers_probe(r: Request) -> bool:
        body = r.json if isinstance(r.json, dict) else {}
        replied_to = (body.get("message_reference") or {}).get("message_id")
        return r.method == "POST" and str(replied_to) == probe["id"]

    made = double.requests[since:]
    shown = [f"{r.method} {r.path} {str(r.json)[:300]}" for r in made]
    assert len(made) == 1 and answers_probe(made[0]), f"the bot was not silent: {shown}"


async def handlers_finished(timeout: float = 5.0) -> None:
    """Wait until the event, command and component handlers running now have finished (the
    bot runs in the test's event loop; RunClubBot.close waits for the same tasks)."""
    pending = await handlers_settled(timeout)
    assert not pending, f"handlers still running after {timeout} s: {pending}"


# -- reminders --------------------------------------------------------------------------------


def dispatcher(bot: RunClubBot) -> Dispatcher:
    """The running bot's reminder dispatcher."""
    # not isinstance(cog, Reminders): unloading an extension drops its modules, so each bot
    # loads its own copy of the cog's class
    found = getattr(bot.get_cog("Reminders"), "dispatcher", None)
    assert isinstance(found, Dispatcher)
    return found


async def settle(bot: RunClubBot) -> None:
    """Wake the dispatcher and wait until it has sent all that is due and sleeps."""
    d = dispatcher(bot)
    d.poke()
    await asyncio.wait_for(d.wait_idle(), 10)


async def at(clock: FakeClock, bot: RunClubBot, when: datetime) -> None:
    """Move the clock to ``when`` and let the dispatcher send what is due by then."""
    await clock.set(when)
    await settle(bot)


def dms(double: DiscordDouble, user: User) -> list[dict[str, Any]]:
    """The reminder DMs a member got (not the bot's answers to their button clicks there)."""
    sent = double.sent_messages(double.dm_channel(user).id)
    return [m for m in sent if any(c.startswith("remind:stop") for c in custom_ids(m))]
