"""A fresh store for each test, on each backend: every test that takes ``store`` runs twice,
against a SQLite file in a temporary folder and against a fresh PostgreSQL database (in the
session's throwaway cluster: tests/postgres_cluster.py; skipped with the reason when
PostgreSQL cannot be started, failed instead when REQUIRE_POSTGRES=1)."""

from __future__ import annotations

import pytest

from bot.store import Store

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(params=BACKENDS)
async def store(request, tmp_path):
    if request.param == "postgres":
        # a fresh database already at this release's schema (the migrations themselves are
        # tested from empty databases in test_postgres.py)
        databases = request.getfixturevalue("postgres_databases")
        name, url = databases.take("migrated")
        s = await Store.open(url)
    else:
        s = await Store.open(tmp_path / "nested" / "bot.sqlite3")
    try:
        yield s
    finally:
        await s.close()
        if request.param == "postgres":
            databases.drop(name)
