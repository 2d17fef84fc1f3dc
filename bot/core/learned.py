"""A server's learned phrasings as the matcher reads them: plain data, no store.

A server's admins teach the bot from its unanswered questions ("this is entry X"). The shell
reads that server's phrasings from the store and hands them to ``Matcher.learned``, which
returns a ``LearnedIndex``; ``Matcher.match(text, mode, learned=index)`` then answers a
message close enough to one of them with its entry. Red-flag triage runs before it, so a
learned phrasing never stands between a member and the urgent-care reply.

Closeness is the cosine of the two tf-idf vectors (bot.core.scoring: content stems and the
pairs of them, weighed by the knowledge base's idf), so a phrasing matches its own wording,
typos, word order and small additions, but not a message that only shares a word with it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

LEARNED_MIN = 0.75  # the cosine a message needs with a learned phrasing to be answered by it


@dataclass(frozen=True)
class LearnedHit:
    entry: str
    phrasing: str
    score: float


class LearnedIndex:
    """Learned phrasings as unit vectors, found through an inverted index of their features.

    Build it with ``Matcher.learned(pairs)``: the vectors must come from that matcher.
    """

    def __init__(self, phrasings: Iterable[tuple[str, str, dict[str, float]]]) -> None:
        self._phrasings: list[tuple[str, str]] = []
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for entry, text, vector in phrasings:
            norm = math.sqrt(sum(w * w for w in vector.values()))
            if not norm:
                continue  # nothing but small words: it could match anything
            idx = len(self._phrasings)
            self._phrasings.append((entry, text))
            for feature, weight in vector.items():
                self._postings[feature].append((idx, weight / norm))

    def __len__(self) -> int:
        return len(self._phrasings)

    def best(self, vector: dict[str, float]) -> LearnedHit | None:
        """The phrasing closest to a message's vector, if it is close enough."""
        norm = math.sqrt(sum(w * w for w in vector.values()))
        if not norm or not self._phrasings:
            return None
        dots: dict[int, float] = defaultdict(float)
        for feature, weight in vector.items():
            for idx, unit in self._postings.get(feature, ()):
                dots[idx] += unit * weight / norm
        if not dots:
            return None
        # the closest; on a tie the first taught, so the answer does not depend on set order
        idx, score = max(dots.items(), key=lambda kv: (round(kv[1], 9), -kv[0]))
        if score < LEARNED_MIN:
            return None
        entry, text = self._phrasings[idx]
        return LearnedHit(entry, text, score)


EMPTY = LearnedIndex(())
