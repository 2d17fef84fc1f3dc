"""Every FAQ entry scored against one analysed message, through an inverted index.

An entry's text is its title, its phrasings and its keywords (counting double). A message
scores against it by tf-idf: half cosine, half the share of the message's information the
entry covers, each word weighed by its sentence (bot.core.analysis). Keywords add a bonus when
they appear close together; an overview entry's keywords lift the rest of its topic a little.
Only entries that share a rare word or a keyword with the message are scored at all.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.analysis import STOP_STEMS, Analysis, Analyzer
from bot.core.knowledge import Knowledge

KEYWORD_WEIGHT = 0.3
COSINE_SHARE = 0.5
RARE_DF_MIN = 50
TOPIC_SHARE = 0.5


@dataclass(frozen=True)
class Scores:
    cos: dict[int, float]
    bonus: dict[int, float]
    keyword_in_ask: bool  # an entry keyword stands in a sentence that asks


@dataclass(frozen=True)
class _Keyword:
    phrase: tuple[str, ...]
    entry: int
    ordered: bool
    weight: float


class EntryIndex:
    """Built once per Knowledge; ``scores(analysis)`` gives (cosine, keyword bonus) by entry."""

    def __init__(self, knowledge: Knowledge, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        entries = list(knowledge.entries.values())
        entry_tf, df = self._entry_features(knowledge)
        n = max(len(entry_tf), 1)
        # Words and keywords found in many entries ("upper back pain") only refine scores;
        # they do not make an entry a candidate, so a question touches a few entries, not all.
        rare_df = max(RARE_DF_MIN, n // 40)
        self._idf = {f: math.log(1 + n / d) for f, d in df.items()}
        self._max_idf = math.log(1 + n)
        self._build_index(entry_tf, df, rare_df)
        self._build_keywords(knowledge, df, n, rare_df)
        self._topic_members: dict[int, list[int]] = {
            i: [j for j, o in enumerate(entries) if o.topic == e.topic and j != i]
            for i, e in enumerate(entries)
            if e.id == e.topic
        }

    def _content(self, text: str) -> tuple[str, ...]:
        return self._analyzer.analyse_text(text).content_stems

    def _entry_features(
        self, knowledge: Knowledge
    ) -> tuple[list[dict[str, float]], dict[str, int]]:
        """Each entry's feature counts (title, phrasings, and keywords counting double)."""
        df: dict[str, int] = defaultdict(int)
        entry_tf: list[dict[str, float]] = []
        for e in knowledge.entries.values():
            tf: dict[str, float] = defaultdict(float)
            weighted = [(e.title, 1.0), *((p, 1.0) for p in e.phrasings)]
            weighted += [(k, 2.0) for k in e.keywords]
            for text, weight in weighted:
                content = self._content(text)
                for feat in [*content, *(f"{a}_{b}" for a, b in itertools.pairwise(content))]:
                    tf[feat] += weight
            for feat in tf:
                df[feat] += 1
            entry_tf.append(tf)
        return entry_tf, df

    def _build_index(
        self, entry_tf: list[dict[str, float]], df: dict[str, int], rare_df: int
    ) -> None:
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._index: dict[str, list[int]] = defaultdict(list)
        for idx, tf in enumerate(entry_tf):
            vec = {f: (1 + math.log(v)) * self._idf[f] for f, v in tf.items()}
            norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
            for f, w in vec.items():
                self._postings[f].append((idx, w / norm))
                if df[f] <= rare_df:
                    self._index[f].append(idx)

    def _build_keywords(
        self, knowledge: Knowledge, df: dict[str, int], n: int, rare_df: int
    ) -> None:
        entries_of: dict[tuple[str, ...], set[int]] = defaultdict(set)
        found: list[tuple[tuple[str, ...], int, bool]] = []
        for idx, e in enumerate(knowledge.entries.values()):
            for k in e.keywords:
                ka = self._analyzer.analyse_text(k)
                # A keyword made only of content words matches those words close together in
                # any order; one with small words ("run with") must match as written.
                ordered = len(ka.content) != len(ka.stems)
                phrase = ka.stems if ordered else ka.content_stems
                if phrase and idx not in entries_of[phrase]:
                    entries_of[phrase].add(idx)
                    found.append((phrase, idx, ordered))
        self._keywords: dict[str, list[_Keyword]] = defaultdict(list)
        for phrase, idx, ordered in found:
            if len(entries_of[phrase]) > rare_df:
                continue  # a keyword of that many entries tells them apart no more than a word
            content_words = len([p for p in phrase if p not in STOP_STEMS])
            weight = (
                KEYWORD_WEIGHT
                * (1 + 0.5 * max(0, content_words - 1))
                * math.log(1 + n / len(entries_of[phrase]))
                / math.log(1 + n)
            )
            # unordered keywords are looked up by their rarest word, to keep lists short
            key = phrase[0] if ordered else min(phrase, key=lambda p: (df.get(p, 0), p))
            self._keywords[key].append(_Keyword(phrase, idx, ordered, weight))

    def vector(self, a: Analysis) -> dict[str, float]:
        """The message's tf-idf vector: its content stems and the pairs of them in one
        sentence, each weighed by its sentence (the learned phrasings compare these)."""
        return self._query(a)

    def _query(self, a: Analysis) -> dict[str, float]:
        counts: dict[str, int] = defaultdict(int)
        weights: dict[str, float] = defaultdict(float)
        for n, i in enumerate(a.content):
            feats = [a.stems[i]]
            if n and a.sentence[a.content[n - 1]] == a.sentence[i]:
                feats.append(f"{a.stems[a.content[n - 1]]}_{a.stems[i]}")
            for f in feats:
                counts[f] += 1
                weights[f] = max(weights[f], a.weight[i])
        return {
            f: (1 + math.log(c)) * self._idf.get(f, self._max_idf) * weights[f]
            for f, c in counts.items()
        }

    def _keyword_hits(self, a: Analysis) -> list[tuple[_Keyword, int]]:
        """Each keyword found, with the index of the stem where it was found."""
        stems = a.stems
        positions: dict[str, list[int]] = defaultdict(list)
        for n, i in enumerate(a.content):
            positions[stems[i]].append(n)
        hits = [
            (k, i)
            for i, s in enumerate(stems)
            for k in self._keywords.get(s, ())
            if k.ordered and stems[i : i + len(k.phrase)] == k.phrase
        ]
        for s in positions:
            for k in self._keywords.get(s, ()):
                if not k.ordered:
                    spot = _near(k.phrase, positions)
                    if spot is not None:
                        hits.append((k, a.content[spot]))
        return hits

    def scores(self, a: Analysis, extra: Iterable[int] = ()) -> Scores:
        """Cosine and keyword bonus of each candidate entry; ``extra`` are candidates too."""
        qvec = self._query(a)
        qnorm = math.sqrt(sum(w * w for w in qvec.values())) or 1.0
        qmass = sum(w * w for w in qvec.values()) or 1.0
        bonus: dict[int, float] = defaultdict(float)
        found = self._keyword_hits(a)
        hits = [(k, a.weight[i]) for k, i in found]
        for k, w in hits:
            bonus[k.entry] += k.weight * w
        candidates = set(bonus) | set(extra)
        for f in qvec:
            candidates.update(self._index.get(f, ()))
        for k, w in hits:
            # An overview entry's keywords ("why", "prevent") say what kind of answer is
            # wanted, so they lift the other candidates of that topic a little.
            for other in self._topic_members.get(k.entry, ()):
                if other in candidates:
                    bonus[other] += k.weight * w * TOPIC_SHARE
        cos: dict[int, float] = dict.fromkeys(candidates, 0.0)
        for f, w in qvec.items():
            share = (1 - COSINE_SHARE) * w * w / qmass
            scale = COSINE_SHARE * w / qnorm
            for idx, v in self._postings.get(f, ()):
                if idx in cos:
                    cos[idx] += scale * v + share
        in_ask = any(not a.has_ask or a.asking[a.sentence[i]] for _, i in found)
        return Scores(cos, dict(bonus), in_ask)


def _near(phrase: tuple[str, ...], positions: dict[str, list[int]]) -> int | None:
    """Where the phrase's words stand close together (any order), or None."""
    if any(p not in positions for p in phrase):
        return None
    spots = sorted(min(positions[p]) for p in phrase)
    if spots[-1] - spots[0] <= len(phrase) + 1:
        return spots[0]
    return None
