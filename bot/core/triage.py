"""Red-flag triage: symptoms that need prompt medical care, read before any matching.

Each red flag in knowledge/redflags.yaml is a set of word lists, not patterns. A flag is raised
by one of its ``alone`` phrases, or by one word of each list of a ``together`` combination close
together in one sentence ("an acute pain around the left side of my chest"). Its
``other_senses`` ("chest day", "fell behind") hide the words they contain from that flag, unless
a longer symptom phrase covers them. Then bot.core.scope decides whether each mention is a current
report: negated, hypothetical, general and finished mentions do not count. The first mention
that does count, in a message that mentions the back or pain when the flag needs that,
raises the flag: one real red flag anywhere wins over any number of denied ones.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from bot.core.knowledge import Knowledge, RedFlag
from bot.core.phrases import Hit, PhraseIndex, unshadowed
from bot.core.reading import Reading
from bot.core.scope import Scope, ScopeMap, stems_of
from bot.core.textnorm import STOPWORDS, stem

PAIR_WINDOW = 5  # content words at most between the words of a `together` combination
# a symptom is the same whoever has it: "down her arm" is "down my arm" ("rubbing his chest");
# not "your", which asks in general as often as it reports ("pain down your arm means...").
# Keys are stems, as the words are compared.
PERSON = {
    "his": "my",
    "her": "my",
    "their": "my",
    "himself": "myself",
    "herself": "myself",
    "themselv": "myself",
}
SYMPTOM = frozenset({"alone", "part"})
CONTRASTS = frozenset({"but", "however", "although", "though", "whereas", "yet", "except"})


@dataclass(frozen=True)
class _Tag:
    flag: int
    kind: str  # "alone", "other", "part" (of a together combination) or "not_with"
    combo: int = -1
    group: int = -1


@dataclass(frozen=True)
class Mention:
    flag: int
    parts: tuple[Hit[_Tag], ...]

    @property
    def start(self) -> int:
        return min(p.start for p in self.parts)


class Triage:
    """Built once per Knowledge; ``flag(reading)`` names the red flag a message raises."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.flags: tuple[RedFlag, ...] = knowledge.red_flags
        self._index: PhraseIndex[_Tag] = PhraseIndex(self._phrases())
        self._context: PhraseIndex[str] = PhraseIndex(
            [(_anyone(stems_of(p)), "back") for p in knowledge.flag_back_words]
            + [(_anyone(stems_of(p)), "back or pain") for p in knowledge.flag_pain_words]
            + [(_anyone(stems_of(p)), "other") for p in knowledge.flag_back_other_senses]
        )
        self._scope = Scope(knowledge.scope)
        self._stop = frozenset(stem(w) for w in STOPWORDS)

    def _phrases(self) -> list[tuple[tuple[str, ...], _Tag]]:
        out: list[tuple[tuple[str, ...], _Tag]] = []
        for i, flag in enumerate(self.flags):
            out += [(_anyone(stems_of(p)), _Tag(i, "alone")) for p in flag.alone]
            out += [(_anyone(stems_of(p)), _Tag(i, "other")) for p in flag.other_senses]
            out += [(_anyone(stems_of(p)), _Tag(i, "not_with")) for p in flag.not_with]
            for c, combo in enumerate(flag.together):
                for g, group in enumerate(combo):
                    out += [(_anyone(stems_of(p)), _Tag(i, "part", c, g)) for p in group]
        return out

    def words(self) -> set[str]:
        """Every word the flags and their scope use: the speller corrects towards these."""
        words: set[str] = set()
        for flag in self.flags:
            phrases = [*flag.alone, *flag.other_senses, *flag.not_with]
            phrases += [p for combo in flag.together for group in combo for p in group]
            for p in phrases:
                words.update(p)
        return words

    def flag(self, reading: Reading) -> str | None:
        """The name of the first red flag the message reports, or None."""
        mention = self.first_report(reading)
        return None if mention is None else self.flags[mention.flag].name

    def first_report(self, reading: Reading) -> Mention | None:
        hits = self._index.find(_anyone(reading.stems), reading.sentence)
        if not any(h.tag.kind in SYMPTOM for h in hits):
            return None
        mentions = sorted(self._mentions(hits, reading), key=lambda m: m.start)
        if not mentions:
            return None
        # words of a mention are never triggers ("could not breathe"); words of a combination
        # left incomplete are ("did not feel anything rip": "did not feel" is half of one)
        symptoms = list({p for m in mentions for p in m.parts})
        scope = self._scope.read(reading, symptoms)
        context: set[str] | None = None
        over: set[int] = set()  # flags with a finished episode in this post
        for m in mentions:
            s = reading.sentence[m.start]
            if s in scope.finished:
                over.add(m.flag)
            if m.flag in over and s in scope.about_check and s not in scope.recent:
                continue  # the same episode: "a doctor examined me after the collision"
            if not self._is_report(m, scope, reading):
                continue
            needs = self.flags[m.flag].needs
            if needs != "nothing":
                if context is None:
                    context = self._context_of(reading)
                if needs not in context:
                    continue
            return m
        return None

    def _context_of(self, reading: Reading) -> set[str]:
        """What the message mentions: {"back", "back or pain"} or part of it."""
        hits = self._context.find(_anyone(reading.stems), reading.sentence)
        others = [h for h in hits if h.tag == "other"]
        found = {h.tag for h in unshadowed(hits, others) if h.tag != "other"}
        if "back" in found:
            found.add("back or pain")
        return found

    @staticmethod
    def _is_report(m: Mention, scope: ScopeMap, reading: Reading) -> bool:
        return all(scope.is_report(p, reading) for p in m.parts)

    def _mentions(self, hits: list[Hit[_Tag]], reading: Reading) -> list[Mention]:
        others: dict[int, list[Hit[_Tag]]] = {}
        muscle: set[tuple[int, int]] = set()  # (flag, sentence) with a not_with word
        for h in hits:
            if h.tag.kind == "other":
                others.setdefault(h.tag.flag, []).append(h)
            elif h.tag.kind == "not_with":
                muscle.add((h.tag.flag, reading.sentence[h.start]))
        kept = [
            h for h in hits if h.tag.kind in SYMPTOM and unshadowed([h], others.get(h.tag.flag, ()))
        ]
        mentions = [Mention(h.tag.flag, (h,)) for h in kept if h.tag.kind == "alone"]
        groups: dict[tuple[int, int], list[list[Hit[_Tag]]]] = {}
        for h in kept:
            if h.tag.kind == "part":
                size = len(self.flags[h.tag.flag].together[h.tag.combo])
                lists = groups.setdefault((h.tag.flag, h.tag.combo), [[] for _ in range(size)])
                lists[h.tag.group].append(h)
        for (flag, _), lists in groups.items():
            for parts in itertools.product(*lists):
                if (flag, reading.sentence[parts[0].start]) in muscle:
                    continue  # "my chest is tight from bench": the muscle, not the symptom
                if self._close(parts, reading):
                    mentions.append(Mention(flag, parts))
        return mentions

    def _close(self, parts: tuple[Hit[_Tag], ...], reading: Reading) -> bool:
        ordered = sorted(parts, key=lambda h: h.start)
        if len({reading.sentence[h.start] for h in ordered}) != 1:
            return False
        for a, b in itertools.pairwise(ordered):
            if a.overlaps(b):
                return False
        between = range(ordered[0].end, ordered[-1].start)
        toks, stems = reading.tokens, reading.stems
        if any(toks[j] in CONTRASTS for j in between):
            return False  # "the trainers are 10/10, but my upper back aches"
        words = sum(1 for j in between if toks[j][0].isalnum() and stems[j] not in self._stop)
        return words <= PAIR_WINDOW


def _anyone(stems: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(PERSON.get(s, s) for s in stems)
