"""Reading one knowledge file: YAML parsed strictly, and problems collected with their place.

Each problem reads ``file: entry 'id': 'field' ...`` so a club admin finds it at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.core.knowledge.model import ID_RE, MAX_PHRASE_WORDS, Phrase
from bot.core.phrases import GAP
from bot.core.textnorm import clean, tokens


class Checker:
    """Collects problems for one file; each helper returns a usable value or None."""

    def __init__(self, path: Path, base: Path) -> None:
        try:
            self.name = str(path.relative_to(base.parent))
        except ValueError:
            self.name = str(path)
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{self.name}: {where}{message}")

    def text(self, data: dict[str, Any], key: str, where: str, limit: int) -> str | None:
        value = data.get(key)
        if value is None:
            self.fail(where, f"'{key}' is missing")
            return None
        if not isinstance(value, str):
            self.fail(where, f"'{key}' must be text, got {type(value).__name__}")
            return None
        value = value.strip()
        if not value:
            self.fail(where, f"'{key}' is empty")
            return None
        if len(value) > limit:
            self.fail(where, f"'{key}' is {len(value)} characters, more than the {limit} allowed")
            return None
        return value

    def texts(
        self, data: dict[str, Any], key: str, where: str, required: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(where, f"'{key}' is missing")
            return ()
        if isinstance(value, list):
            # a number is a word too: "10/10", "39 degrees"
            value = [
                str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                for v in value
            ]
            for v in value:
                if isinstance(v, bool):  # YAML 1.1 reads a bare no, yes, on or off as true/false
                    self.fail(
                        where,
                        f"'{key}' holds a bare no, yes, on or off, which YAML reads as true or"
                        ' false: write the word in quotes ("no")',
                    )
                    return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(where, f"'{key}' must be a list of non-empty texts")
            return ()
        if required and not value:
            self.fail(where, f"'{key}' is empty")
        return tuple(v.strip() for v in value)

    def identified(
        self, raw: Any, n: int, label: str, allowed: Iterable[str], declared: set[str]
    ) -> tuple[str, str] | None:
        """The id of the n-th item of a list and where it is ("entry 'x': "), once its fields
        are checked and its id is well formed and new; None (and a problem) otherwise."""
        ident = raw.get("id") if isinstance(raw, dict) else None
        where = f"{label} '{ident}': " if isinstance(ident, str) else f"{label} #{n}: "
        if not self.fields(raw, allowed, where):
            return None
        if not isinstance(ident, str) or not ID_RE.match(ident):
            self.fail(where, "'id' must be lower-case words joined by hyphens")
            return None
        if ident in declared:
            self.fail(where, "duplicate id")
            return None
        declared.add(ident)
        return ident, where

    def fields(self, data: Any, allowed: Iterable[str], where: str) -> bool:
        if not isinstance(data, dict):
            self.fail(where, f"must be a mapping of fields, got {type(data).__name__}")
            return False
        odd = [k for k in data if not isinstance(k, str)]
        for key in odd:
            self.fail(where, f"field names must be words, got {key!r}")
        unknown = sorted(set(data) - set(allowed) - set(odd))
        for key in unknown:
            self.fail(where, f"unknown field '{key}' (allowed: {', '.join(sorted(allowed))})")
        return True

    def phrases(
        self, data: dict[str, Any], key: str, where: str, required: bool = False
    ) -> tuple[Phrase, ...]:
        """A list of words or phrases, each as its lower-case words."""
        out: list[Phrase] = []
        for text in self.texts(data, key, where, required):
            parts = [tuple(tokens(clean(part))) for part in text.split(GAP)]
            words = tuple(w for part in parts for w in (*part, GAP))[:-1]
            if not all(parts):
                self.fail(where, f"'{key}' holds {text!r}, which has no words")
            elif len(words) > MAX_PHRASE_WORDS:
                self.fail(where, f"'{key}' holds {text!r}: at most {MAX_PHRASE_WORDS} words")
            else:
                out.append(words)
        return tuple(out)


# libyaml's safe loader when PyYAML was built with it: about 10 times faster, same line numbers.
class UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when present), refusing a key written twice in a mapping:
    plain YAML would silently keep the last ``answer:`` an admin typed."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool | None):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a field name must be a word, not a list or a block",
                    key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"'{key}' is written twice in the same block", key_node.start_mark
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def read_yaml(path: Path, check: Checker) -> Any:
    if not path.is_file():
        check.fail("", "file is missing")
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        check.fail(line, f"not valid YAML: {exc.problem}")
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        check.fail("", f"not valid YAML: {exc}")
    except RecursionError:
        check.fail("", "not valid here: lists or blocks are nested far too deeply")
    else:
        if data is None:
            check.fail("", "file is empty: the bot cannot run without it")
        return data
    return None
