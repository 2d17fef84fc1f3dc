"""Red-flag triage: symptoms that need prompt medical care, checked before any matching."""

from __future__ import annotations

from bot.knowledge import Knowledge
from bot.textnorm import clean


def red_flag(question: str, knowledge: Knowledge, *, cleaned: str | None = None) -> str | None:
    """The name of the first red flag the question raises, or None."""
    text = cleaned if cleaned is not None else clean(question)
    if not text:
        return None
    has_context: bool | None = None
    for flag in knowledge.red_flags:
        if flag.combined.search(text) is None:
            continue
        if flag.needs_context:
            if has_context is None:
                has_context = any(p.search(text) for p in knowledge.context_patterns)
            if not has_context:
                continue
        return flag.name
    return None
