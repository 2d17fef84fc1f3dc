"""The SQLite backend: one file, one connection (connection.py) with its migration runner
(migrate.py) and its faults (faults.py), and one module per concern holding that concern's
SQL. ``open_backend`` opens a file and returns its concerns as a bot.store.interface.Backend.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.interface import Backend
from bot.store.sqlite.audit import SqliteAudit
from bot.store.sqlite.channels import SqliteChannels
from bot.store.sqlite.claims import SqliteClaims
from bot.store.sqlite.connection import SqliteConnection
from bot.store.sqlite.leader import SqliteLeadership
from bot.store.sqlite.learning import SqliteLearning
from bot.store.sqlite.notices import SqliteNotices
from bot.store.sqlite.questions import SqliteQuestions
from bot.store.sqlite.streaks import SqliteStreaks
from bot.store.sqlite.subscriptions import SqliteSubscriptions
from bot.store.sqlite.transfer import SqliteTransfer


async def open_backend(path: Path | str) -> Backend:
    """Open, check and migrate the SQLite file at ``path`` (see SqliteConnection.open)."""
    conn = await SqliteConnection.open(path)
    return Backend(
        connection=conn,
        channels=SqliteChannels(conn),
        questions=SqliteQuestions(conn),
        learning=SqliteLearning(conn),
        subscriptions=SqliteSubscriptions(conn),
        claims=SqliteClaims(conn),
        notices=SqliteNotices(conn),
        streaks=SqliteStreaks(conn),
        audit=SqliteAudit(conn),
        leadership=SqliteLeadership(conn),
        transfer=SqliteTransfer(conn),
        name="sqlite",
    )
