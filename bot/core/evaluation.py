"""Score the matcher on labelled question sets: per set, per mode and per kind of row.

A set is a YAML list of rows ``{q, expect, also?, kind?}`` as in ../shared/eval: ``expect`` is
an entry id, ``none`` (the guide does not cover it) or ``urgent`` (a red flag); ``also`` lists
other entries that answer it as well; ``kind`` groups rows in the report (story, negated,
other-sense...), and defaults to in-scope, none or urgent. The figures are those of
../shared/tools/score_matcher.py, computed in-process.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.matching import Decision, Matcher, Mode


@dataclass(frozen=True)
class Row:
    q: str
    expect: str
    also: tuple[str, ...] = ()
    kind: str = ""

    @property
    def group(self) -> str:
        if self.kind:
            return self.kind
        return self.expect if self.expect in ("none", "urgent") else "in-scope"

    def ok_ids(self) -> set[str]:
        return {self.expect, *self.also}


@dataclass
class Tally:
    """Counts for one set in one mode, as score_matcher.py counts them."""

    inscope: int = 0
    answered: int = 0
    useful: int = 0
    nones: int = 0
    rejected: int = 0
    urgents: int = 0
    caught: int = 0
    false_urgent: int = 0
    kinds: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[tuple[Row, Decision]] = field(default_factory=list)

    def add(self, row: Row, d: Decision) -> None:
        if row.expect == "urgent":
            self.urgents += 1
            hit = d.kind == "urgent"
            self.caught += hit
        elif row.expect == "none":
            self.nones += 1
            hit = d.kind == "none"
            self.rejected += hit
            self.false_urgent += d.kind == "urgent"
        else:
            self.inscope += 1
            hit = d.kind == "answer" and d.entry in row.ok_ids()
            self.answered += hit
            self.useful += hit or (d.kind == "suggest" and bool(row.ok_ids() & set(d.suggestions)))
            self.false_urgent += d.kind == "urgent"
        self.kinds[row.group][0] += 1
        self.kinds[row.group][1] += hit
        if not hit:
            self.misses.append((row, d))

    @property
    def near_misses(self) -> int:
        return self.inscope + self.nones

    def summary(self) -> str:
        def share(a: int, b: int) -> str:
            return f"{a}/{b} ({a / b:.1%})" if b else "-"

        return (
            f"answered right {share(self.answered, self.inscope)}, right or suggested "
            f"{share(self.useful, self.inscope)}, not covered rejected "
            f"{share(self.rejected, self.nones)}, red flags caught "
            f"{share(self.caught, self.urgents)}, false urgent "
            f"{share(self.false_urgent, self.near_misses)}"
        )


def load_rows(path: Path) -> list[Row]:
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path}: a question set is a list of rows")
    rows: list[Row] = []
    for n, r in enumerate(raw, start=1):
        if not isinstance(r, dict) or not isinstance(r.get("q"), str) or "expect" not in r:
            raise ValueError(f"{path}: row {n} needs 'q' (text) and 'expect'")
        rows.append(Row(r["q"], str(r["expect"]), tuple(r.get("also") or ()), r.get("kind", "")))
    return rows


def score(matcher: Matcher, rows: Iterable[Row], mode: Mode) -> Tally:
    tally = Tally()
    for row in rows:
        tally.add(row, matcher.match(row.q, mode))
    return tally


def find_sets(*folders: Path) -> list[Path]:
    """Every labelled question set in these folders (YAML lists of rows with q and expect)."""
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                head = path.read_text(encoding="utf-8")[:4000]
                if "q:" in head and "expect:" in head:
                    found.append(path)
    return found


def report(matcher: Matcher, sets: list[Path], modes: list[Mode], show_misses: bool) -> str:
    lines: list[str] = []
    for path in sets:
        rows = load_rows(path)
        for mode in modes:
            t = score(matcher, rows, mode)
            lines.append(f"{path.name} [{mode}] {t.summary()}")
            kinds = ", ".join(f"{k} {ok}/{n}" for k, (n, ok) in sorted(t.kinds.items()))
            lines.append(f"    by kind: {kinds}")
            if show_misses:
                for row, d in t.misses:
                    got = d.entry or ",".join(d.suggestions) or "-"
                    lines.append(f"    MISS expect={row.expect} got={d.kind}:{got}  | {row.q}")
    return "\n".join(lines)
