"""Find known phrases in a token list in one pass: each phrase is looked up by its first stem.

A phrase is a tuple of stems. The stem "..." inside a phrase stands for any words of the same
clause, up to a comma or the end of the sentence ("never ... before"). Matching is exact on
stems, so inflections meet when the stemmer makes them meet (numb, numbness, numbing -> numb).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

GAP = "..."
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class Hit(Generic[T_co]):
    start: int
    end: int  # exclusive
    tag: T_co

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Hit[object]) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Hit[object]) -> bool:
        return self.start <= other.start and other.end <= self.end


class PhraseIndex(Generic[T]):
    def __init__(self, phrases: Iterable[tuple[tuple[str, ...], T]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[tuple[str, ...], ...], T]]] = defaultdict(list)
        seen: set[tuple[tuple[tuple[str, ...], ...], T]] = set()
        for phrase, tag in phrases:
            parts = _split(phrase)
            if parts and (parts, tag) not in seen:  # inflections can stem alike
                seen.add((parts, tag))
                self._by_first[parts[0][0]].append((parts, tag))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, stems: Sequence[str], sentence: Sequence[int]) -> list[Hit[T]]:
        hits: list[Hit[T]] = []
        for i, s in enumerate(stems):
            for parts, tag in self._by_first.get(s, ()):
                end = _match(parts, stems, sentence, i)
                if end is not None:
                    hits.append(Hit(i, end, tag))
        return hits


def _split(phrase: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    parts: list[tuple[str, ...]] = [()]
    for word in phrase:
        if word == GAP:
            parts.append(())
        else:
            parts[-1] = (*parts[-1], word)
    return tuple(p for p in parts if p)


def _match(
    parts: tuple[tuple[str, ...], ...], stems: Sequence[str], sentence: Sequence[int], i: int
) -> int | None:
    first = parts[0]
    end = i + len(first)
    if tuple(stems[i:end]) != first:
        return None
    for part in parts[1:]:
        j = end
        while j + len(part) <= len(stems) and sentence[j] == sentence[i] and stems[j] != ",":
            if tuple(stems[j : j + len(part)]) == part:
                break
            j += 1
        else:
            return None
        end = j + len(part)
    return end


def unshadowed(hits: Iterable[Hit[T]], others: Sequence[Hit[object]]) -> list[Hit[T]]:
    """The hits that no other-sense hit shadows. A hit survives only the other senses it
    contains: "struggling to catch my breath" keeps its symptom, while "fell behind" and
    "tightness in my chest muscles" hide theirs."""
    return [h for h in hits if not any(o.overlaps(h) and not h.contains(o) for o in others)]
