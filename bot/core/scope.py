"""Is a symptom mention a current report? Negation and context scope after NegEx and ConText.

NegEx (Chapman et al., 2001) and its successor ConText read clinical text with trigger
phrases whose scope runs over the next few words:

- negation ("no", "not", "without", "never"): cancels what follows, up to ``window`` content
  words, until a termination word ("but", "except"), the end of the sentence, or a comma that
  starts a new clause. "no chest pain, numbness or tingling" negates all three, and so does
  "never had arm, neck or jaw pain" (bare words listed up to a symptom); "no chest pain, my
  arm is numb" does not negate the arm. A near negation ("nothing") reaches only the
  next ``near_window`` content words and stops at "and": "nothing going down my arm", but not
  "had nothing to drink and fainted".
- negation after ("went away", "ruled out", "absent"): cancels the words just before it, a
  list of bare words too ("arm, neck, jaw pain absent"), unless it is asked ("up my neck
  and into my jaw, normal?").
- pseudo-negation ("not sure", "not just", "never ... before"): looks like negation, is not
  (and "get it right" looks like a reference back to a symptom, and is not).
- an answer: a sentence that is only "no" ("Fever? Nope.") denies the sentence before it; a
  "no" right after a symptom at the end of its clause denies it ("Chest pain: no.").
- hypothetical ("what if", "in case", "watch out for"): a symptom after it is not a report,
  unless the post refers back to it as the member's own ("it happened to me today").
- general questions: a sentence about warning signs ("what are the signs of...") with none of
  the member's own experience in it ("I have", "my", "since this morning", "is that...")
  reports nothing from the clause of its cue on, unless the post refers back to it ("can
  running cause chest pain? I've been getting it"). A post that says it asks in general
  ("hypothetically", "out of interest, I'm fine") reports nothing in any sentence without the
  member's own experience.
- historical and checked: a mention in a sentence that places it in the past ("had", "years
  ago"), where that sentence or the next has a check ("doctor", "ECG") and an all-clear
  ("fine", "nothing wrong"), is a finished episode, unless the post says it goes on ("it
  keeps happening", "it has come back"); so is one placed long ago ("last spring",
  "six weeks ago") in a post that tells of a check and an all-clear anywhere, unless its
  sentence also speaks of now ("again", "today", "I have"). Triage then takes a later
  mention of the same red flag, in a sentence that tells of the check and not of now, as
  that episode ("a doctor examined me the week after the collision").

Trigger words inside a symptom phrase ("could not breathe", "no control over my bladder") are
part of the symptom, never triggers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from bot.core.knowledge import Phrase, TriageScope
from bot.core.phrases import Hit, PhraseIndex
from bot.core.reading import Reading
from bot.core.textnorm import STOPWORDS, stem

# After a comma, negation goes on only into a list of symptoms: "no pain, numbness or ...",
# "no pain, or any numbness", "no pain, and tingling"; not into ", and there's tingling".
LIST_WORDS = frozenset({"or", "nor", "no", "any", "not", "never", "even"})
JOINERS = frozenset({"and", "or"})
LIST_ITEMS = 4  # bare words a negation reads past commas to reach a symptom
ANSWER_REACH = 4  # words at most from a symptom to a "no" that answers it
CLAUSE_ENDS = frozenset({",", ";"})
QUESTION_STARTS = frozenset(
    "can could does do did is are was were what when how why should would will which".split()
)


class Role(Enum):
    NEGATION = "negation"
    NEGATION_NEAR = "negation_near"
    NEGATION_AFTER = "negation_after"
    PSEUDO = "pseudo_negation"
    ANSWER_NO = "answer_no"
    TERMINATION = "termination"
    HYPOTHETICAL = "hypothetical"
    GENERAL = "general"
    GENERAL_POST = "general_post"
    EXPERIENCE = "experience"
    ANAPHORA = "anaphora"
    PAST = "past"
    CHECKED_BY = "checked_by"
    ALL_CLEAR = "all_clear"
    LONG_AGO = "long_ago"
    RECENT = "recent"
    CONTINUES = "continues"


def stems_of(phrase: Phrase) -> tuple[str, ...]:
    return tuple(stem(w) for w in phrase)


@dataclass(frozen=True)
class ScopeMap:
    """Which tokens of one reading are negated or hypothetical, which sentences are over."""

    negated: frozenset[int]
    hypothetical: frozenset[int]
    general: frozenset[int]
    finished: frozenset[int]  # sentences
    recent: frozenset[int] = frozenset()  # sentences about the member's now
    about_check: frozenset[int] = frozenset()  # sentences that tell of a check or all-clear

    def is_report(self, span: Hit[object], reading: Reading) -> bool:
        s = reading.sentence[span.start]
        return not (
            span.start in self.negated
            or span.start in self.hypothetical
            or span.start in self.general
            or s in self.finished
        )


class Scope:
    def __init__(self, scope: TriageScope) -> None:
        self.window = scope.window
        self.near_window = scope.near_window
        self._index: PhraseIndex[Role] = PhraseIndex(
            (stems_of(phrase), role) for role in Role for phrase in getattr(scope, role.value)
        )
        self._content_stop = frozenset(stem(w) for w in STOPWORDS)

    def read(self, reading: Reading, symptoms: Iterable[Hit[object]]) -> ScopeMap:
        """The scope of every trigger in the reading; ``symptoms`` are all symptom phrases
        found, so that words inside them are not taken for triggers."""
        inside = {i for h in symptoms for i in range(h.start, h.end)}
        by_role: dict[Role, list[Hit[Role]]] = {role: [] for role in Role}
        for hit in self._index.find(reading.stems, reading.sentence):
            by_role[hit.tag].append(hit)
        pseudo = {i for h in by_role[Role.PSEUDO] for i in range(h.start, h.end)}
        # "I'm fine, just asking": the "fine" of a general post denies nothing
        pseudo |= {i for h in by_role[Role.GENERAL_POST] for i in range(h.start, h.end)}
        # "want to get it right" refers back to nothing
        by_role[Role.ANAPHORA] = [h for h in by_role[Role.ANAPHORA] if h.start not in pseudo]
        terminators = {h.start for h in by_role[Role.TERMINATION]}
        symptom_starts = {h.start for h in symptoms}

        def live(hits: list[Hit[Role]]) -> list[Hit[Role]]:
            return [
                h
                for h in hits
                if not any(i in inside or i in pseudo for i in range(h.start, h.end))
            ]

        negated: set[int] = set()
        for h in by_role[Role.NEGATION]:
            # a trigger inside a symptom is part of it ("could not breathe"); one that runs
            # into a symptom denies it ("nothing into my arms, neck or jaw")
            if h.start in inside or any(i in pseudo for i in range(h.start, h.end)):
                continue
            negated |= symptom_starts.intersection(range(h.start, h.end))
            negated |= self._forward(reading, h.end, terminators, symptom_starts, self.window)
        ands = terminators | {j for j, t in enumerate(reading.tokens) if t == "and"}
        for h in live(by_role[Role.NEGATION_NEAR]):
            negated |= self._forward(reading, h.end, ands, symptom_starts, self.near_window)
        for h in live(by_role[Role.NEGATION_AFTER]):
            asked = h.end < len(reading.tokens) and reading.tokens[h.end] == "?"
            # "has gone numb" reports, "has gone" denies; "...into my jaw, normal?" asks
            if h.end not in symptom_starts and not asked:
                negated |= self._backward(reading, h.start, terminators)
        answers = live(by_role[Role.ANSWER_NO])
        negated |= self._answered_no(answers, reading)
        symptom_ends = {h.end for h in symptoms}
        for h in answers:
            # "Chest pain: no.", "fever none, numbness n/a", "numbness in arms or legs: none"
            answered = any(
                all(reading.tokens[j][0].isalnum() for j in range(e, h.start))
                for e in symptom_ends.intersection(range(h.start - ANSWER_REACH, h.start + 1))
            )
            if answered and self._ends_clause(reading, h.end):
                negated |= self._backward(reading, h.start, terminators)
        checked = _sentences(by_role[Role.CHECKED_BY], reading)
        clear = _sentences(by_role[Role.ALL_CLEAR], reading)
        recent = _sentences(by_role[Role.RECENT], reading)
        hypothetical: set[int] = set()
        if not self._refers_back(by_role, negated):
            for h in by_role[Role.HYPOTHETICAL]:
                hypothetical |= self._forward(reading, h.end, terminators, symptom_starts, None)
        return ScopeMap(
            frozenset(negated),
            frozenset(hypothetical),
            self._general_words(by_role, reading, negated),
            self._finished_sentences(by_role, reading, negated | pseudo, checked, clear, recent),
            recent,
            checked | clear,
        )

    def _forward(
        self,
        reading: Reading,
        start: int,
        terminators: set[int],
        symptom_starts: set[int],
        window: int | None,
    ) -> set[int]:
        out: set[int] = set()
        toks, sent = reading.tokens, reading.sentence
        if start >= len(toks):
            return out
        here, content = sent[start - 1], 0
        for j in range(start, len(toks)):
            t = toks[j]
            if sent[j] != here or j in terminators or (not t[0].isalnum() and t != ","):
                break
            if t == ",":
                if not self._list_goes_on(toks, j + 1, symptom_starts):
                    break
                continue
            out.add(j)
            if reading.stems[j] not in self._content_stop:
                content += 1
                if window is not None and content >= window:
                    break
        return out

    @staticmethod
    def _answered_no(hits: list[Hit[Role]], reading: Reading) -> set[int]:
        """Every word of a sentence answered by a sentence that is only "no": "Fever? Nope."""
        out: set[int] = set()
        sent, toks = reading.sentence, reading.tokens
        for h in hits:
            s = sent[h.start]
            words = [j for j in range(len(toks)) if sent[j] == s and toks[j][0].isalnum()]
            if s and words == list(range(h.start, h.end)):
                out.update(j for j in range(len(toks)) if sent[j] == s - 1)
        return out

    @staticmethod
    def _ends_clause(reading: Reading, at: int) -> bool:
        return at >= len(reading.tokens) or not reading.tokens[at][0].isalnum()

    @staticmethod
    def _list_goes_on(toks: tuple[str, ...], nxt: int, symptom_starts: set[int]) -> bool:
        if nxt >= len(toks):
            return False
        if toks[nxt] in JOINERS:
            return nxt + 1 in symptom_starts
        if toks[nxt] in LIST_WORDS or nxt in symptom_starts:
            return True
        # bare words listed up to a symptom: "never had arm, neck or jaw pain"; not "no
        # fever, arms and legs feel numb", where the words after the list are no symptom
        j = nxt
        for _ in range(LIST_ITEMS):
            if j + 2 >= len(toks) or not toks[j][0].isalnum():
                return False
            if toks[j + 1] != "," and toks[j + 1] not in JOINERS:
                return False
            j += 2
            if j in symptom_starts:
                return True
        return False

    def _backward(self, reading: Reading, end: int, terminators: set[int]) -> set[int]:
        out: set[int] = set()
        toks, sent = reading.tokens, reading.sentence
        content = 0
        here = sent[min(end, len(toks) - 1)]
        for j in range(end - 1, -1, -1):
            t = toks[j]
            if sent[j] != here:
                break
            if t == "," and _listed(toks, j):
                continue  # "arm, neck, jaw pain absent"
            if not t[0].isalnum() or j in terminators:
                break
            out.add(j)
            if reading.stems[j] not in self._content_stop:
                content += 1
                if content >= self.window:
                    break
        return out

    @staticmethod
    def _refers_back(by_role: dict[Role, list[Hit[Role]]], negated: set[int]) -> bool:
        """Does the post take a symptom as the member's own after all? "...? I've been getting
        it", "what if ...? It happened to me"; not "I don't have it"."""
        return any(h.start not in negated for h in by_role[Role.ANAPHORA])

    def _general_words(
        self, by_role: dict[Role, list[Hit[Role]]], reading: Reading, negated: set[int]
    ) -> frozenset[int]:
        """The words a general question covers: from the clause of its first cue to the end of
        the sentence (all of a sentence that opens as a question). A symptom told in a clause
        before it is a report: "upper back and chest pain after running, signs of something
        bad?"."""
        if self._refers_back(by_role, negated):
            return frozenset()
        mine = _sentences(by_role[Role.EXPERIENCE], reading)
        toks, sent = reading.tokens, reading.sentence
        if any(h.start not in negated for h in by_role[Role.GENERAL_POST]):
            return frozenset(j for j in range(len(toks)) if sent[j] not in mine)
        out: set[int] = set()
        for h in sorted(by_role[Role.GENERAL], key=lambda h: h.start):
            s = sent[h.start]
            if s in mine or h.start in out:
                continue
            start = h.start
            while start > 0 and sent[start - 1] == s and toks[start - 1] not in CLAUSE_ENDS:
                start -= 1
            first = sent.index(s)
            if toks[first] in QUESTION_STARTS:
                start = first  # "can pain spreading to the arm ..., or is it always the heart?"
            end = start
            while end < len(toks) and sent[end] == s:
                end += 1
            out.update(range(start, end))
        return frozenset(out)

    @staticmethod
    def _finished_sentences(
        by_role: dict[Role, list[Hit[Role]]],
        reading: Reading,
        denied: set[int],
        checked: frozenset[int],
        clear: frozenset[int],
        recent: frozenset[int],
    ) -> frozenset[int]:
        clears = {i for h in by_role[Role.ALL_CLEAR] for i in range(h.start, h.end)}
        if any(h.start not in denied and h.start not in clears for h in by_role[Role.CONTINUES]):
            return frozenset()  # "it keeps happening", "it has come back": not over
        finished = {
            s
            for s in _sentences(by_role[Role.PAST], reading)
            if (s in checked and s in clear) or (s + 1 in checked and s + 1 in clear)
        }
        if checked and clear:
            # "Back in March I had chest tightness ... The cardiologist's tests were all
            # clear": an episode placed long ago, in a post that tells of its check and
            # all-clear anywhere, unless the sentence also speaks of now ("again", "today")
            finished |= _sentences(by_role[Role.LONG_AGO], reading) - recent
        return frozenset(finished)


def _listed(toks: tuple[str, ...], comma: int) -> bool:
    """Is the word before this comma one bare item of a list ("arm, neck, jaw pain")? Not
    "chest tight, arm fine", where the words before the comma say something."""
    if comma < 1 or not toks[comma - 1][0].isalnum():
        return False
    before = comma - 2
    return before < 0 or not toks[before][0].isalnum() or toks[before] in JOINERS


def _sentences(hits: list[Hit[Role]], reading: Reading) -> frozenset[int]:
    return frozenset(reading.sentence[h.start] for h in hits)
