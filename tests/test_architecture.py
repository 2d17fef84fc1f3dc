"""The folders are the architecture: bot/core is plain Python that knows neither Discord nor
the database, and no module grows past what a newcomer reads in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
CORE = BOT / "core"
# what the core may never import: Discord, the database drivers, and the shell around it
FORBIDDEN_IN_CORE = (
    "discord",
    "aiohttp",
    "aiosqlite",
    "asyncpg",
    "bot.app",
    "bot.cogs",
    "bot.config",
    "bot.reminders",
    "bot.runner",
    "bot.store",
    "bot.ui",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(BOT)))
def test_the_core_imports_neither_discord_nor_the_store(path: Path) -> None:
    bad = {
        m
        for m in imported_modules(path)
        for f in FORBIDDEN_IN_CORE
        if m == f or m.startswith(f + ".")
    }
    assert not bad, f"{path.relative_to(BOT)} imports {sorted(bad)}"


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(p.relative_to(BOT))
        for p in BOT.rglob("*.py")
        if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
    ]
    assert not missing


MAX_LINES = 400


def test_no_module_is_longer_than_a_newcomer_reads_in_one_sitting() -> None:
    long = {
        str(p.relative_to(BOT)): n
        for p in sorted(BOT.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"
