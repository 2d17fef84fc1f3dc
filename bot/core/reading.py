"""A message read once for everything that decides on it: words, stems and sentences.

Triage and the matcher both work on a Reading: the cleaned text split into tokens (typos
corrected, shorthand spelt out), each token's stem, and which sentence it is in. Commas and
sentence ends stay in the token list as marks, because negation scope stops at them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.spelling import Speller
from bot.core.textnorm import SENTENCE_END, clean, is_word, marked_tokens, stem


@dataclass(frozen=True)
class Reading:
    cleaned: str
    tokens: tuple[str, ...]  # words (corrected) and marks ("," "." "?" "!" ";")
    stems: tuple[str, ...]  # each token's stem; a mark is its own stem
    sentence: tuple[int, ...]  # each token's sentence number, from 0

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t for t in self.tokens if is_word(t))

    def sentence_of(self, index: int) -> int:
        return self.sentence[index]


class Reader:
    """Reads messages with one speller, built from every word the knowledge base uses."""

    def __init__(self, vocabulary: Iterable[str], strict: Iterable[str] = ()) -> None:
        self.speller = Speller(vocabulary, strict)

    def read(self, text: str, *, cleaned: str | None = None) -> Reading:
        cleaned = clean(text or "") if cleaned is None else cleaned
        correct = self.speller.correct
        toks = tuple(correct(t) if is_word(t) else t for t in marked_tokens(cleaned))
        sentence: list[int] = []
        n = 0
        for t in toks:
            sentence.append(n)
            if t in SENTENCE_END:
                n += 1
        return Reading(cleaned, toks, tuple(map(stem, toks)), tuple(sentence))
