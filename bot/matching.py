"""The matcher: a member's question becomes answer, suggest, none or urgent.

Plain Python, no Discord, deterministic. How it decides:

1. Red flags first (bot.triage): a match is ``urgent`` whatever else the question says.
2. The question is cleaned, misspellings are corrected against the knowledge base's own
   vocabulary (rapidfuzz), members' words are mapped to the FAQ's (language.yaml), and
   words are stemmed.
3. Topic gate: the question must touch the guide's subject, through a back word or an
   entry keyword. Other body parts (knee, shin...) without the upper back are not ours.
4. Every entry is scored at once through an inverted index: tf-idf cosine between the
   question and all of the entry's phrasings, plus a bonus per entry keyword found. The
   best entry overall wins, so answers never depend on file order.
5. Decision rule: ``answer`` when the winner is strong and clearly ahead of the runner-up,
   ``suggest`` (up to 3) when it is plausible but close, otherwise ``none``. In channel
   mode the bar is higher, the message must read as a question, and there is no suggest.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from bot.knowledge import FaqEntry, Knowledge
from bot.reading import Reader, Reading
from bot.textnorm import STOPWORDS, clean, stem, tokens
from bot.triage import Triage

Kind = Literal["answer", "suggest", "none", "urgent"]
Mode = Literal["ask", "channel"]

STOP_STEMS = frozenset(stem(w) for w in STOPWORDS)
KEYWORD_WEIGHT = 0.3
COSINE_SHARE = 0.5
RARE_DF_MIN = 50
TOPIC_SHARE = 0.5
ANSWER_MIN = 0.40
ANSWER_MARGIN = 0.08
SUGGEST_MIN = 0.30
LONE_WINNER_RATIO = 0.55
NO_BODY_MIN = 0.40
NO_BODY_CHANNEL_MIN = 0.60
MAX_PHRASE = 4
CHANNEL_MIN = 0.40
CHANNEL_MARGIN = 0.10
CHANNEL_MIN_WORDS = 3
QUESTION_CUES = re.compile(
    r"\b(could|would|should|can|is|does|do|did|will|am|are)\s+(i|that|it|this|my|you|we|a|the)\b"
    r"|\bhow\s+(do|can|should|to|long|much|often)\b|\b(tips|advice|remed(y|ies)|ideas|"
    r"suggestions|recommend\w*|pls|please)\b"
)
QUESTION_STARTS = frozenset(
    """how what why when where which who whose whom should can could would will is are am
    does do did any anyone anybody tips advice help best ideas thoughts recommend
    recommendations worth ok okay normal wondering""".split()
)


@dataclass(frozen=True)
class Decision:
    kind: Kind
    entry: str | None = None
    score: float = 0.0
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    flag: str | None = None  # the red flag that made it urgent


@dataclass(frozen=True)
class _Keyword:
    phrase: tuple[str, ...]
    entry: int
    ordered: bool
    weight: float


@dataclass(frozen=True)
class _Analysis:
    cleaned: str
    words: tuple[str, ...]  # corrected, synonym-mapped words, stopwords kept
    stems: tuple[str, ...]
    content: tuple[str, ...]  # stems without stopwords


class Matcher:
    """Scores questions against a Knowledge; build once, then call match() per question."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._ids: list[str] = list(knowledge.entries)
        self._build_language(knowledge)
        entry_tf, df = self._entry_features(knowledge)
        n = max(len(entry_tf), 1)
        # Words and keywords found in many entries ("upper back pain") only refine scores;
        # they do not make an entry a candidate, so a question touches a few entries, not all.
        rare_df = max(RARE_DF_MIN, n // 40)
        self._idf = {f: math.log(1 + n / d) for f, d in df.items()}
        self._max_idf = math.log(1 + n)
        self._build_index(entry_tf, df, rare_df)
        self._build_keywords(knowledge, df, n, rare_df)
        self._titles = {e.id: clean(e.title) for e in knowledge.entries.values()}
        entries = list(knowledge.entries.values())
        self._topic_members: dict[int, list[int]] = {
            i: [j for j, o in enumerate(entries) if o.topic == e.topic and j != i]
            for i, e in enumerate(entries)
            if e.id == e.topic
        }

    def _build_language(self, knowledge: Knowledge) -> None:
        """Synonyms, the vocabulary typos are corrected against, and the topic word lists."""
        syn = knowledge.synonyms
        self._synonyms = syn
        self._syn_re = (
            re.compile(
                r"\b(" + "|".join(re.escape(k) for k in sorted(syn, key=len, reverse=True)) + r")\b"
            )
            if syn
            else None
        )
        vocab: set[str] = set(STOPWORDS)
        texts = [*syn, *syn.values(), *knowledge.back_words, *knowledge.off_topic]
        for e in knowledge.entries.values():
            texts += [e.title, e.answer, *e.phrasings, *e.keywords]
        for t in texts:
            vocab.update(tokens(clean(t)))
        self.triage = Triage(knowledge)
        self.reader = Reader(vocab | self.triage.words())
        self._back = {self._phrase(w) for w in knowledge.back_words}
        self._body = self._back | {self._phrase(w) for w in knowledge.symptom_words}
        self._off_topic = {self._phrase(w) for w in knowledge.off_topic}
        longest = max(map(len, self._body | self._off_topic), default=1)
        if longest > MAX_PHRASE:
            raise ValueError(f"back, symptom and off-topic phrases are at most {MAX_PHRASE} words")

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
                for feat in self._features(self._analyse(text).content):
                    tf[feat] += weight
            for feat in tf:
                df[feat] += 1
            entry_tf.append(tf)
        return entry_tf, df

    def _build_index(
        self, entry_tf: list[dict[str, float]], df: dict[str, int], rare_df: int
    ) -> None:
        self._vectors: list[dict[str, float]] = []
        self._index: dict[str, list[int]] = defaultdict(list)
        for idx, tf in enumerate(entry_tf):
            vec = {f: (1 + math.log(v)) * self._idf[f] for f, v in tf.items()}
            norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
            self._vectors.append({f: w / norm for f, w in vec.items()})
            for f in vec:
                if df[f] <= rare_df:
                    self._index[f].append(idx)

    def _build_keywords(
        self, knowledge: Knowledge, df: dict[str, int], n: int, rare_df: int
    ) -> None:
        entries_of: dict[tuple[str, ...], set[int]] = defaultdict(set)
        found: list[tuple[tuple[str, ...], int, bool]] = []
        for idx, e in enumerate(knowledge.entries.values()):
            for k in e.keywords:
                ka = self._analyse(k)
                # A keyword made only of content words matches those words close together in
                # any order; one with small words ("run with") must match as written.
                ordered = len(ka.content) != len(ka.stems)
                phrase = ka.stems if ordered else ka.content
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

    # -- text analysis -------------------------------------------------------------

    def _analyse(self, text: str) -> _Analysis:
        return self._analyse_reading(self.reader.read(text))

    def _analyse_reading(self, reading: Reading) -> _Analysis:
        cleaned = reading.cleaned
        words = " ".join(reading.words)
        if self._syn_re is not None:
            words = self._syn_re.sub(lambda m: self._synonyms[m.group(1)], words)
        ws = tuple(words.split())
        stems = tuple(stem(w) for w in ws)
        content = tuple(s for w, s in zip(ws, stems, strict=True) if w not in STOPWORDS)
        return _Analysis(cleaned, ws, stems, content)

    def _phrase(self, text: str) -> tuple[str, ...]:
        return self._analyse(text).stems

    @staticmethod
    def _features(content: tuple[str, ...]) -> list[str]:
        return [*content, *(f"{a}_{b}" for a, b in itertools.pairwise(content))]

    @staticmethod
    def _grams(stems: tuple[str, ...]) -> set[tuple[str, ...]]:
        """Every run of 1 to MAX_PHRASE words, for phrase look-ups in constant time."""
        return {
            stems[i : i + k] for k in range(1, MAX_PHRASE + 1) for i in range(len(stems) - k + 1)
        }

    # -- scoring -------------------------------------------------------------------

    def _scores(self, a: _Analysis) -> tuple[dict[int, float], dict[int, float]]:
        feats: dict[str, float] = defaultdict(float)
        for f in self._features(a.content):
            feats[f] += 1.0
        qvec = {f: (1 + math.log(v)) * self._idf.get(f, self._max_idf) for f, v in feats.items()}
        qnorm = math.sqrt(sum(w * w for w in qvec.values())) or 1.0
        qmass = sum(w * w for w in qvec.values()) or 1.0
        bonus: dict[int, float] = defaultdict(float)
        stems, content = a.stems, a.content
        positions: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(content):
            positions[s].append(i)
        hits = [
            k
            for i, s in enumerate(stems)
            for k in self._keywords.get(s, ())
            if k.ordered and stems[i : i + len(k.phrase)] == k.phrase
        ]
        hits += [
            k
            for s in positions
            for k in self._keywords.get(s, ())
            if not k.ordered and self._near(k.phrase, positions)
        ]
        for k in hits:
            bonus[k.entry] += k.weight
        candidates = set(bonus)
        for f in qvec:
            candidates.update(self._index.get(f, ()))
        for k in hits:
            # An overview entry's keywords ("why", "prevent") say what kind of answer is
            # wanted, so they lift the other candidates of that topic a little.
            for other in self._topic_members.get(k.entry, ()):
                if other in candidates:
                    bonus[other] += k.weight * TOPIC_SHARE
        cos: dict[int, float] = {}
        for idx in candidates:
            vec = self._vectors[idx]
            # half cosine, half the share of the question's information the entry covers
            cos[idx] = sum(
                COSINE_SHARE * w / qnorm * vec[f] + (1 - COSINE_SHARE) * w * w / qmass
                for f, w in qvec.items()
                if f in vec
            )
        return cos, bonus

    @staticmethod
    def _near(phrase: tuple[str, ...], positions: dict[str, list[int]]) -> bool:
        if len(phrase) == 1:
            return True
        if any(p not in positions for p in phrase):
            return False
        spots = sorted(min(positions[p]) for p in phrase)
        return spots[-1] - spots[0] <= len(phrase) + 1

    def _ranked(self, a: _Analysis) -> tuple[list[tuple[float, str]], bool]:
        cos, bonus = self._scores(a)
        ranked = sorted(
            (
                (round(cos.get(i, 0.0) + min(bonus.get(i, 0.0), 0.6), 6), self._ids[i])
                for i in set(cos) | set(bonus)
            ),
            key=lambda t: (-t[0], t[1]),
        )
        return ranked, bool(bonus)

    def _on_topic(self, a: _Analysis, grams: set[tuple[str, ...]], keyword_hit: bool) -> bool:
        off = grams & self._off_topic
        if off:
            # "lower back" is off topic even though "back" is a back word
            stripped = " ".join(a.stems)
            for p in off:
                stripped = stripped.replace(" ".join(p), " ")
            return not self._back.isdisjoint(self._grams(tuple(stripped.split())))
        return keyword_hit or not self._back.isdisjoint(grams)

    @staticmethod
    def _looks_like_question(a: _Analysis) -> bool:
        if "?" in a.cleaned:
            return True
        clauses = re.split(r"[,.;:!/\-]+", a.cleaned)
        if any(c.split()[0] in QUESTION_STARTS for c in clauses if c.strip()):
            return True
        return QUESTION_CUES.search(a.cleaned) is not None

    # -- public --------------------------------------------------------------------

    def match(self, question: str, mode: Mode = "ask") -> Decision:
        reading = self.reader.read(question or "")
        flag = self.triage.flag(reading)
        if flag is not None:
            return Decision("urgent", score=1.0, flag=flag)
        a = self._analyse_reading(reading)
        if not a.content:
            return Decision("none")
        ranked, keyword_hit = self._ranked(a)
        grams = self._grams(a.stems)
        if not ranked or not self._on_topic(a, grams, keyword_hit):
            return Decision("none", score=ranked[0][0] if ranked else 0.0)
        best, best_id = ranked[0]
        second = ranked[1][0] if len(ranked) > 1 else 0.0
        if self._body.isdisjoint(grams):
            # Nothing about the back or how it feels: answer only a clear match, never guess.
            if (
                best >= (NO_BODY_MIN if mode == "ask" else NO_BODY_CHANNEL_MIN)
                and (best - second >= ANSWER_MARGIN or second <= best * LONE_WINNER_RATIO)
                and (mode == "ask" or self._looks_like_question(a))
            ):
                return Decision("answer", best_id, best)
            return Decision("none", score=best)
        if mode == "channel":
            if (
                best >= CHANNEL_MIN
                and best - second >= CHANNEL_MARGIN
                and len(a.words) >= CHANNEL_MIN_WORDS
                and self._looks_like_question(a)
            ):
                return Decision("answer", best_id, best)
            return Decision("none", score=best)
        if (best >= ANSWER_MIN and best - second >= ANSWER_MARGIN) or (
            best >= SUGGEST_MIN and second <= best * LONE_WINNER_RATIO
        ):
            return Decision("answer", best_id, best)
        if best >= SUGGEST_MIN:
            picks = tuple(i for s, i in ranked[:3] if s >= best - 0.25 and s >= SUGGEST_MIN)
            if len(picks) == 1:  # a pick list of one is an answer
                return Decision("answer", best_id, best)
            return Decision("suggest", None, best, picks)
        return Decision("none", score=best)

    def complete(self, typed: str, limit: int = 25) -> list[FaqEntry]:
        """FAQ entries whose titles best fit what a member has typed so far (autocomplete)."""
        entries = self.knowledge.entries
        text = clean(typed or "")
        if not text:
            return list(entries.values())[:limit]
        hits = process.extract(text, self._titles, scorer=fuzz.WRatio, limit=limit, score_cutoff=40)
        return [entries[key] for _, _, key in hits]
