"""The matcher: a member's question becomes answer, suggest, none or urgent.

Plain Python, no Discord. (Placeholder: the real scorer is being written.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.knowledge import FaqEntry, Knowledge

Kind = Literal["answer", "suggest", "none", "urgent"]
Mode = Literal["ask", "channel"]


@dataclass(frozen=True)
class Decision:
    kind: Kind
    entry: str | None = None
    score: float = 0.0
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    flag: str | None = None  # the red flag that made it urgent


class Matcher:
    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    def match(self, question: str, mode: Mode = "ask") -> Decision:
        return Decision("none")

    def complete(self, typed: str, limit: int = 25) -> list[FaqEntry]:
        """FAQ entries whose titles best fit what a member has typed so far (autocomplete)."""
        return list(self.knowledge.entries.values())[:limit]
