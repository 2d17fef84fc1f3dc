"""The local console and `python -m bot ask/run`: what an admin sees offline."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import termios

import pytest

from bot.config import PROJECT_ROOT
from bot.console import SILENCE, Console
from bot.core.knowledge import load_knowledge


@pytest.fixture(scope="module")
def console() -> Console:
    return Console(load_knowledge())


def test_a_channel_question_is_answered_with_the_disclaimer(console: Console) -> None:
    [out] = console.handle("should I ice my sore upper back after a run?")
    knowledge = console.knowledge
    assert knowledge.entries["treat-ice-heat"].title in out
    assert knowledge.disclaimer in out


def test_channel_chatter_gets_silence(console: Console) -> None:
    assert console.handle("great run today everyone!") == [SILENCE]
    assert console.handle("   ") == []


def test_slash_ask_with_red_flags_gives_the_urgent_reply_only(console: Console) -> None:
    [out] = console.handle("/ask chest pain and my upper back aches")
    assert console.knowledge.urgent_reply in out
    assert "stretch" not in out.split(console.knowledge.urgent_reply)[1].lower()


def test_slash_ask_not_covered_says_so(console: Console) -> None:
    [out] = console.handle("/ask which trail shoes are best for mud?")
    assert console.knowledge.not_covered in out


def test_a_suggestion_can_be_picked_by_number(console: Console) -> None:
    [out] = console.handle("/ask upper back form")
    assert "1." in out
    [picked] = console.handle("1")
    assert console.knowledge.disclaimer in picked
    assert picked.splitlines()[0].strip("*") in {
        e.title for e in console.knowledge.entries.values()
    }


def test_stretches_before_and_after_and_core(console: Console) -> None:
    knowledge = console.knowledge
    [before] = console.handle("/stretches before")
    [after] = console.handle("/stretches after")
    [core] = console.handle("/core")
    assert all(e.name in before for e in knowledge.by_kind("dynamic"))
    assert all(e.name in after for e in knowledge.by_kind("static"))
    assert all(e.name in core for e in knowledge.by_kind("core"))
    assert all(knowledge.disclaimer in text for text in (before, after, core))


def test_faq_and_unknown_commands(console: Console) -> None:
    [faq] = console.handle("/faq treatment")
    assert console.knowledge.entries["treat-rest"].title in faq
    assert "Unknown command /nope" in console.handle("/nope")[0]
    assert console.handle("/stretches sideways") == ["Usage: /stretches [before|after]"]


def _env_without_token() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DISCORD_TOKEN"] = ""
    return env


def _bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = _env_without_token()
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
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
