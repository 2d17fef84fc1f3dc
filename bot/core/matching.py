"""The matcher: a member's question becomes answer, suggest, none or urgent.

Plain Python, no Discord, deterministic. How it decides:

1. Red flags first (bot.core.triage): a match is ``urgent`` whatever else the question says.
   Then a server's learned phrasings, when the caller passes them (bot.core.learned): a
   message close to one is answered with its entry.
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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from bot.core.analysis import Analysis, Analyzer
from bot.core.knowledge import MAX_TOPIC_WORDS, FaqEntry, Knowledge
from bot.core.learned import LearnedIndex
from bot.core.reading import Reader
from bot.core.scoring import EntryIndex, Scores
from bot.core.textnorm import STOPWORDS, clean, tokens
from bot.core.triage import Triage

Kind = Literal["answer", "suggest", "none", "urgent"]
Mode = Literal["ask", "channel"]

ANSWER_MIN = 0.40
ANSWER_MARGIN = 0.08
SUGGEST_MIN = 0.30
STORY_ANSWER_MIN = 0.25  # a story spreads its words, so its best entry scores lower
STORY_SUGGEST_MIN = 0.15
SUGGEST_SPREAD = 0.25
VAGUE_RATIO = 0.5  # a vague ask is answered only when its best entry is twice the next
MAX_PICKS = 3
LONE_WINNER_RATIO = 0.55
NO_BODY_MIN = 0.40
NO_BODY_CHANNEL_MIN = 0.60
MAX_PHRASE = MAX_TOPIC_WORDS
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
    learned: bool = False  # answered through a server's learned phrasing


class Matcher:
    """Scores questions against a Knowledge; build once, then call match() per question."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._ids: list[str] = list(knowledge.entries)
        self._entries = list(knowledge.entries.values())
        self.triage = Triage(knowledge)
        vocabulary = self._vocabulary(knowledge)
        self.reader = Reader(vocabulary, self.triage.words() - vocabulary)
        self.analyzer = Analyzer(knowledge, self.reader)
        self.index = EntryIndex(knowledge, self.analyzer)
        self._titles = {e.id: clean(e.title) for e in knowledge.entries.values()}
        self._home, self._asked_by = self._ask_kinds(knowledge)
        phrase = self.analyzer.text_stems
        self._back = {phrase(w) for w in knowledge.back_words}
        self._body = self._back | {phrase(w) for w in knowledge.symptom_words}
        self._off_topic = {phrase(w) for w in knowledge.off_topic}
        self._subjects = {phrase(w) for w in knowledge.off_topic_subjects}
        self._not_back = {phrase(w) for w in knowledge.back_other_senses}

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

    def _ranked(self, a: Analysis) -> tuple[list[tuple[float, str]], Scores]:
        homes = {i: s for k, s in a.asks.items() for i in self._home.get(k, ())}
        sc = self.index.scores(a, homes)
        cos, bonus = sc.cos, sc.bonus
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
        return ranked, sc

    def _on_topic(self, a: Analysis, grams: set[tuple[str, ...]], sc: Scores) -> bool:
        if not sc.keyword_in_ask and not self._subjects.isdisjoint(self._grams(a.asking_stems())):
            return False  # "...could it be the bra?": the question is about something else
        if not self._off_topic.isdisjoint(grams):
            # "lower back" is off topic even though "back" is a back word
            return self._names_back(a.stems)
        return bool(sc.bonus) or self._names_back(a.stems)

    def _names_back(self, stems: tuple[str, ...]) -> bool:
        """Back words, once off-topic phrases and other senses ("it's back") are taken out."""
        grams = self._grams(stems)
        hide = grams & (self._off_topic | self._not_back)
        if hide:
            text = " " + " ".join(stems) + " "
            for p in sorted(hide, key=len, reverse=True):
                text = text.replace(" " + " ".join(p) + " ", " ")
            grams = self._grams(tuple(text.split()))
        return not self._back.isdisjoint(grams)

    # -- public --------------------------------------------------------------------

    def learned(self, phrasings: Iterable[tuple[str, str]]) -> LearnedIndex:
        """A server's learned phrasings, (entry id, text) pairs, as ``match`` takes them.
        Phrasings of entries this knowledge base does not have are left out."""
        return LearnedIndex(
            (entry, text, self.index.vector(self.analyzer.analyse_text(text)))
            for entry, text in phrasings
            if entry in self.knowledge.entries
        )

    def match(
        self, question: str, mode: Mode = "ask", learned: LearnedIndex | None = None
    ) -> Decision:
        """What to do with a message. ``learned``: the phrasings its server's admins taught
        (built by ``learned()``); they count after red-flag triage, before everything else."""
        reading = self.reader.read(question or "")
        flag = self.triage.flag(reading)
        if flag is not None:
            return Decision("urgent", score=1.0, flag=flag)
        a = self.analyzer.analyse(reading)
        if not a.content:
            return Decision("none")
        if learned:
            hit = learned.best(self.index.vector(a))
            # unprompted, a learned phrasing still needs a message that asks something
            if hit is not None and (
                mode == "ask" or (a.has_ask and len(a.words) >= CHANNEL_MIN_WORDS)
            ):
                return Decision("answer", hit.entry, hit.score, learned=True)
        ranked, sc = self._ranked(a)
        grams = self._grams(a.stems)
        if not ranked or not self._on_topic(a, grams, sc):
            return Decision("none", score=ranked[0][0] if ranked else 0.0)
        return self._decide(a, ranked, grams, mode)

    def _decide(
        self, a: Analysis, ranked: list[tuple[float, str]], grams: set[tuple[str, ...]], mode: Mode
    ) -> Decision:
        best, best_id = ranked[0]
        second = ranked[1][0] if len(ranked) > 1 else 0.0
        body = not self._body.isdisjoint(grams)
        if mode == "channel":
            # Unprompted: only a clear question on the back, with a clear winner, gets a reply.
            if (
                best >= (CHANNEL_MIN if body else NO_BODY_CHANNEL_MIN)
                and best - second >= CHANNEL_MARGIN
                and len(a.words) >= CHANNEL_MIN_WORDS
                and a.has_ask
            ):
                return Decision("answer", best_id, best)
            return Decision("none", score=best)
        answer_min, suggest_min = ANSWER_MIN, SUGGEST_MIN
        if not body:
            # Nothing about the back or how it feels: answer only a clear match.
            answer_min = suggest_min = NO_BODY_MIN
        elif a.is_story:
            answer_min, suggest_min = STORY_ANSWER_MIN, STORY_SUGGEST_MIN
        clear = (best >= answer_min and best - second >= ANSWER_MARGIN) or (
            second <= best * LONE_WINNER_RATIO
        )
        if best >= suggest_min and clear and not (a.vague and second > best * VAGUE_RATIO):
            return Decision("answer", best_id, best)
        if best >= suggest_min:
            # Close calls and vague asks: the likeliest entries to pick from, not a guess.
            floor = max(suggest_min, best - SUGGEST_SPREAD)
            picks = tuple(i for s, i in ranked[:MAX_PICKS] if s >= floor)
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
