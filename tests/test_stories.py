"""Long posts are a story plus an ask: the ask picks the kind of answer, the story the topic.

Also the words: everyday English is never "corrected" into a running word, texting shorthand
is read, and generic words alone (a time word, "last", "long") never answer.
"""

from __future__ import annotations

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.matching import Matcher

STORY = (
    "Been running about two years, three times a week, mostly parkrun and a longer one on "
    "Sunday with the club. Since the clocks changed I've had this ache between my shoulder "
    "blades after most runs, sometimes up into my traps, and it hangs around for a day. "
    "Legs are fine. "
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge())


@pytest.mark.parametrize(
    ("ask", "entry"),
    [
        ("Any idea why this happens?", "causes"),
        ("Could it be the way I sit at my desk all day, hunched over the laptop?", "cause-posture"),
        ("How do I stop it coming back before the spring marathon block?", "prevention"),
        ("What should I do to make it feel better?", "treatment"),
        ("Should I put ice on it or a hot water bottle?", "treat-ice-heat"),
        ("How long does this sort of thing usually take to go away?", "duration"),
        ("Is it ok to run my long run on Sunday with it?", "run-with-pain"),
        ("At what point should I get it checked by a doctor?", "see-a-doctor"),
    ],
)
def test_the_ask_at_the_end_of_a_story_picks_the_entry(
    matcher: Matcher, ask: str, entry: str
) -> None:
    decision = matcher.match(STORY + ask, "ask")
    assert (decision.kind, decision.entry) == ("answer", entry)


@pytest.mark.parametrize(
    "name",
    [
        "between my shoulder blades",
        "mid back",
        "rhomboids",
        "traps",
        "lats",
        "back of my shoulders",
        "base of my neck",
        "thoracic spine",
    ],
)
def test_the_upper_back_by_any_name_is_on_topic(matcher: Matcher, name: str) -> None:
    text = f"after my long runs my {name} ache for a day or two. should i use ice or heat?"
    decision = matcher.match(text, "ask")
    assert (decision.kind, decision.entry) == ("answer", "treat-ice-heat")


def test_a_vague_ask_after_a_clear_topic_gets_a_pick_list(matcher: Matcher) -> None:
    decision = matcher.match(
        "sore upper back after every long run lately, got a foam roller and some ibuprofen "
        "in the cupboard. thoughts?",
        "ask",
    )
    assert decision.kind == "suggest"
    assert 2 <= len(decision.suggestions) <= 3
    assert {"treat-self-massage", "treat-pain-relief"} & set(decision.suggestions)


def test_a_statement_with_no_question_is_still_read(matcher: Matcher) -> None:
    decision = matcher.match(
        "Went from 20 miles a week to 45 in a month for my marathon and now my upper back "
        "aches all the time. Doing too much too soon I guess.",
        "ask",
    )
    assert (decision.kind, decision.entry) == ("answer", "cause-overuse")


def test_channel_mode_stays_quiet_on_a_story_that_asks_nothing(matcher: Matcher) -> None:
    decision = matcher.match(
        "Long run done this morning, 18 miles in the rain, upper back a bit stiff after.",
        "channel",
    )
    assert decision.kind == "none"


@pytest.mark.parametrize(
    "text",
    [
        "will it rain for the long run on sunday?",
        "last session of the year on thursday, mince pies after!",
        "how long is the route on sunday?",
        "great run today everyone!",
        "what time does the track session start next week?",
        "which running backpack doesn't bounce around on your back?",
        "could my sports bra be rubbing? the band sits right across my upper back",
    ],
)
@pytest.mark.parametrize("mode", ["ask", "channel"])
def test_generic_words_alone_never_answer(matcher: Matcher, text: str, mode) -> None:
    assert matcher.match(text, mode).kind == "none"


@pytest.mark.parametrize(
    ("word", "kept"),
    [("rain", True), ("couch", True), ("trail", True), ("sure", True), ("shoud", False)],
)
def test_only_words_that_are_not_english_are_corrected(
    matcher: Matcher, word: str, kept: bool
) -> None:
    assert (matcher.reader.speller.correct(word) == word) is kept


def test_a_misspelt_running_word_is_corrected(matcher: Matcher) -> None:
    assert matcher.reader.speller.correct("shoud") == "should"
    assert matcher.reader.speller.correct("streching") == "stretching"


def test_texting_shorthand_is_read(matcher: Matcher) -> None:
    decision = matcher.match("y does my upper back hurt after runs? idk wat im doing wrong", "ask")
    assert (decision.kind, decision.entry) == ("answer", "causes")
    decision = matcher.match("shud i use ice or heat on ur upper back after a run rn", "ask")
    assert (decision.kind, decision.entry) == ("answer", "treat-ice-heat")
