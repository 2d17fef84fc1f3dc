"""The local console: the bot itself, offline, as a local admin. Its answers, cooldowns,
limits and privacy are the Discord bot's; /remind runs against a local SQLite file with the
real dispatcher; /forgetme and the admin commands work; /help lists only what works."""

from __future__ import annotations

import asyncio
import os
import pty
import re
import subprocess
import sys
import termios
from datetime import timedelta

import pytest

from bot.cogs.faq.asking import SLOW_DOWN_TEXT
from bot.config import PROJECT_ROOT
from bot.console import Console
from bot.core.knowledge import load_knowledge
from bot.core.replies import HELP_TEXT
from tests.helpers import ICE_HEAT, START, WHY, with_settings

PRIVATE = "(only you see this)"
TRAPS = "my traps are killing me after the long run, what do I do?"


@pytest.fixture
async def console(settings, clock):
    c = await Console.open(with_settings(settings, token=None), clock=clock)
    try:
        yield c
    finally:
        await c.close()


async def one(console: Console, line: str) -> str:
    [out] = await console.handle(line)
    return out


def numbered(block: str, label: str) -> str:
    """The number the console gave the button or menu option ``label`` in ``block``."""
    for line in block.splitlines():
        for part in line.split("   "):
            part = part.strip()
            if part.startswith("[") and label in part:
                return part[1 : part.index("]")]
    raise AssertionError(f"no [n] {label} in:\n{block}")


async def every_page(console: Console, line: str) -> str:
    """A paged reply (pages fit a phone) read to its last page with Next."""
    pages = [await one(console, line)]
    while "_Page " in pages[-1] and not re.search(r"_Page (\d+) of \1_", pages[-1]):
        pages.append(await one(console, numbered(pages[-1], "Next")))
    return "\n".join(pages)


# -- messages: the Discord bot's rules ------------------------------------------------------


async def test_a_channel_question_is_answered_with_the_disclaimer_and_chatter_is_not(console):
    k = console.knowledge
    out = await one(console, "should I ice my sore upper back after a run?")
    assert k.entries["treat-ice-heat"].title in out and k.disclaimer in out
    assert not out.startswith(PRIVATE)
    chatter = await one(console, "great run today everyone!")
    assert chatter.startswith("(the bot stays silent") and "not a clear question" in chatter
    assert await console.handle("   ") == []


async def test_cooldowns_hold_back_channel_answers_but_never_a_mention_or_a_dm(console, clock):
    await one(console, ICE_HEAT)
    held = await one(console, WHY)
    assert "silent" in held and "cooldown" in held
    assert console.knowledge.entries["causes"].title in await one(console, f"@bot {WHY}")
    assert console.knowledge.entries["causes"].title in await one(console, f"@dm {WHY}")
    await clock.advance(timedelta(seconds=61))
    assert console.knowledge.entries["causes"].title in await one(console, WHY)


async def test_a_flood_of_direct_asks_gets_one_slow_down_then_silence(console):
    for n in range(6):
        assert "silent" not in await one(console, f"@bot {WHY if n % 2 else ICE_HEAT}")
    assert await one(console, f"@bot {WHY}") == SLOW_DOWN_TEXT
    assert "direct-ask limit" in await one(console, f"@dm {WHY}")
    assert SLOW_DOWN_TEXT in await one(console, f"/ask {WHY}")


async def test_ask_is_private_unless_asked_otherwise_and_red_flags_get_the_urgent_reply(console):
    k = console.knowledge
    private = await one(console, f"/ask {ICE_HEAT}")
    assert private.startswith(PRIVATE) and k.entries["treat-ice-heat"].answer in private
    public = await one(console, f"/ask private:false {ICE_HEAT}")
    assert not public.startswith(PRIVATE) and k.entries["treat-ice-heat"].answer in public
    urgent = await one(console, "/ask chest pain and my upper back aches")
    assert k.urgent_reply in urgent and "stretch" not in urgent.split(k.urgent_reply)[1].lower()
    assert "Not covered" in await one(console, "/ask which trail shoes are best for mud?")


