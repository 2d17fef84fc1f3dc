"""Learned phrasings in the core matcher: plain data in, answers for their server's messages,
and never in the way of red-flag triage."""

from __future__ import annotations

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.learned import LEARNED_MIN
from bot.core.matching import Matcher

TRAPS = "my traps are killing me after the long run what do i do"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge())


def test_a_gap_taught_as_an_entry_is_answered_with_it_in_its_own_words_and_close_ones(matcher):
    assert matcher.match(TRAPS, "ask").kind == "none"  # a gap before it is taught
    learned = matcher.learned([("treat-rest", TRAPS)])
    for question in (
        TRAPS,
        "My traps are killin me after my long run, what should I do?",
        "traps killing me after long run",
    ):
        decision = matcher.match(question, "ask", learned)
        assert (decision.kind, decision.entry, decision.learned) == ("answer", "treat-rest", True)
        assert decision.score >= LEARNED_MIN


def test_a_message_that_only_shares_words_with_a_phrasing_is_not_answered_by_it(matcher):
    learned = matcher.learned([("treat-rest", TRAPS)])
    knee = matcher.match("my knee is killing me after the long run what do i do", "ask", learned)
    assert not knee.learned
    assert matcher.match("what do i do", "ask", learned).kind != "answer"
    why = matcher.match("why does my upper back hurt after running?", "ask", learned)
    assert (why.entry, why.learned) == ("causes", False)


def test_unprompted_a_learned_phrasing_still_needs_a_message_that_asks(matcher):
    learned = matcher.learned([("treat-rest", "can i swim with it")])
    asked = matcher.match("can I swim with it?", "channel", learned)
    assert (asked.kind, asked.entry, asked.learned) == ("answer", "treat-rest", True)
    assert matcher.match("swimming with it", "channel", learned).kind == "none"


@pytest.mark.parametrize(
    "question",
    [
        "my traps are killing me after the long run and I have chest pain, what do i do",
        "chest pain and my left arm is numb after my run",
    ],
)
def test_red_flag_triage_runs_before_any_learned_phrasing(matcher, question):
    # even a phrasing taught from a red-flag story cannot turn it into an everyday answer
    learned = matcher.learned(
        [("treat-rest", TRAPS), ("treat-rest", "chest pain and my left arm is numb after my run")]
    )
    decision = matcher.match(question, "ask", learned)
    assert decision.kind == "urgent" and not decision.learned
    assert matcher.match(question, "channel", learned).kind == "urgent"


def test_phrasings_of_unknown_entries_or_only_small_words_are_left_out(matcher):
    assert len(matcher.learned([("no-such-entry", TRAPS), ("treat-rest", "what is it")])) == 0
    assert not matcher.learned([])
    plain = matcher.match(TRAPS, "ask", matcher.learned([]))
    assert plain == matcher.match(TRAPS, "ask")


def test_of_two_close_phrasings_the_closer_wins_whatever_the_order(matcher):
    pairs = [("treat-rest", "can i swim with it"), ("treat-ice-heat", "can i swim in a cold lake")]
    for order in (pairs, pairs[::-1]):
        decision = matcher.match("can I swim with it?", "ask", matcher.learned(order))
        assert decision.entry == "treat-rest"
