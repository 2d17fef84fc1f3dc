"""Load and validate knowledge/ as a whole; tell what an edit would take away.

Every problem is reported as ``file: entry 'id': 'field' ...`` so a club admin who edits
the YAML can find it, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.core.knowledge.faq import load_faq
from bot.core.knowledge.language import load_language
from bot.core.knowledge.model import (
    DEFAULT_DIR,
    DayRoutine,
    Exercise,
    FaqEntry,
    Knowledge,
    KnowledgeError,
)
from bot.core.knowledge.redflags import load_redflags
from bot.core.knowledge.routines import load_routines
from bot.core.knowledge.yamlfile import Checker

UNFORESEEN = "please check the file's layout against the comments at its top"
log = logging.getLogger(__name__)
T = TypeVar("T")


def _guarded(load: Callable[[Path, Checker], T], path: Path, check: Checker, empty: T) -> T:
    """Run one file's loader; a shape it did not foresee is a problem report, not a crash."""
    try:
        return load(path, check)
    except Exception as exc:  # the loader's checks missed a shape; say so, never crash
        log.exception("unexpected error reading %s", path)
        check.fail("", f"could not be read ({type(exc).__name__}): {UNFORESEEN}")
        return empty


def load_knowledge(directory: Path | None = None) -> Knowledge:
    """Read and validate knowledge/; raise KnowledgeError listing every problem found.

    Without a directory, the knowledge that ships with the bot (DEFAULT_DIR). A folder that
    does not exist is one problem, naming its absolute path.
    """
    base = Path(directory) if directory is not None else DEFAULT_DIR
    if not base.is_dir():
        raise KnowledgeError([f"{base.absolute()}: there is no such folder"])
    faq_check = Checker(base / "faq.yaml", base)
    triage_check = Checker(base / "redflags.yaml", base)
    language_check = Checker(base / "language.yaml", base)
    routines_check = Checker(base / "routines.yaml", base)
    no_faq: tuple[dict[str, FaqEntry], str | None, str | None] = ({}, None, None)
    no_routines: tuple[dict[str, Exercise], tuple[DayRoutine, ...]] = ({}, ())
    entries, disclaimer, not_covered = _guarded(load_faq, base / "faq.yaml", faq_check, no_faq)
    triage: dict[str, Any] = _guarded(load_redflags, base / "redflags.yaml", triage_check, {})
    language: dict[str, Any] = _guarded(
        load_language, base / "language.yaml", language_check, {"asks": {}}
    )
    exercises, week = _guarded(load_routines, base / "routines.yaml", routines_check, no_routines)
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
