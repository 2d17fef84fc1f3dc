"""The local console and `python -m bot ask/run`: what an admin sees offline."""

from __future__ import annotations

import os
import subprocess
import sys

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


def _bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DISCORD_TOKEN"] = ""
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


def test_run_without_a_token_opens_the_console() -> None:
    proc = _bot("run", stdin="/ask ice or heat?\n/quit\n")
    assert proc.returncode == 0
    assert "local console" in proc.stdout
    assert load_knowledge().entries["treat-ice-heat"].answer in proc.stdout
