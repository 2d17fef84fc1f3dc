"""English words: a typo is corrected only when the word is not one of them.

The list is symspellpy's English frequency dictionary (82,765 words, from SCOWL intersected
with Google Books counts), read once. "rain", "couch" and "trail" are words, so they are never
"corrected" into "ran", "coach" or "train"; "beleive" and "numbess" are not.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

_PACKAGE = "symspellpy"
_FILE = "frequency_dictionary_en_82_765.txt"


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    with resources.files(_PACKAGE).joinpath(_FILE).open(encoding="utf-8") as lines:
        return frozenset(line.partition(" ")[0] for line in lines)


def is_english(word: str) -> bool:
    return word in english_words()
