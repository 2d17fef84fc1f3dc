"""Install the bot as a club admin would, and use it from an empty folder.

    python3 .ci/install_check.py

Builds the wheel, installs it (with the pinned dependencies of requirements.txt) into a fresh
virtual environment in a temporary folder, then, from an empty folder with no setting in the
environment, runs the installed ``runclub-bot``: ``ask "ice or heat?"`` must answer from the
knowledge inside the installed package, ``check`` must validate it, ``chat`` must answer, and
``run`` must exit 2 without a token or a terminal; then ``run`` connects with a token to the
offline Discord double (tests/double), answers a question, stops on SIGTERM with exit 0 and
leaves its database in the empty folder's data/. Takes about 12 s (most of it building the
wheel, the environment and pip), so .ci/run runs it as a step of its own, not in the suite.

Only the standard library is used outside the new environment. Run inside it (``--inside``),
the same file does the checks, importing the installed bot and, for the double only, tests/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ("DISCORD_TOKEN", "DATABASE_PATH", "KNOWLEDGE_DIR", "SHARD_COUNT", "SHARD_IDS")


def clean_env() -> dict[str, str]:
    """The environment less the bot's settings and anything that would find the checkout."""
    drop = {*SETTINGS, "PYTHONPATH", "VIRTUAL_ENV"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def step(what: str, argv: list[str], **kwargs: object) -> None:
    started = time.monotonic()
    print(f"== {what}", flush=True)
    subprocess.run(argv, check=True, **kwargs)  # type: ignore[call-overload]
    print(f"   {time.monotonic() - started:.1f} s", flush=True)


def outside() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="runclub-install-") as tmp:
        work = Path(tmp)
        pip = ("-m", "pip", "--disable-pip-version-check", "--quiet")
        step(
            "build the wheel",
            [sys.executable, *pip, "wheel", "--no-deps", "-w", str(work / "dist"), str(ROOT)],
        )
        [wheel] = (work / "dist").glob("runclub_bot-*.whl")
        step("a fresh virtual environment", [sys.executable, "-m", "venv", str(work / "venv")])
        python = work / "venv" / "bin" / "python"
        step(
            f"pip install {wheel.name}, pinned by requirements.txt",
            [str(python), *pip, "install", str(wheel), "-c", str(ROOT / "requirements.txt")],
        )
        empty = work / "empty"
        empty.mkdir()
        step(
            "runclub-bot from an empty folder",
            [str(python), str(Path(__file__).resolve()), "--inside"],
            cwd=empty,
            env=clean_env(),
        )
    print(f"install check passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0


def bot_command(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "runclub-bot"
    return subprocess.run(
        [str(script), *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )


def expect(proc: subprocess.CompletedProcess[str], code: int, *texts: str) -> None:
    shown = f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert proc.returncode == code, shown
    for text in texts:
        assert text in proc.stdout + proc.stderr, f"{text!r} not in the output:\n{shown}"


def inside() -> int:
    import bot
    from bot.core.knowledge import load_knowledge

    installed = Path(bot.__file__).resolve().parent
    assert Path(sys.prefix) in installed.parents, f"bot imported from {installed}, not the venv"
    knowledge = load_knowledge()
    assert knowledge.source == installed / "knowledge", knowledge.source
    entry = knowledge.entries["treat-ice-heat"]

    expect(bot_command("ask", "ice or heat?"), 0, entry.title, entry.answer, knowledge.disclaimer)
    expect(bot_command("check"), 0, "knowledge OK", f"in {installed / 'knowledge'}")
    expect(bot_command("chat", stdin="/ask ice or heat?\n/quit\n"), 0, entry.answer)
    expect(
        bot_command("run"),
        2,
        f"DISCORD_TOKEN is not set: set it in the environment or in {Path.cwd() / '.env'}",
    )
    print("   ask, check, chat and run (no token) answered", flush=True)

    import asyncio

    asyncio.run(run_against_the_double())
    assert (Path.cwd() / "data" / "bot.sqlite3").is_file(), "no database in ./data"
    print("   run connected to the double, answered, stopped on SIGTERM", flush=True)
    return 0


async def run_against_the_double() -> None:
    """``run`` with a token, as tests/bot_process.py starts it, from this empty folder."""
    import signal

    sys.path.append(str(ROOT))  # after site-packages: bot stays the installed one
    from tests.bot_process import finish, spawn
    from tests.double import DiscordDouble

    double = DiscordDouble()
    await double.start()
    try:
        proc = await spawn(double, Path.cwd())
        try:
            await double.wait_until(lambda: double.frames(2), 60, "IDENTIFY")
            await double.wait_until(lambda: double.requests_to("GET", "/users/@me"), 5, "login")
            question = f"<@{double.bot.id}> why does my upper back hurt after running?"
            msg = await double.send_message("general", double.member, question)
            reply = await double.wait_for_reply(msg, timeout=30)
            assert "upper back" in reply["embeds"][0]["title"].lower(), reply
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            code, output = await finish(proc)
        assert code == 0, output
    finally:
        await double.close()


if __name__ == "__main__":
    sys.exit(inside() if sys.argv[1:] == ["--inside"] else outside())
