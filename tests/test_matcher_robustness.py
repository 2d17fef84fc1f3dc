"""Bad input never breaks the matcher: whatever a member types, in either mode, it returns a
well-formed Decision (answer, suggest, none or urgent) that renders to a reply, and never raises."""

from __future__ import annotations

import math
import random

import pytest

from bot.core.knowledge import Knowledge, load_knowledge
from bot.core.matching import Decision, Matcher
from bot.core.replies import decision_reply, render_text

MODES = ("ask", "channel")
KINDS = {"answer", "suggest", "none", "urgent"}

NASTY: dict[str, str] = {
    "empty": "",
    "space": " ",
    "whitespace": " \t\n\r\f\v\u00a0\u2003\u3000 ",
    "long-10000": ("why does my upper back hurt after running " * 250)[:10_000],
    "long-one-word": "a" * 10_000,
    "long-noise": "".join(chr(0x21 + (i * 7919) % 0x5E) for i in range(10_000)),
    "emoji": "😩🏃‍♀️💥🔥👍🏽",
    "emoji-flags": "🇫🇷🇯🇵🏳️‍🌈",
    "french": "Pourquoi ai-je mal au haut du dos après avoir couru ?",
    "japanese": "ランニングの後に背中の上部が痛いのはなぜですか？",
    "arabic": "لماذا يؤلمني أعلى ظهري بعد الجري؟",
    "mixed-scripts": "upper back ランニング боль спина 背中 ألم",
    "control": "why\x01does\x02my\x07back\x1bhurt\x7f\x9f",
    "nul": "upper\x00back\x00pain\x00",
    "only-nul": "\x00" * 50,
    "markdown": "**why** does my _upper back_ ~~hurt~~ after `running`? > quote\n# heading",
    "code-block": "```python\nprint('upper back pain after running')\n```",
    "code-block-unclosed": "```\nwhy does my upper back hurt",
    "spoiler-link": "||upper back|| [pain](https://example.com/ice?x=1) <https://x.y>",
    "zero-width": "up\u200bper b\u200cack p\u200dain af\u2060ter run\ufeffning",
    "only-zero-width": "\u200b\u200c\u200d\u2060\ufeff",
    "combining": "u\u0301p\u0308p\u0327e\u0300r back pain" + "\u0301" * 200,
    "rtl-override": "\u202eniap kcab reppu\u202c",
    "lone-surrogate": "upper back \ud800 pain \udfff",
    "mentions": "<@123> <@!123> <@&456> <#789> @everyone @here why does my back hurt",
    "only-mentions": "<@123> <@&456> @everyone",
    "custom-emoji": "<:sore:123456789012345678> <a:run:876543210987654321> back?",
    "timestamp": "<t:1700000000:R> is when my upper back started hurting",
    "slash-like": "/ask why does my upper back hurt",
    "punctuation": "?!?!...,,,;;;:::---___***",
    "question-marks": "?" * 5_000,
    "digits": "1234567890" * 20,
    "newlines": "\n" * 500 + "upper back pain?" + "\n" * 500,
    "regex-meta": r".*+?^$()[]{}|\ (chest pain(",
    "red-flag-in-noise": "\x00CHEST PAIN\u200b and my upper back hurts 😩 <@123>",
    "fullwidth": "ｗｈｙ ｄｏｅｓ ｍｙ ｕｐｐｅｒ ｂａｃｋ ｈｕｒｔ",
    "html": "<script>alert('upper back')</script><b>pain</b>",
    "sql": "'; DROP TABLE entries; -- upper back",
    "format-braces": "{entry} {0} %s %(x)s upper back {{}}",
}


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def matcher(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge)


def check_decision(d: Decision, knowledge: Knowledge) -> None:
    """A decision the bot can act on, and the reply a member would see for it."""
    assert isinstance(d, Decision)
    assert d.kind in KINDS
    assert isinstance(d.score, int | float) and math.isfinite(d.score)
    assert isinstance(d.suggestions, tuple)
    assert all(s in knowledge.entries for s in d.suggestions)
    if d.kind == "answer":
        assert d.entry in knowledge.entries
    elif d.kind == "suggest":
        assert 1 <= len(d.suggestions) <= 3
        assert len(set(d.suggestions)) == len(d.suggestions)
    else:
        assert d.entry is None or d.entry in knowledge.entries
    reply = decision_reply(d, knowledge)
    text = render_text(reply)
    assert text.strip()
    if d.kind in ("answer", "suggest"):
        assert knowledge.disclaimer in text
    if d.kind == "urgent":
        assert knowledge.urgent_reply in text


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", list(NASTY))
def test_bad_input_gets_a_decision(matcher: Matcher, knowledge: Knowledge, name: str, mode) -> None:
    question = NASTY[name]
    decision = matcher.match(question, mode)
    check_decision(decision, knowledge)
    assert matcher.match(question, mode) == decision, "the matcher must be deterministic"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["empty", "whitespace", "only-zero-width", "only-nul", "emoji"])
def test_input_with_no_words_is_not_answered(matcher: Matcher, name: str, mode) -> None:
    assert matcher.match(NASTY[name], mode).kind == "none"


@pytest.mark.parametrize("mode", MODES)
def test_random_strings_get_a_decision(matcher: Matcher, knowledge: Knowledge, mode) -> None:
    rng = random.Random(20261127)
    words = sorted(
        {
            w
            for e in knowledge.entries.values()
            for w in (e.title + " " + " ".join(e.keywords)).split()
        }
    )
    alphabets = [
        [chr(c) for c in range(0x00, 0x80)],  # ASCII, control characters included
        [chr(c) for c in range(0x80, 0x250)],  # Latin-1 and Latin Extended
        [chr(c) for c in range(0x300, 0x370)],  # combining marks
        [chr(c) for c in range(0x3040, 0x3100)],  # kana
        [chr(c) for c in range(0x0600, 0x0700)],  # Arabic
        [chr(c) for c in range(0x1F300, 0x1F650)],  # emoji
        [chr(c) for c in range(0x2000, 0x2070)],  # spaces, zero-width, bidi controls
        ["<@", ">", "<@&", "@everyone", "```", "**", "||", "\n", "?", "\x00", "\ud83d"],
    ]
    for _ in range(150):
        parts: list[str] = []
        for _ in range(rng.randint(0, 30)):
            if rng.random() < 0.5:
                parts.append(rng.choice(words))
            else:
                alphabet = rng.choice(alphabets)
                parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
            parts.append(rng.choice(["", " ", "  ", "\t", "\n"]))
        question = "".join(parts)
        try:
            decision = matcher.match(question, mode)
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"match({question!r}, {mode!r}) raised {exc!r}")
        check_decision(decision, knowledge)


@pytest.mark.parametrize("mode", MODES)
def test_every_prefix_of_a_question_gets_a_decision(
    matcher: Matcher, knowledge: Knowledge, mode
) -> None:
    """Half-typed messages and autocomplete input: every prefix, one character at a time."""
    question = "Why does my upper back 😩 hurt after long runs? <@123> ```ice``` ?"
    for n in range(len(question) + 1):
        check_decision(matcher.match(question[:n], mode), knowledge)


@pytest.mark.parametrize("name", list(NASTY))
def test_autocomplete_never_raises(matcher: Matcher, knowledge: Knowledge, name: str) -> None:
    found = matcher.complete(NASTY[name], 25)
    assert len(found) <= 25
    assert all(e.id in knowledge.entries and knowledge.entries[e.id] == e for e in found)
