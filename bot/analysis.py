"""What a message asks and what it is about: the matcher's view of a Reading.

Members write stories, not FAQ questions: what they did, how it feels, then one sentence
that asks ("any ideas?", "should I rest?"). So each sentence is weighed: in a post with an ask,
the asking sentences count fully and the story around them at ``STORY_WEIGHT``; a post with no
ask counts every sentence fully. Members' words are mapped to the FAQ's (language.yaml
synonyms), then stemmed. The kinds of question asked (why, prevent, treat, how long...) are
read from the asks of language.yaml, most of all in the asking sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge import Knowledge
from bot.phrases import PhraseIndex
from bot.reading import Reader, Reading
from bot.textnorm import SENTENCE_END, STOPWORDS, clean, stem, tokens

STORY_WEIGHT = 0.4  # a story sentence, next to the sentences that ask
STORY_ASK_WEIGHT = 0.5  # an ask phrase found outside the asking sentences
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
STOP_STEMS = frozenset(stem(w) for w in STOPWORDS)


@dataclass(frozen=True)
class Analysis:
    cleaned: str
    words: tuple[str, ...]  # synonym-mapped words, stopwords kept
    stems: tuple[str, ...]
    sentence: tuple[int, ...]  # each stem's sentence
    weight: tuple[float, ...]  # each stem's weight (its sentence's)
    content: tuple[int, ...]  # indexes of the stems that are not stopwords
    asks: dict[str, float]  # kind of question -> strength (1 in an asking sentence)
    has_ask: bool  # some sentence asks something

    @property
    def content_stems(self) -> tuple[str, ...]:
        return tuple(self.stems[i] for i in self.content)


def sentence_asks(words: list[str], had_mark: bool) -> bool:
    """Does this sentence ask something? A question mark, a question word first, a cue."""
    if had_mark or not words:
        return had_mark
    if words[0] in QUESTION_STARTS:
        return True
    return QUESTION_CUES.search(" ".join(words)) is not None


class Analyzer:
    def __init__(self, knowledge: Knowledge, reader: Reader) -> None:
        self.reader = reader
        syn = knowledge.synonyms
        self._synonyms = syn
        self._syn_re = (
            re.compile(
                r"\b(" + "|".join(re.escape(k) for k in sorted(syn, key=len, reverse=True)) + r")\b"
            )
            if syn
            else None
        )
        self._asks: PhraseIndex[str] = PhraseIndex(
            (self.text_stems(phrase), kind)
            for kind, phrases in knowledge.asks.items()
            for phrase in phrases
        )

    def map_words(self, words: list[str]) -> list[str]:
        text = " ".join(words)
        if self._syn_re is not None:
            text = self._syn_re.sub(lambda m: self._synonyms[m.group(1)], text)
        return text.split()

    def text_stems(self, text: str) -> tuple[str, ...]:
        """A knowledge-base text as the analysis sees it: corrected, mapped, stemmed."""
        words = [self.reader.speller.correct(t) for t in tokens(clean(text))]
        return tuple(stem(w) for w in self.map_words(words))

    def analyse_text(self, text: str) -> Analysis:
        return self.analyse(self.reader.read(text))

    def analyse(self, reading: Reading) -> Analysis:
        sentences: list[tuple[list[str], bool]] = []
        current: list[str] = []
        for tok in reading.tokens:
            if tok in SENTENCE_END:
                if current or tok == "?":
                    sentences.append((current, tok == "?"))
                current = []
            elif tok != ",":
                current.append(tok)
        if current:
            sentences.append((current, False))
        asking = [sentence_asks(ws, mark) for ws, mark in sentences]
        story = STORY_WEIGHT if any(asking) and not all(asking) else 1.0
        words: list[str] = []
        sent: list[int] = []
        weight: list[float] = []
        for n, ((ws, _), asks) in enumerate(zip(sentences, asking, strict=True)):
            mapped = self.map_words(ws)
            words += mapped
            sent += [n] * len(mapped)
            weight += [1.0 if asks else story] * len(mapped)
        stems = tuple(stem(w) for w in words)
        content = tuple(i for i, w in enumerate(words) if w not in STOPWORDS)
        kinds: dict[str, float] = {}
        for hit in self._asks.find(stems, sent):
            strength = 1.0 if asking[sent[hit.start]] else STORY_ASK_WEIGHT
            kinds[hit.tag] = max(kinds.get(hit.tag, 0.0), strength)
        return Analysis(
            reading.cleaned,
            tuple(words),
            stems,
            tuple(sent),
            tuple(weight),
            content,
            kinds,
            any(asking),
        )
