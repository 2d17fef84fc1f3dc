"""A fresh store in a temporary folder for each test."""

from __future__ import annotations

import pytest

from bot.store import Store


@pytest.fixture
async def store(tmp_path):
    s = await Store.open(tmp_path / "nested" / "bot.sqlite3")
    yield s
    await s.close()
