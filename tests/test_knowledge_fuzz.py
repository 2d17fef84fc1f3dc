"""Random knowledge edits: each one loads, or is refused with problems naming the file; none
crashes the loader, none leaves the bot without red flags, entries, routines or reply texts.
benchmarks/fuzz_knowledge.py runs the same mutations at larger counts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.knowledge_mutations import FILES, mutate, outcome

SEED = 20261127
RUNS = 250


def test_random_edits_load_or_are_refused_never_crash(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    seen: dict[str, int] = {}
    for n in range(RUNS):
        what = mutate(tmp_path / "knowledge", rng)
        result = outcome(tmp_path / "knowledge")
        assert result in ("loaded", "refused"), f"mutation {n} ({what}): {result}"
        seen[result] = seen.get(result, 0) + 1
    assert seen.get("refused", 0) > RUNS // 4  # the mutations do spoil things


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("content", ["", "~", "---", "null", "# only a comment\n"])
def test_an_empty_file_is_an_error_naming_it(tmp_path: Path, name: str, content: str) -> None:
    import shutil

    from tests.test_knowledge import REAL, problems_of

    kb = tmp_path / "knowledge"
    shutil.copytree(REAL, kb)
    (kb / name).write_text(content, encoding="utf-8")
    assert problems_of(kb) == [f"knowledge/{name}: file is empty: the bot cannot run without it"]
