"""The matcher's decisions: each kind in both modes, red flags, normalisation, the dev set."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.knowledge import load_knowledge
from bot.matching import Matcher
from bot.textnorm import clean, stem, tokens

DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "dev.yaml"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge())


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Should I put ice or heat on my sore upper back?", "treat-ice-heat"),
        ("can i take advil for my upper back?", "treat-pain-relief"),
        ("is a physio worth it for upper back pain", "treat-physical-therapy"),
        ("how do I stretch my upper back", "prevent-stretching"),
        ("how long till my upper back stops aching", "duration"),
    ],
)
def test_clear_questions_are_answered_in_ask_mode(matcher: Matcher, question, entry) -> None:
    decision = matcher.match(question, "ask")
    assert (decision.kind, decision.entry) == ("answer", entry)


def test_typos_and_synonyms_still_find_the_entry(matcher: Matcher) -> None:
    assert matcher.match("shoud i foam roll my uper back?", "ask").entry == "treat-self-massage"
    assert matcher.match("is nurofen ok for a sore back", "ask").entry == "treat-pain-relief"
    assert matcher.match("should I see a PT for my upper back", "ask").entry == (
        "treat-physical-therapy"
    )


def test_a_vague_question_gets_a_short_pick_list(matcher: Matcher) -> None:
    decision = matcher.match("upper back form", "ask")
    assert decision.kind == "suggest"
    assert 1 <= len(decision.suggestions) <= 3
    assert set(decision.suggestions) <= set(matcher.knowledge.entries)


@pytest.mark.parametrize("mode", ["ask", "channel"])
@pytest.mark.parametrize(
    "question",
    [
        "my knee hurts after long runs, what should I do?",
        "how do I stretch my calves?",
        "lower back pain after running, any tips?",
        "what time does the club run start on saturday?",
        "thanks everyone, great session!",
        "",
    ],
)
def test_off_topic_and_chatter_get_none(matcher: Matcher, mode, question) -> None:
    assert matcher.match(question, mode).kind == "none"


def test_channel_mode_stays_silent_on_statements_it_would_answer_when_asked(
    matcher: Matcher,
) -> None:
    assert matcher.match("ice or heat", "ask").kind == "answer"
    assert matcher.match("ice or heat", "channel").kind == "none"  # too short to be a question
    assert matcher.match("anyone up for a long run sunday?", "channel").kind == "none"


def test_channel_mode_answers_a_clear_question(matcher: Matcher) -> None:
    decision = matcher.match("should I use ice or heat on my sore upper back?", "channel")
    assert (decision.kind, decision.entry) == ("answer", "treat-ice-heat")


@pytest.mark.parametrize("mode", ["ask", "channel"])
@pytest.mark.parametrize(
    "question",
    [
        "I get chest pain and my upper back aches after running",
        "my upper back hurts and the pain is going down my left arm",
        "upper back pain and I'm short of breath",
        "back pain with numbness in my hands",
        "sudden severe pain in my upper back on a run",
        "I fell on the trail and now my upper back hurts",
        "back ache and fever and chills",
    ],
)
def test_red_flags_are_urgent_in_both_modes(matcher: Matcher, mode, question) -> None:
    decision = matcher.match(question, mode)
    assert decision.kind == "urgent"
    assert decision.entry is None and decision.suggestions == ()


@pytest.mark.parametrize("mode", ["ask", "channel"])
def test_tight_chest_muscles_are_not_chest_pain(matcher: Matcher, mode) -> None:
    decision = matcher.match("do tight chest muscles cause upper back pain?", mode)
    assert decision.kind == "answer"
    assert decision.entry == "cause-tight-muscles"
    assert matcher.match("I have chest pain and upper back pain", mode).kind == "urgent"


def test_red_flags_needing_context_leave_plain_chatter_alone(matcher: Matcher) -> None:
    assert matcher.match("my toes go numb in the cold on winter runs", "ask").kind != "urgent"
    assert matcher.match("I fell asleep and now my upper back hurts", "ask").kind != "urgent"


def test_a_red_flag_wins_over_a_perfect_faq_match(matcher: Matcher) -> None:
    assert matcher.match("should I ice my back? I also have chest pain", "ask").kind == "urgent"


def test_answers_do_not_depend_on_file_order(tmp_path: Path) -> None:
    knowledge = load_knowledge()
    shuffled = Matcher(
        knowledge.__class__(
            **{**knowledge.__dict__, "entries": dict(reversed(knowledge.entries.items()))}
        )
    )
    original = Matcher(knowledge)
    for q in ["what stretches help", "ice or heat?", "why does my upper back hurt", "form"]:
        assert original.match(q, "ask") == shuffled.match(q, "ask")


def test_normalisation_removes_discord_syntax_and_invisible_characters() -> None:
    text = clean("**Ice** <@123> or <@&456> @everyone h\u200beat? <:run:789> https://x.io/a")
    assert text == "ice or heat?"
    assert tokens("can't don't it's") == ["cannot", "do", "not", "it", "is"]
    assert {stem("stretches"), stem("stretching"), stem("stretched")} == {"stretch"}
    assert stem("running") == "run"


TEAM_SET = Path(__file__).parent / "data" / "extra_questions.yaml"


@pytest.mark.parametrize("questions", [DEV_SET, TEAM_SET], ids=["dev", "team"])
@pytest.mark.parametrize(
    ("mode", "min_answer", "min_reject"), [("ask", 0.92, 0.95), ("channel", 0.80, 0.98)]
)
def test_question_sets_meet_the_issue_targets(
    matcher: Matcher, questions: Path, mode, min_answer, min_reject
) -> None:
    rows = yaml.safe_load(questions.read_text(encoding="utf-8"))
    inscope = right = nones = rejected = urgents = caught = false_urgent = 0
    for row in rows:
        decision = matcher.match(row["q"], mode)
        expect = row["expect"]
        if expect == "urgent":
            urgents += 1
            caught += decision.kind == "urgent"
        elif expect == "none":
            nones += 1
            rejected += decision.kind == "none"
            false_urgent += decision.kind == "urgent"
        else:
            inscope += 1
            right += decision.kind == "answer" and decision.entry in {expect, *row.get("also", [])}
            false_urgent += decision.kind == "urgent"
    assert right / inscope >= min_answer
    assert rejected / nones >= min_reject
    assert caught == urgents
    assert false_urgent == 0


def test_match_jsonl_is_what_the_scorer_reads() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "match", "--jsonl", "--mode", "channel"],
        input="ice or heat for a sore upper back?\nchest pain and back pain\nhaha\n\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    import json

    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["answer", "urgent", "none", "none"]
    assert rows[0]["entry"] == "treat-ice-heat"
    assert set(rows[0]) == {"question", "kind", "entry", "score", "suggestions"}
