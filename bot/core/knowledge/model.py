"""What the knowledge base holds, once loaded and checked: entries, red flags, routines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


def _default_dir() -> Path:
    """The club's FAQ, red flags, language and routines that ship with the bot.

    An installed bot carries them inside its package, as bot/knowledge/ (package data, see
    setup.py); a source checkout or an editable install reads the repository's knowledge/,
    beside the package.
    """
    package = Path(__file__).resolve().parents[2]
    shipped = package / "knowledge"
    return shipped if shipped.is_dir() else package.parent / "knowledge"


DEFAULT_DIR = _default_dir()

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
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_PHRASE_WORDS = 8
MAX_TOPIC_WORDS = 4  # back words, symptom words and off-topic phrases
MAX_WINDOW = 20


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
    general_post: tuple[Phrase, ...] = ()  # the whole post asks in general
    negation_near: tuple[Phrase, ...] = ()  # negation over only the next `near_window` words
    near_window: int = 2
    long_ago: tuple[Phrase, ...] = ()  # "last spring", "six weeks ago": an episode long over
    recent: tuple[Phrase, ...] = ()  # "today", "again", "i have": the member's now
    continues: tuple[Phrase, ...] = ()  # "it keeps happening": no episode in the post is over


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
    source: Path = field(default=DEFAULT_DIR)

    def by_kind(self, kind: str) -> list[Exercise]:
        return [e for e in self.exercises.values() if e.kind == kind]
