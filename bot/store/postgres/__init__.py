"""The PostgreSQL backend (asyncpg), chosen when DATABASE_URL is set: a connection pool
(connection.py) with its migration runner (migrate.py) and its faults (faults.py), one
module per concern with that concern's SQL, and the dispatcher's leader lock (leader.py).
``open_backend`` connects and returns its concerns as a bot.store.interface.Backend.
"""

from __future__ import annotations

from bot.store.interface import Backend
from bot.store.postgres.audit import PostgresAudit
from bot.store.postgres.channels import PostgresChannels
from bot.store.postgres.claims import PostgresClaims
from bot.store.postgres.connection import PostgresConnection
from bot.store.postgres.leader import PostgresLeadership
from bot.store.postgres.learning import PostgresLearning
from bot.store.postgres.notices import PostgresNotices
from bot.store.postgres.questions import PostgresQuestions
from bot.store.postgres.streaks import PostgresStreaks
from bot.store.postgres.subscriptions import PostgresSubscriptions
from bot.store.postgres.transfer import PostgresTransfer


async def open_backend(url: str) -> Backend:
    """Connect to, check and migrate the database at ``url`` (PostgresConnection.open)."""
    conn = await PostgresConnection.open(url)
    return Backend(
        connection=conn,
        channels=PostgresChannels(conn),
        questions=PostgresQuestions(conn),
        learning=PostgresLearning(conn),
        subscriptions=PostgresSubscriptions(conn),
        claims=PostgresClaims(conn),
        notices=PostgresNotices(conn),
        streaks=PostgresStreaks(conn),
        audit=PostgresAudit(conn),
        leadership=PostgresLeadership(conn),
        transfer=PostgresTransfer(conn),
        name="postgres",
    )