async def test_buttons_are_pressed_by_number_suggestions_feedback_and_browsing(console):
    k = console.knowledge
    suggested = await one(console, "/ask upper back form")
    assert "Did you mean" in suggested
    picked = await one(console, "1")
    assert k.disclaimer in picked and "Guide: " in picked
    assert "Thanks, noted" in await one(console, numbered(picked, "Helpful"))
    assert "now 👎 Not helpful" in await one(console, "2")
    browse = await one(console, "/faq")
    treatment = await one(console, numbered(browse, "Treatment"))
    assert k.entries["treat-rest"].title in treatment
    answer = await one(console, numbered(treatment, k.entries["treat-rest"].title))
    assert k.entries["treat-rest"].answer in answer


async def test_routines_and_unknown_commands(console):
    knowledge = console.knowledge
    before = await every_page(console, "/stretches before")
    core = await every_page(console, "/core")
    assert all(e.name in before for e in knowledge.by_kind("dynamic"))
    assert all(e.name in core for e in knowledge.by_kind("core"))
    assert "Unknown command /nope" in await one(console, "/nope")
    assert "must be one of before, after" in await one(console, "/stretches sideways")
    assert await one(console, "/remind") == (
        "Usage: /remind subscribe|timezone|list|pause|resume|remove|unsubscribe|test"
    )


# -- /remind against the local SQLite file ---------------------------------------------------


def _env_without_token() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DISCORD_TOKEN"] = ""
    return env


async def test_remind_subscribe_then_the_due_reminder_arrives_as_a_dm(console, clock):
    subscribed = await one(console, "/remind subscribe 12:05 core Europe/London")
    assert "Reminder “core” is set" in subscribed and "12:05" in subscribed
    assert "“core” · 12:05" in await one(console, "/remind list")
    assert console.take() == []
    await clock.set(START + timedelta(minutes=5))  # 12:05 in London: due now
    console.dispatcher.poke()
    await asyncio.wait_for(console.dispatcher.wait_idle(), 10)
    [dm] = console.take()
    assert dm.startswith("(a DM from the bot)") and "Today's routine" in dm
    assert any(e.name in dm for e in console.knowledge.by_kind("core"))
    assert "Streak: 1 day" in await one(console, numbered(dm, "Done"))
    assert "**Streak:** 1 day in a row" in await one(console, "/remind list")


async def test_remind_test_sends_the_dm_at_once_and_the_form_subscribes(console):
    sent = await console.handle("/remind test")
    assert sent[0].startswith("(a DM from the bot)") and "Sent!" in sent[1]
    stretches = await one(console, "/stretches")
    form = await console.handle(numbered(stretches, "Remind me daily"))
    assert "Daily stretches by DM" in form[0] and form[1].startswith("Time")
    assert (await one(console, "7:30pm")).startswith("Time zone")
    done = await one(console, "Europe/Paris")
    assert "Reminder “stretches” is set" in done and "19:30" in done and "Europe/Paris" in done


# -- /forgetme and the admin commands, as a local admin ------------------------------------


async def test_an_admin_teaches_a_gap_in_the_console_and_it_is_answered(console):
    k = console.knowledge
    assert "Not covered" in await one(console, f"@bot {TRAPS}")
    gaps = await one(console, "/faqadmin gaps")
    assert "traps" in gaps
    teach = await one(console, numbered(gaps, "traps"))
    learned = await one(console, numbered(teach, k.entries["treat-rest"].title))
    assert "Learned" in learned
    assert k.entries["treat-rest"].answer in await one(console, f"@bot {TRAPS}")
    assert "1 taught here, 1 questions answered" in await one(console, "/faqadmin stats")
    assert "Reloaded" in await one(console, "/faqadmin reload")


