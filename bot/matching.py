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

from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from bot.analysis import Analysis, Analyzer
from bot.knowledge import FaqEntry, Knowledge
from bot.reading import Reader
from bot.scoring import EntryIndex
from bot.textnorm import STOPWORDS, clean, tokens
from bot.triage import Triage

Kind = Literal["answer", "suggest", "none", "urgent"]
Mode = Literal["ask", "channel"]

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
MAX_BONUS = 0.6
INTENT_WEIGHT = 0.25
MISMATCH = 0.7  # an entry that answers none of the kinds of question the message asks


@dataclass(frozen=True)
class Decision:
    kind: Kind
    entry: str | None = None
    score: float = 0.0
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    flag: str | None = None  # the red flag that made it urgent


class Matcher:
    """Scores questions against a Knowledge; build once, then call match() per question."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._ids: list[str] = list(knowledge.entries)
        self._entries = list(knowledge.entries.values())
        self.triage = Triage(knowledge)
        self.reader = Reader(self._vocabulary(knowledge) | self.triage.words())
        self.analyzer = Analyzer(knowledge, self.reader)
        self.index = EntryIndex(knowledge, self.analyzer)
        self._titles = {e.id: clean(e.title) for e in knowledge.entries.values()}
        self._home, self._asked_by = self._ask_kinds(knowledge)
        phrase = self.analyzer.text_stems
        self._back = {phrase(w) for w in knowledge.back_words}
        self._body = self._back | {phrase(w) for w in knowledge.symptom_words}
        self._off_topic = {phrase(w) for w in knowledge.off_topic}
        longest = max(map(len, self._body | self._off_topic), default=1)
        if longest > MAX_PHRASE:
            raise ValueError(f"back, symptom and off-topic phrases are at most {MAX_PHRASE} words")

    @staticmethod
    def _ask_kinds(knowledge: Knowledge) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
        """For each kind of question, its home entries and all the entries that answer it.

        The home of a kind is the topic overview that answers it ("why" -> causes), or the one
        entry that does. A kind of question alone picks its home; the other entries of the
        kind need their own words in the message too ("why" + "mileage" -> cause-overuse).
        """
        entries = list(knowledge.entries.values())
        asked_by: dict[str, set[int]] = {}
        for idx, e in enumerate(entries):
            for kind in e.asks:
                asked_by.setdefault(kind, set()).add(idx)
        home: dict[str, set[int]] = {}
        for kind, idxs in asked_by.items():
            overviews = {i for i in idxs if entries[i].id == entries[i].topic}
            home[kind] = overviews or (idxs if len(idxs) == 1 else set())
        return home, asked_by

    @staticmethod
    def _vocabulary(knowledge: Knowledge) -> set[str]:
        """Every word of the knowledge base: the speller corrects typos towards these."""
        vocab: set[str] = set(STOPWORDS)
        syn = knowledge.synonyms
        texts = [*syn, *syn.values(), *knowledge.back_words, *knowledge.off_topic]
        texts += [p for phrases in knowledge.asks.values() for p in phrases]
        for e in knowledge.entries.values():
            texts += [e.title, e.answer, *e.phrasings, *e.keywords]
        for t in texts:
            vocab.update(tokens(clean(t)))
        return vocab

    @staticmethod
    def _grams(stems: tuple[str, ...]) -> set[tuple[str, ...]]:
        """Every run of 1 to MAX_PHRASE words, for phrase look-ups in constant time."""
        return {
            stems[i : i + k] for k in range(1, MAX_PHRASE + 1) for i in range(len(stems) - k + 1)
        }

    def _ranked(self, a: Analysis) -> tuple[list[tuple[float, str]], bool]:
        homes = {i: s for k, s in a.asks.items() for i in self._home.get(k, ())}
        cos, bonus = self.index.scores(a, homes)
        intent: dict[int, float] = {}
        for kind, strength in a.asks.items():
            for idx in self._asked_by.get(kind, ()):
                if idx in self._home[kind] or bonus.get(idx, 0.0) > 0:
                    intent[idx] = max(intent.get(idx, 0.0), INTENT_WEIGHT * strength)
        asked = {k for k, s in a.asks.items() if s >= 1.0}
        scored = []
        for i in set(cos) | set(bonus):
            total = cos.get(i, 0.0) + min(bonus.get(i, 0.0), MAX_BONUS) + intent.get(i, 0.0)
            if asked and asked.isdisjoint(self._entries[i].asks):
                total *= MISMATCH
            scored.append((round(total, 6), self._ids[i]))
        ranked = sorted(scored, key=lambda t: (-t[0], t[1]))
        return ranked, bool(bonus)

    def _on_topic(self, a: Analysis, grams: set[tuple[str, ...]], keyword_hit: bool) -> bool:
        off = grams & self._off_topic
        if off:
            # "lower back" is off topic even though "back" is a back word
            stripped = " ".join(a.stems)
            for p in off:
                stripped = stripped.replace(" ".join(p), " ")
            return not self._back.isdisjoint(self._grams(tuple(stripped.split())))
        return keyword_hit or not self._back.isdisjoint(grams)

    # -- public --------------------------------------------------------------------

    def match(self, question: str, mode: Mode = "ask") -> Decision:
        reading = self.reader.read(question or "")
        flag = self.triage.flag(reading)
        if flag is not None:
            return Decision("urgent", score=1.0, flag=flag)
        a = self.analyzer.analyse(reading)
        if not a.content:
            return Decision("none")
        ranked, keyword_hit = self._ranked(a)
        grams = self._grams(a.stems)
        if not ranked or not self._on_topic(a, grams, keyword_hit):
            return Decision("none", score=ranked[0][0] if ranked else 0.0)
        return self._decide(a, ranked, grams, mode)

    def _decide(
        self, a: Analysis, ranked: list[tuple[float, str]], grams: set[tuple[str, ...]], mode: Mode
    ) -> Decision:
        best, best_id = ranked[0]
        second = ranked[1][0] if len(ranked) > 1 else 0.0
        if self._body.isdisjoint(grams):
            # Nothing about the back or how it feels: answer only a clear match, never guess.
            if (
                best >= (NO_BODY_MIN if mode == "ask" else NO_BODY_CHANNEL_MIN)
                and (best - second >= ANSWER_MARGIN or second <= best * LONE_WINNER_RATIO)
                and (mode == "ask" or a.has_ask)
            ):
                return Decision("answer", best_id, best)
            return Decision("none", score=best)
        if mode == "channel":
            if (
                best >= CHANNEL_MIN
                and best - second >= CHANNEL_MARGIN
                and len(a.words) >= CHANNEL_MIN_WORDS
                and a.has_ask
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
