"""Typo correction against the knowledge base's own words, never of an English word.

A word is left alone when the knowledge base uses it, when it is an English word (see
bot.core.wordlist), when it is short or not purely letters. Otherwise the closest knowledge-base
word within a Damerau-Levenshtein distance of 1 (2 for words of 7 letters or more) that shares
its first letter replaces it: "numbess" -> "numbness", "shoud" -> "should"; at the same
distance a missed letter is likelier than a wrong one ("chst" is chest, not chat). A word that
only red-flag triage uses is reached from one edit away at most, so "suncream" never turns
into "scream".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.core.wordlist import english_words

MIN_LENGTH = 4


class Speller:
    def __init__(self, vocabulary: Iterable[str], strict: Iterable[str] = ()) -> None:
        self._strict = frozenset(strict)
        self.vocabulary = frozenset(vocabulary) | self._strict
        self._english = english_words()
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self.vocabulary):
            if len(word) >= MIN_LENGTH - 1:
                self._by_initial[word[0]].append(word)
        self.correct = lru_cache(maxsize=16384)(self._correct)

    def _correct(self, word: str) -> str:
        if (
            word in self.vocabulary
            or len(word) < MIN_LENGTH
            or not word.isalpha()
            or word in self._english
        ):
            return word
        limit = 1 if len(word) <= 6 else 2
        # Typos rarely change the first letter, and that keeps "nice" from becoming "ice".
        hits = process.extract(
            word,
            self._by_initial.get(word[0], ()),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
            limit=5,
        )
        # At the same distance a missed letter ("chst": chest) beats a wrong one (chat).
        hits.sort(key=lambda hit: (hit[1], len(hit[0]) <= len(word)))
        for candidate, distance, _ in hits:
            if distance <= 1 or candidate not in self._strict:
                return candidate
        return word
