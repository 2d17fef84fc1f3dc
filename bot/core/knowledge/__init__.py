"""The knowledge base: what club admins edit in knowledge/, loaded and checked.

model.py holds what is loaded; one module reads each file (faq, redflags, language, routines)
through yamlfile.py's strict reader; load.py puts them together.
"""

from bot.core.knowledge.load import UNFORESEEN, load_knowledge, removals
from bot.core.knowledge.model import (
    DEFAULT_DIR,
    EXERCISE_KINDS,
    MAX_ANSWER,
    MAX_TOPIC_WORDS,
    TOPICS,
    DayRoutine,
    Exercise,
    FaqEntry,
    Knowledge,
    KnowledgeError,
    Phrase,
    RedFlag,
    TriageScope,
)

__all__ = [
    "DEFAULT_DIR",
    "EXERCISE_KINDS",
    "MAX_ANSWER",
    "MAX_TOPIC_WORDS",
    "TOPICS",
    "UNFORESEEN",
    "DayRoutine",
    "Exercise",
    "FaqEntry",
    "Knowledge",
    "KnowledgeError",
    "Phrase",
    "RedFlag",
    "TriageScope",
    "load_knowledge",
    "removals",
]
