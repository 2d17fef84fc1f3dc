"""Load and validate knowledge/: the FAQ, the disclaimer, the red flags and the routines.

Every problem is reported as ``file: entry 'id': 'field' ...`` so a club admin who edits
the YAML can find it, never as a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bot.config import PROJECT_ROOT
from bot.phrases import GAP
from bot.textnorm import clean, tokens

TOPICS: dict[str, str] = {
    "causes": "Causes",
    "prevention": "Prevention",
    "treatment": "Treatment",
    "more": "More",
}
EXERCISE_KINDS = ("dynamic", "static", "core")
# Discord embed limits: title 256, description 4096, field value 1024.
MAX_TITLE = 256
MAX_ANSWER = 4096
MAX_SHORT_TEXT = 1024
UNFORESEEN = "please check the file's layout against the comments at its top"
log = logging.getLogger(__name__)
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class KnowledgeError(Exception):
    """knowledge/ has one or more problems; ``problems`` lists them one a line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FaqEntry:
    id: str
    topic: str
    title: str
    section: str
    answer: str
    phrasings: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    asks: tuple[str, ...] = ()  # the kinds of question it answers (language.yaml asks)


Phrase = tuple[str, ...]  # a word or phrase an admin wrote, as its words


@dataclass(frozen=True)
class RedFlag:
    """One red flag as word lists: see knowledge/redflags.yaml for what each list means."""

    name: str
    needs: str  # one of NEEDS: what else the message must mention for the flag to count
    alone: tuple[Phrase, ...]
    together: tuple[tuple[tuple[Phrase, ...], ...], ...]  # combos of word lists
    other_senses: tuple[Phrase, ...]
    not_with: tuple[Phrase, ...] = ()  # a combination in a sentence with one of these is not it


@dataclass(frozen=True)
class TriageScope:
    """The NegEx/ConText word lists that decide whether a mention is a current report."""

    negation: tuple[Phrase, ...]
    negation_after: tuple[Phrase, ...]
    pseudo_negation: tuple[Phrase, ...]  # a phrase may hold "..." for "later in the sentence"
    answer_no: tuple[Phrase, ...]
    termination: tuple[Phrase, ...]
    window: int
    hypothetical: tuple[Phrase, ...]
    general: tuple[Phrase, ...]
    experience: tuple[Phrase, ...]
    anaphora: tuple[Phrase, ...]
    past: tuple[Phrase, ...]
    checked_by: tuple[Phrase, ...]
    all_clear: tuple[Phrase, ...]


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    kind: str
    targets: tuple[str, ...]
    steps: tuple[str, ...]
    dose: str


@dataclass(frozen=True)
class DayRoutine:
    name: str
    stretches: tuple[Exercise, ...]
    core: tuple[Exercise, ...]


@dataclass(frozen=True)
class Knowledge:
    entries: dict[str, FaqEntry]
    disclaimer: str
    not_covered: str
    urgent_reply: str
    red_flags: tuple[RedFlag, ...]
    flag_back_words: tuple[Phrase, ...]  # redflags.yaml's: a message is about the back
    flag_back_other_senses: tuple[Phrase, ...]
    flag_pain_words: tuple[Phrase, ...]
    scope: TriageScope
    synonyms: dict[str, str]
    back_words: tuple[str, ...]
    symptom_words: tuple[str, ...]
    off_topic: tuple[str, ...]  # body parts and subjects the guide does not cover
    off_topic_subjects: tuple[str, ...]  # the subjects alone (kit, weather, logistics...)
    back_other_senses: tuple[str, ...]
    asks: dict[str, tuple[str, ...]]  # kind of question -> how members ask it
    exercises: dict[str, Exercise]
    week: tuple[DayRoutine, ...]
    source: Path = field(default=PROJECT_ROOT / "knowledge")

    def by_kind(self, kind: str) -> list[Exercise]:
        return [e for e in self.exercises.values() if e.kind == kind]


class _Checker:
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
class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when present), refusing a key written twice in a mapping:
    plain YAML would silently keep the last ``answer:`` an admin typed."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
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
        return super().construct_mapping(node, deep=deep)


_SafeLoader = _UniqueKeyLoader


def _read_yaml(path: Path, check: _Checker) -> Any:
    if not path.is_file():
        check.fail("", "file is missing")
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
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


