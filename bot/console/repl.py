"""The console's prompt: read a line, print what the bot shows; DMs the reminder dispatcher
delivers meanwhile are printed as they come.

Lines are read by a daemon thread, so the bot's own tasks (the dispatcher) run while the
prompt waits, and leaving never waits for a pending ``input()``.
"""

from __future__ import annotations

import asyncio
import threading

from bot.config import Settings
from bot.console.session import Console

BANNER = "Run club bot, local console. No Discord connection: set DISCORD_TOKEN for that."
QUIT = ("/quit", "/exit")


def _print(blocks: list[str]) -> None:
    for block in blocks:
        print(f"bot> {block}\n", flush=True)


def _reader(
    loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None], turn: threading.Event
) -> None:
    """Prompt once the bot has shown its answer to the line before (``turn``)."""
    while True:
        turn.wait()
        turn.clear()
        try:
            line: str | None = input("you> ")
        except (EOFError, KeyboardInterrupt):
            line = None
        loop.call_soon_threadsafe(lines.put_nowait, line)
        if line is None:
            return


async def run_console(settings: Settings) -> int:
    """The console over ``settings.database_path`` until /quit or the end of input."""
    console = await Console.open(settings)
    try:
        print(BANNER)
        print(console.how_to(), flush=True)
        console.on_background = _print
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        turn = threading.Event()
        turn.set()
        threading.Thread(target=_reader, args=(loop, lines, turn), daemon=True).start()
        while (line := await lines.get()) is not None:
            if line.strip() in QUIT:
                break
            _print(await console.handle(line))
            turn.set()
        print()
        return 0
    finally:
        await console.close()
