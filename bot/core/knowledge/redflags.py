"""redflags.yaml: the urgent-care reply, the red flags as word lists, and their scope lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.knowledge.model import MAX_ANSWER, MAX_WINDOW, Phrase, RedFlag, TriageScope
from bot.core.knowledge.yamlfile import Checker, read_yaml

TRIAGE_TOP = ("reply", "back_words", "back_other_senses", "pain_words", "scope", "flags")
FLAG_FIELDS = ("name", "needs", "alone", "together", "other_senses", "not_with")
NEEDS = ("nothing", "back", "back or pain")
SCOPE_LISTS = (
    "negation",
    "negation_after",
    "pseudo_negation",
    "answer_no",
    "termination",
    "hypothetical",
    "general",
    "experience",
    "anaphora",
    "past",
    "checked_by",
    "all_clear",
)
OPTIONAL_LISTS = ("negation_near", "general_post", "long_ago", "recent", "continues")
SCOPE_FIELDS = (*SCOPE_LISTS, *OPTIONAL_LISTS, "window", "near_window")


def _load_together(
    raw: Any, check: Checker, where: str
) -> tuple[tuple[tuple[Phrase, ...], ...], ...]:
    combos: list[tuple[tuple[Phrase, ...], ...]] = []
    if raw is None:
        return ()
    shape = "'together' must be a list of combinations, each a list of two or more word lists"
    if not isinstance(raw, list):
        check.fail(where, shape)
        return ()
    for n, combo in enumerate(raw, start=1):
        if not isinstance(combo, list) or len(combo) < 2:
            check.fail(where, f"{shape} (combination #{n})")
            continue
        groups = [check.phrases({"together": g}, "together", where, True) for g in combo]
        if all(groups):
            combos.append(tuple(groups))
    return tuple(combos)


def _load_scope(raw: Any, check: Checker) -> TriageScope | None:
    where = "'scope': "
    if raw is None:
        check.fail("", "'scope' is missing")
        return None
    if not check.fields(raw, SCOPE_FIELDS, where):
        return None
    lists = {key: check.phrases(raw, key, where, required=True) for key in SCOPE_LISTS}
    optional = {key: check.phrases(raw, key, where) for key in OPTIONAL_LISTS}
    window, near_window = raw.get("window"), raw.get("near_window", 2)
    for key, value in (("window", window), ("near_window", near_window)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WINDOW:
            check.fail(where, f"'{key}' must be a whole number of words from 1 to {MAX_WINDOW}")
            return None
    return TriageScope(window=window, near_window=near_window, **lists, **optional)


def _load_flag(raw: Any, n: int, check: Checker) -> RedFlag | None:
    name = raw.get("name") if isinstance(raw, dict) else None
    where = f"flag '{name}': " if isinstance(name, str) else f"flag #{n}: "
    if not check.fields(raw, FLAG_FIELDS, where) or check.text(raw, "name", where, 80) is None:
        return None
    needs = raw.get("needs", "nothing")
    if needs not in NEEDS:
        check.fail(where, f"'needs' must be one of: {', '.join(NEEDS)}; got {needs!r}")
        return None
    alone = check.phrases(raw, "alone", where)
    together = _load_together(raw.get("together"), check, where)
    other = check.phrases(raw, "other_senses", where)
    not_with = check.phrases(raw, "not_with", where)
    if not alone and not together:
        check.fail(where, "has no words: give it 'alone' words or 'together' combinations")
        return None
    return RedFlag(str(name).strip(), needs, alone, together, other, not_with)


def load_redflags(path: Path, check: Checker) -> dict[str, Any]:
    data = read_yaml(path, check)
    out: dict[str, Any] = {"reply": None, "scope": None, "flags": ()}
    if data is None or not check.fields(data, TRIAGE_TOP, ""):
        return out
    out["reply"] = check.text(data, "reply", "", MAX_ANSWER)
    out["back"] = check.phrases(data, "back_words", "", required=True)
    out["back_other"] = check.phrases(data, "back_other_senses", "")
    out["pain"] = check.phrases(data, "pain_words", "", required=True)
    out["scope"] = _load_scope(data.get("scope"), check)
    raw_flags = data.get("flags")
    if not isinstance(raw_flags, list) or not raw_flags:
        check.fail("", "'flags' must be a non-empty list: the bot never runs without red flags")
        raw_flags = []
    flags = [_load_flag(raw, n, check) for n, raw in enumerate(raw_flags, start=1)]
    names = [f.name for f in flags if f is not None]
    for name in sorted({n for n in names if names.count(n) > 1}):
        check.fail(f"flag '{name}': ", "duplicate name")
    out["flags"] = tuple(f for f in flags if f is not None)
    return out