FAQ_TOP = ("disclaimer", "not_covered", "entries")
FAQ_FIELDS = (
    "id",
    "topic",
    "title",
    "section",
    "answer",
    "asks",
    "phrasings",
    "keywords",
    "related",
)


def _load_faq(path: Path, check: _Checker) -> tuple[dict[str, FaqEntry], str | None, str | None]:
    data = _read_yaml(path, check)
    entries: dict[str, FaqEntry] = {}
    declared: set[str] = set()  # ids of entries with errors too: reported once, not again
    if data is None or not check.fields(data, FAQ_TOP, ""):
        return entries, None, None
    disclaimer = check.text(data, "disclaimer", "", MAX_SHORT_TEXT)
    not_covered = check.text(data, "not_covered", "", MAX_SHORT_TEXT)
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        check.fail("", "'entries' must be a list of entries")
        return entries, disclaimer, not_covered
    for n, raw in enumerate(raw_entries, start=1):
        ident = raw.get("id") if isinstance(raw, dict) else None
        where = f"entry '{ident}': " if isinstance(ident, str) else f"entry #{n}: "
        if not check.fields(raw, FAQ_FIELDS, where):
            continue
        if not isinstance(ident, str) or not ID_RE.match(ident):
            check.fail(where, "'id' must be lower-case words joined by hyphens")
            continue
        if ident in declared:
            check.fail(where, "duplicate id")
            continue
        declared.add(ident)
        topic = check.text(raw, "topic", where, 40)
        if topic is not None and topic not in TOPICS:
            check.fail(where, f"'topic' must be one of {', '.join(TOPICS)}, got {topic!r}")
            topic = None
        title = check.text(raw, "title", where, MAX_TITLE)
        section = check.text(raw, "section", where, MAX_TITLE)
        answer = check.text(raw, "answer", where, MAX_ANSWER)
        phrasings = check.texts(raw, "phrasings", where)
        keywords = check.texts(raw, "keywords", where)
        related = check.texts(raw, "related", where)
        asks = check.texts(raw, "asks", where)
        if topic is None or title is None or section is None or answer is None:
            continue
        entries[ident] = FaqEntry(
            ident, topic, title, section, answer, phrasings, keywords, related, asks
        )
    if not entries and not declared:
        check.fail("", "'entries' is empty: the bot needs at least one FAQ entry to answer")
    for entry in entries.values():
        for other in entry.related:
            if other not in declared:
                check.fail(f"entry '{entry.id}': ", f"'related' names unknown entry '{other}'")
    return entries, disclaimer, not_covered


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
SCOPE_FIELDS = (*SCOPE_LISTS, "window")
MAX_PHRASE_WORDS = 8
MAX_TOPIC_WORDS = 4  # back words, symptom words and off-topic phrases
LANGUAGE_TOP = (
    "synonyms",
    "back_words",
    "back_other_senses",
    "symptom_words",
    "off_topic",
    "asks",
)
MAX_WINDOW = 20


def _load_together(raw: Any, check: _Checker, where: str) -> tuple[tuple[Phrase, ...], ...]:
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


def _load_scope(raw: Any, check: _Checker) -> TriageScope | None:
    where = "'scope': "
    if raw is None:
        check.fail("", "'scope' is missing")
        return None
    if not check.fields(raw, SCOPE_FIELDS, where):
        return None
    lists = {key: check.phrases(raw, key, where, required=True) for key in SCOPE_LISTS}
    window = raw.get("window")
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= MAX_WINDOW:
        check.fail(where, f"'window' must be a whole number of words from 1 to {MAX_WINDOW}")
        return None
    return TriageScope(window=window, **lists)


def _load_flag(raw: Any, n: int, check: _Checker) -> RedFlag | None:
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
    return RedFlag(name.strip(), needs, alone, together, other, not_with)


def _load_triage(path: Path, check: _Checker) -> dict[str, Any]:
    data = _read_yaml(path, check)
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


