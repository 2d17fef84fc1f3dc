"""Random edits of knowledge/ files, as a hurried admin or a bad merge would make them.

Used by tests/test_knowledge_fuzz.py and by benchmarks/fuzz_knowledge.py: each mutation copies
knowledge/ and spoils one file, and ``outcome`` loads it the way the bot does.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT
from bot.core.knowledge import UNFORESEEN, Knowledge, KnowledgeError, load_knowledge
from bot.core.matching import Matcher

REAL = PROJECT_ROOT / "knowledge"
FILES = ("faq.yaml", "redflags.yaml", "language.yaml", "routines.yaml")
SNIPPETS = (
    "[a, b]",
    "{x: 1}",
    "null",
    "~",
    "123",
    "4294967296",
    "-1",
    "true",
    "no",
    '""',
    "''",
    "[]",
    "{}",
    "&a [*a]",
    "[" * 600 + "]" * 600,
    "{a: " * 300 + "1" + "}" * 300,
    "x" * 50_000,
    "\t",
    "'unclosed",
    '"bad \\q escape"',
    "!!python/object:os.system echo hi",
    "? [a, b]\n: c",
    "a{4294967296}",
    "(a+)+$",
    "\u202e\u200b",
    "- - - -",
)


def _text_edit(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    n = rng.randrange(len(lines))
    kind = rng.randrange(8)
    if kind == 0:
        del lines[n]
    elif kind == 1:
        lines.insert(n, lines[n])
    elif kind == 2:
        m = rng.randrange(len(lines))
        lines[n], lines[m] = lines[m], lines[n]
    elif kind == 3:
        return text[: rng.randrange(len(text))]
    elif kind == 4:
        pos = rng.randrange(len(lines[n]) + 1)
        junk = rng.choice(":-[]{}\"'#&*!|>\t%@`,?") * rng.randint(1, 3)
        lines[n] = lines[n][:pos] + junk + lines[n][pos:]
    elif kind == 5:
        lines[n] = lines[n][2:] if lines[n].startswith("  ") else "  " + lines[n]
    elif kind == 6:
        head, sep, _ = lines[n].partition(": ")
        lines[n] = f"{head}{sep or ': '}{rng.choice(SNIPPETS)}"
    else:
        lines.insert(n, rng.choice(SNIPPETS))
    return "\n".join(lines)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _data_edit(data: Any, rng: random.Random) -> Any:
    values: list[Callable[[], Any]] = [
        lambda: None,
        lambda: rng.randint(-5, 10**12),
        lambda: rng.random(),
        lambda: True,
        lambda: "",
        lambda: "  ",
        lambda: [],
        lambda: {},
        lambda: [None, 3, ["x"]],
        lambda: {"unknown": 1},
        lambda: {3: "x", "y": 2},
        lambda: "x" * 5000,
    ]
    paths = [p for p in _paths(data) if p]
    if not paths:
        return rng.choice(values)()
    path = rng.choice(paths)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if rng.random() < 0.3 and isinstance(parent, dict):
        del parent[path[-1]]
    elif rng.random() < 0.3 and isinstance(parent, list) and parent:
        parent.pop(path[-1])
    else:
        parent[path[-1]] = rng.choice(values)()
    return data


def mutate(target: Path, rng: random.Random) -> str:
    """Copy knowledge/ to ``target`` and spoil one file there; returns what was done."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REAL, target)
    name = rng.choice(FILES)
    path = target / name
    text = path.read_text(encoding="utf-8")
    roll = rng.random()
    if roll < 0.05:
        path.write_text(rng.choice(["", "~", "---", "null", "\n\n", "# only a comment\n"]))
        return f"{name}: emptied"
    if roll < 0.55:
        path.write_text(_text_edit(text, rng), encoding="utf-8")
        return f"{name}: text edit"
    data = _data_edit(yaml.safe_load(text), rng)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return f"{name}: data edit"


def outcome(directory: Path) -> str:
    """'loaded' or 'refused' as the bot would see it; anything else is a defect."""
    try:
        knowledge = load_knowledge(directory)
    except KnowledgeError as exc:
        if any(UNFORESEEN in p for p in exc.problems):
            return "unforeseen: " + "; ".join(exc.problems)
        return "refused"
    problems = usable(knowledge)
    return f"accepted unusable: {problems}" if problems else "loaded"


def usable(knowledge: Knowledge) -> str:
    """Why this knowledge cannot run the bot, or '' when it can."""
    if not knowledge.red_flags:
        return "no red flags"
    if not knowledge.entries or not knowledge.exercises or len(knowledge.week) != 7:
        return "no entries or routines"
    if not (knowledge.disclaimer and knowledge.not_covered and knowledge.urgent_reply):
        return "an empty reply text"
    matcher = Matcher(knowledge)
    for q in ("crushing chest pain and my upper back aches", "ice or heat for my upper back?"):
        matcher.match(q, "ask")
    if matcher.match("crushing chest pain and my upper back aches", "ask").kind != "urgent":
        return "chest pain is not urgent"
    return ""
