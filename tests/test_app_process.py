"""`python -m bot run` as a process, as a Procfile worker host runs it: it answers, and
SIGTERM stops it cleanly (exit 0, database closed) without the token in its output."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests.bot_process import spawn
from tests.double import TOKEN


async def test_python_m_bot_run_answers_and_stops_cleanly_on_sigterm(double, tmp_path: Path):
    db = tmp_path / "bot.sqlite3"
    proc = await spawn(double, tmp_path, DATABASE_PATH=str(db), LOG_LEVEL="DEBUG")
    try:
        await double.wait_until(lambda: double.connected, 20, "the bot to connect")
        msg = await double.send_message(
            "general", double.member, f"<@{double.bot.id}> why does my upper back hurt?"
        )
        reply = await double.wait_for_reply(msg, timeout=10)
        assert "upper back" in reply["embeds"][0]["title"].lower()
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    output = (out + err).decode(errors="replace")
    assert proc.returncode == 0, output[-2000:]
    assert "Shutting down" in output
    assert TOKEN not in output
    assert db.is_file() and not db.with_name(db.name + "-wal").exists()
    assert not double.connected