def _load_language(path: Path, check: _Checker) -> dict[str, Any]:
    data = _read_yaml(path, check)
    out: dict[str, Any] = {
        "synonyms": {},
        "back_words": (),
        "back_other_senses": (),
        "symptom_words": (),
        "body": (),
        "subjects": (),
        "asks": {},
    }
    if data is None or not check.fields(data, LANGUAGE_TOP, ""):
        return out
    synonyms = data.get("synonyms") or {}
    if not isinstance(synonyms, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        for k, v in synonyms.items()
    ):
        check.fail("", "'synonyms' must map a word or phrase to the words that replace it")
    else:
        out["synonyms"] = {k.lower().strip(): v.lower().strip() for k, v in synonyms.items()}
    off_topic = data.get("off_topic") or {}
    if not check.fields(off_topic, ("body", "subjects"), "'off_topic': "):
        off_topic = {}
    lists = (
        (data, "back_words", "", True),
        (data, "back_other_senses", "", False),
        (data, "symptom_words", "", False),
        (off_topic, "body", "'off_topic': ", False),
        (off_topic, "subjects", "'off_topic': ", False),
    )
    for source, key, where, required in lists:
        words = tuple(w.lower() for w in check.texts(source, key, where, required))
        for w in words:
            if len(w.split()) > MAX_TOPIC_WORDS:
                check.fail(where, f"'{key}' holds {w!r}: at most {MAX_TOPIC_WORDS} words")
        out[key] = words
    asks = data.get("asks") or {}
    if not isinstance(asks, dict) or not all(isinstance(k, str) for k in asks):
        check.fail("", "'asks' must map each kind of question to the phrases that ask it")
    else:
        out["asks"] = {
            kind.strip(): check.texts(asks, kind, f"'asks' kind '{kind}': ", True) for kind in asks
        }
    return out


ROUTINES_TOP = ("exercises", "week")
EXERCISE_FIELDS = ("id", "name", "kind", "targets", "steps", "dose")
DAY_FIELDS = ("name", "stretches", "core")


def _load_routines(
    path: Path, check: _Checker
) -> tuple[dict[str, Exercise], tuple[DayRoutine, ...]]:
    data = _read_yaml(path, check)
    exercises: dict[str, Exercise] = {}
    declared: set[str] = set()  # ids of exercises with errors too: reported once, not again
    if data is None or not check.fields(data, ROUTINES_TOP, ""):
        return exercises, ()
    raw_ex = data.get("exercises")
    if not isinstance(raw_ex, list) or not raw_ex:
        check.fail("", "'exercises' must be a non-empty list")
        raw_ex = []
    for n, raw in enumerate(raw_ex, start=1):
        ident = raw.get("id") if isinstance(raw, dict) else None
        where = f"exercise '{ident}': " if isinstance(ident, str) else f"exercise #{n}: "
        if not check.fields(raw, EXERCISE_FIELDS, where):
            continue
        if not isinstance(ident, str) or not ID_RE.match(ident):
            check.fail(where, "'id' must be lower-case words joined by hyphens")
            continue
        if ident in declared:
            check.fail(where, "duplicate id")
            continue
        declared.add(ident)
        name = check.text(raw, "name", where, 100)
        kind = check.text(raw, "kind", where, 20)
        if kind is not None and kind not in EXERCISE_KINDS:
            check.fail(where, f"'kind' must be one of {', '.join(EXERCISE_KINDS)}, got {kind!r}")
            kind = None
        dose = check.text(raw, "dose", where, 100)
        steps = check.texts(raw, "steps", where, required=True)
        targets = check.texts(raw, "targets", where)
        if None in (name, kind, dose) or not steps:
            continue
        exercises[ident] = Exercise(ident, name, kind, targets, steps, dose)  # type: ignore[arg-type]
    week: list[DayRoutine] = []
    raw_week = data.get("week")
    if not isinstance(raw_week, list) or len(raw_week) != 7:
        check.fail("", "'week' must list exactly 7 daily routines")
        raw_week = raw_week if isinstance(raw_week, list) else []
    for n, raw in enumerate(raw_week, start=1):
        where = f"week day {n}: "
        if not check.fields(raw, DAY_FIELDS, where):
            continue
        name = check.text(raw, "name", where, 100)
        parts: dict[str, tuple[Exercise, ...]] = {}
        for key, kinds in (("stretches", ("dynamic", "static")), ("core", ("core",))):
            picked = []
            for ex_id in check.texts(raw, key, where, required=True):
                ex = exercises.get(ex_id)
                if ex is None:
                    if ex_id not in declared:
                        check.fail(where, f"'{key}' names unknown exercise '{ex_id}'")
                elif ex.kind not in kinds:
                    check.fail(where, f"'{key}' lists '{ex_id}', which is a {ex.kind} exercise")
                else:
                    picked.append(ex)
            parts[key] = tuple(picked)
        if name is not None and parts["stretches"] and parts["core"]:
            week.append(DayRoutine(name, parts["stretches"], parts["core"]))
    seen: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    for n, day in enumerate(week, start=1):
        key = (tuple(e.id for e in day.stretches), tuple(e.id for e in day.core))
        for part, ids in zip(("stretches", "core"), key, strict=True):
            if len(set(ids)) != len(ids):
                check.fail(f"week day {n}: ", f"'{part}' lists an exercise twice")
        if key in seen:
            check.fail(f"week day {n}: ", f"is the same routine as day {seen[key]}")
        seen.setdefault(key, n)
    return exercises, tuple(week)