async def test_forgetme_and_channel_settings(console):
    await one(console, "/ask what shoes should I buy?")
    await one(console, "/remind subscribe 07:30 both Europe/London")
    forgot = await one(console, "/forgetme")
    assert "deleted everything" in forgot
    assert "No unanswered" in await one(console, "/faqadmin gaps")
    assert "You have no reminders" in await one(console, "/remind list")
    assert "#console" in await one(console, "/config channels list")
    assert "stay quiet" in await one(console, "/config channels remove")
    assert "not enabled" in await one(console, ICE_HEAT)
    assert "leave channel out" in await one(console, "/config channels add #race-day")


async def test_help_lists_only_what_works(console):
    how_to, help_reply = await console.handle("/help")
    assert "/remind" in help_reply and "/forgetme" in help_reply
    listed = how_to.split("Commands (as in Discord): ")[1].split(", ")
    names = {f"/{c.qualified_name}" for c in console.bot.tree.walk_commands()}
    assert set(listed) <= names and "/remind subscribe" in listed and "/forgetme" in listed
    for command in listed:  # each one runs: a reply, or how to use it
        out = "\n".join(await console.handle(command))
        assert "Unknown command" not in out and "went wrong" not in out, (command, out)
    for word in ("/ask", "/faq", "/stretches", "/core", "/disclaimer", "/remind", "/forgetme"):
        assert word in HELP_TEXT and any(c.startswith(word) for c in listed)
    assert "@bot" in how_to and "@dm" in how_to  # a mention and a DM, as /help promises


# -- the command line --------------------------------------------------------------------------


def _bot(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**base, "DISCORD_TOKEN": "", **(env or {})},
        timeout=60,
    )


def test_ask_prints_the_reply_with_the_disclaimer() -> None:
    proc = _bot("ask", "is", "ibuprofen", "ok", "for", "my", "upper", "back?")
    assert proc.returncode == 0
    knowledge = load_knowledge()
    assert knowledge.entries["treat-pain-relief"].answer in proc.stdout
    assert knowledge.disclaimer in proc.stdout


def test_run_without_a_token_opens_the_console_on_a_terminal() -> None:
    primary, secondary = pty.openpty()  # stdin is a terminal, as when a person starts it
    attrs = termios.tcgetattr(secondary)
    attrs[3] &= ~termios.ECHO  # what is typed is not echoed back
    termios.tcsetattr(secondary, termios.TCSANOW, attrs)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            stdin=secondary,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
            env=_env_without_token(),
        )
    finally:
        os.close(secondary)
    try:
        os.write(primary, b"/ask ice or heat?\n/quit\n")
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(primary)
    assert proc.returncode == 0, err
    assert "local console" in out
    assert load_knowledge().entries["treat-ice-heat"].answer in out


def _close_stdin() -> None:
    os.close(0)  # in the child, before Python starts: sys.stdin is None there


@pytest.mark.parametrize("stdin", ["devnull", "pipe", "closed"])
def test_run_without_a_token_or_a_terminal_fails_in_one_line(stdin: str) -> None:
    # as under systemd or on a host: a missing token is a failed start, never a silent exit 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.PIPE if stdin == "pipe" else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env=_env_without_token(),
        preexec_fn=_close_stdin if stdin == "closed" else None,
    )
    typed = "/ask ice or heat?\n" if stdin == "pipe" else None
    out, err = proc.communicate(input=typed, timeout=60)
    assert proc.returncode == 2
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("DISCORD_TOKEN is not set: set it in the environment or in ")
    assert str(PROJECT_ROOT / ".env") in line


def test_chat_runs_the_console_on_its_own_database(tmp_path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3")}
    proc = _bot("chat", stdin="/ask ice or heat?\n/remind test\n/quit\n", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "local console" in proc.stdout
    assert load_knowledge().entries["treat-ice-heat"].answer in proc.stdout
    assert "(a DM from the bot)" in proc.stdout
    assert (tmp_path / "console.sqlite3").exists()
    assert not (tmp_path / "bot.sqlite3").exists()  # the real bot's data is never touched
