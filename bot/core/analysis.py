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

from bot.core.knowledge import Knowledge
from bot.core.phrases import PhraseIndex
from bot.core.reading import Reader, Reading
from bot.core.textnorm import SENTENCE_END, STOPWORDS, clean, stem, tokens

STORY_WEIGHT = 0.4  # a story sentence, next to the sentences that ask
STORY_ASK_WEIGHT = 0.5  # an ask phrase found outside the asking sentences
STORY_WORDS = 30
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
    asking: tuple[bool, ...]  # for each sentence: does it ask?
    vague: bool  # it asks, but its asking sentences name nothing ("thoughts?", "help!")

    @property
    def is_story(self) -> bool:
        """Several sentences, or one long one: scores run lower than a short question's."""
        return len(self.asking) > 1 or len(self.words) > STORY_WORDS

    def asking_stems(self) -> tuple[str, ...]:
        """The words of the sentences that ask (all of them when none does)."""
        if not self.has_ask:
            return self.stems
        return tuple(s for s, n in zip(self.stems, self.sentence, strict=True) if self.asking[n])

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
        sentences = _sentences(reading)
        asking = [sentence_asks(ws, mark) for ws, mark in sentences]
        words: list[str] = []
        sent: list[int] = []
        for n, (ws, _) in enumerate(sentences):
            mapped = self.map_words(ws)
            words += mapped
            sent += [n] * len(mapped)
        stems = tuple(stem(w) for w in words)
        content = tuple(i for i, w in enumerate(words) if w not in STOPWORDS)
        kinds: dict[str, float] = {}
        in_ask_phrase: set[int] = set()
        for hit in self._asks.find(stems, sent):
            # a post that asks nothing outright is its own ask: "it's been a week, no better"
            strength = 1.0 if asking[sent[hit.start]] or not any(asking) else STORY_ASK_WEIGHT
            kinds[hit.tag] = max(kinds.get(hit.tag, 0.0), strength)
            in_ask_phrase.update(range(hit.start, hit.end))
        # A vague ask ("thoughts?", "what do I do?") leaves the story to say what it is about.
        vague = not any(asking[sent[i]] and i not in in_ask_phrase for i in content)
        story = STORY_WEIGHT if any(asking) and not all(asking) and not vague else 1.0
        weight = tuple(1.0 if asking[n] else story for n in sent)
        return Analysis(
            reading.cleaned,
            tuple(words),
            stems,
            tuple(sent),
            weight,
            content,
            kinds,
            any(asking),
            tuple(asking),
            vague and any(asking),
        )


def _sentences(reading: Reading) -> list[tuple[list[str], bool]]:
    """The words of each sentence, and whether it ended with a question mark."""
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
    return sentences