T = TypeVar("T")


def _guarded(load: Callable[[Path, _Checker], T], path: Path, check: _Checker, empty: T) -> T:
    """Run one file's loader; a shape it did not foresee is a problem report, not a crash."""
    try:
        return load(path, check)
    except Exception as exc:  # the loader's checks missed a shape; say so, never crash
        log.exception("unexpected error reading %s", path)
        check.fail("", f"could not be read ({type(exc).__name__}): {UNFORESEEN}")
        return empty


def load_knowledge(directory: Path | None = None) -> Knowledge:
    """Read and validate knowledge/; raise KnowledgeError listing every problem found."""
    base = Path(directory) if directory is not None else PROJECT_ROOT / "knowledge"
    faq_check = _Checker(base / "faq.yaml", base)
    triage_check = _Checker(base / "redflags.yaml", base)
    language_check = _Checker(base / "language.yaml", base)
    routines_check = _Checker(base / "routines.yaml", base)
    entries, disclaimer, not_covered = _guarded(
        _load_faq, base / "faq.yaml", faq_check, ({}, None, None)
    )
    triage = _guarded(_load_triage, base / "redflags.yaml", triage_check, {})
    language = _guarded(_load_language, base / "language.yaml", language_check, {"asks": {}})
    exercises, week = _guarded(_load_routines, base / "routines.yaml", routines_check, ({}, ()))
    for entry in entries.values() if not language_check.problems else ():
        for kind in entry.asks:
            if kind not in language["asks"]:
                known = ", ".join(language["asks"]) or "none defined"
                faq_check.fail(
                    f"entry '{entry.id}': ",
                    f"'asks' names '{kind}', which language.yaml's asks does not define"
                    f" (it has: {known})",
                )
    problems = [
        *faq_check.problems,
        *triage_check.problems,
        *language_check.problems,
        *routines_check.problems,
    ]
    if problems:
        raise KnowledgeError(problems)
    return Knowledge(
        entries=entries,
        disclaimer=disclaimer or "",
        not_covered=not_covered or "",
        urgent_reply=triage["reply"] or "",
        red_flags=triage["flags"],
        flag_back_words=triage["back"],
        flag_back_other_senses=triage["back_other"],
        flag_pain_words=triage["pain"],
        scope=triage["scope"],
        synonyms=language["synonyms"],
        back_words=language["back_words"],
        symptom_words=language["symptom_words"],
        off_topic=language["body"] + language["subjects"],
        off_topic_subjects=language["subjects"],
        back_other_senses=language["back_other_senses"],
        asks=language["asks"],
        exercises=exercises,
        week=week,
        source=base,
    )


def removals(running: Knowledge, edited: Knowledge) -> list[str]:
    """What an edit takes away from the running knowledge: red flags, entries, exercises.

    A reload refuses these (a hot swap must never lose a safety net or an answer members
    see); a restart after ``check`` is how a club retires them on purpose.
    """
    kept_flags = {f.name for f in edited.red_flags}
    lost = [f"red flag '{f.name}'" for f in running.red_flags if f.name not in kept_flags]
    lost += [f"entry '{i}'" for i in running.entries if i not in edited.entries]
    lost += [f"exercise '{i}'" for i in running.exercises if i not in edited.exercises]
    return lost
