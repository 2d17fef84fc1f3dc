"""`python -m bot run` as a child process against the double, as a Procfile host runs it.

``spawn(double, tmp_path, DATABASE_PATH=...)`` starts the real command line with discord.py
pointed at the double (the only two attributes tests may set), the test token, a short
readiness wait and database check interval, and the environment given. ``unprivileged=True``
drops the power to override file permissions when the tests run as root, so a chmod-made
read-only file or folder is read-only for the bot too.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT
from tests.double import TOKEN, DiscordDouble

# discord.py waits guild_ready_timeout (2 s) after the last GUILD_CREATE before on_ready;
# like the in-process fixture, the harness shortens it, and the database watchdog's interval
# (neither is read from the environment).
LAUNCH = """
import dataclasses, sys, discord, yarl
discord.http.Route.BASE = sys.argv[1]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
from bot import config
_from_env = config.Settings.from_env
config.Settings.from_env = lambda env=None: dataclasses.replace(
    _from_env(env), guild_ready_timeout_s=0.05, database_check_s=0.05
)
from bot.__main__ import main
sys.exit(main(["run"]))
"""

# root ignores file modes through these two capabilities; without them chmod binds root too
_DROP = ("setpriv", "--bounding-set=-dac_override,-dac_read_search")


def can_drop_privileges() -> bool:
    return os.geteuid() != 0 or shutil.which(_DROP[0]) is not None


async def spawn(
    double: DiscordDouble, cwd: Path, *, unprivileged: bool = False, **env: str
) -> asyncio.subprocess.Process:
    full_env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(PROJECT_ROOT),
        **env,
    }
    argv: tuple[str, ...] = (sys.executable, "-c", LAUNCH, double.api_base, double.gateway_url)
    if unprivileged and os.geteuid() == 0:
        argv = (*_DROP, *argv)
    return await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=full_env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(proc: asyncio.subprocess.Process, wait_s: float = 30) -> tuple[int, str]:
    """Wait for the process to end by itself; its exit code and its output (stdout+stderr)."""
    try:
        out, err = await asyncio.wait_for(proc.communicate(), wait_s)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode(errors="replace")
