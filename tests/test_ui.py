"""bot.ui: replies as embeds within Discord's limits, the FAQ's components, defused member text."""

from __future__ import annotations

import dataclasses

import discord
import pytest

from bot.core.knowledge import TOPICS, load_knowledge
from bot.core.matching import Decision
from bot.core.replies import Reply, decision_reply, routine_reply
from bot.ui.faq_items import (
    EntrySelect,
    FeedbackButton,
    PickButton,
    answer_message,
    browse_message,
    reply_message,
)
from bot.ui.render import reply_embed
from bot.ui.text import BUTTON_LABEL_MAX, OPTION_LABEL_MAX, cut, defuse, quote


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


def test_cut_keeps_short_text_and_cuts_long_text_at_a_word():
    assert cut("short", 10) == "short"
    out = cut("word " * 100, 50)
    assert len(out) <= 50
    assert out.endswith("word…")


def test_cut_without_spaces_is_still_within_the_limit():
    out = cut("x" * 5000, 4096)
    assert len(out) == 4096 and out.endswith("…")


@pytest.mark.parametrize(
    "text",
    [
        "@everyone look",
        "@here now",
        "<@&123456789012345678>",
        "<@123456789012345678>",
        "<@!1234567890123456789>",
    ],
)
def test_defuse_breaks_every_kind_of_ping(text):
    out = defuse(text)
    assert "@everyone" not in out and "@here" not in out
    assert "<@&1" not in out and "<@1" not in out and "<@!1" not in out


def test_quote_flattens_markdown_zero_width_and_control_characters():
    out = quote("**bold** `code`\n```py\nx\n```\u200b@every\u200bone \x07 @everyone", 500)
    assert "\n" not in out and "\x07" not in out
    assert "\\*\\*bold\\*\\*" in out
    assert "@everyone" not in out
    assert len(quote("a" * 5000, 200)) == 200


def test_answer_embed_shows_question_answer_and_disclaimer(knowledge):
    entry = knowledge.entries["treat-ice-heat"]
    embed, view = answer_message(entry, knowledge)
    assert embed.title == entry.title
    assert embed.description == entry.answer
    assert embed.fields[-1].value == knowledge.disclaimer
    assert embed.footer.text == "Guide: Ice and Heat"  # short: the title names the question
    ids = [item.custom_id for item in view.children]
    assert ids == ["faq:fb:up:treat-ice-heat", "faq:fb:down:treat-ice-heat"]


def test_suggest_embed_has_up_to_three_pick_buttons(knowledge):
    ids = ("treat-rest", "treat-ice-heat", "treat-pain-relief")
    reply = decision_reply(Decision("suggest", suggestions=ids), knowledge)
    embed, view = reply_message(reply, knowledge)
    assert [i.custom_id for i in view.children] == [f"faq:pick:{i}" for i in ids]
    assert all(len(i.item.label) <= BUTTON_LABEL_MAX for i in view.children)
    assert embed.fields[-1].value == knowledge.disclaimer


def test_none_points_to_faq_and_urgent_has_no_buttons_and_no_exercises(knowledge):
    embed, view = reply_message(decision_reply(Decision("none"), knowledge), knowledge)
    assert "/faq" in embed.description and view is None
    embed, view = reply_message(
        decision_reply(Decision("urgent", flag="chest"), knowledge), knowledge
    )
    assert view is None
    assert embed.description == knowledge.urgent_reply
    assert embed.colour == discord.Colour.red()
    names = {e.name.lower() for e in knowledge.exercises.values()}
    assert not any(f.name.split(" (")[0].lower() in names for f in embed.fields)


def test_long_reply_is_cut_to_every_discord_limit(knowledge):
    reply = Reply(
        "routine",
        "T" * 400,
        "B" * 5000,
        "D" * 1000,
        fields=tuple((f"name {n} " + "n" * 300, "v " * 800) for n in range(40)),
    )
    embed = reply_embed(reply, knowledge)
    assert len(embed.title) <= 256 and len(embed.description) <= 4096
    assert len(embed.fields) <= 25
    assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in embed.fields)
    assert len(embed) <= 6000
    assert embed.fields[-1].value == "D" * 1000  # the disclaimer survives the cuts


def test_routine_embeds_fit(knowledge):
    both = [*knowledge.by_kind("dynamic"), *knowledge.by_kind("static")]
    embed = reply_embed(routine_reply("Stretches", both, knowledge), knowledge)
    assert len(embed) <= 6000
    assert embed.fields[-1].value == knowledge.disclaimer


def test_browser_lists_topics_then_the_entries_of_one(knowledge):
    _embed, view = browse_message(knowledge)
    (topic_select,) = view.children
    assert topic_select.custom_id == "faq:topic"
    assert [o.value for o in topic_select.item.options] == list(TOPICS)
    for topic in TOPICS:
        _embed, view = browse_message(knowledge, topic)
        topics, entries = view.children
        wanted = [e.id for e in knowledge.entries.values() if e.topic == topic]
        assert [o.value for o in entries.item.options] == wanted
        assert [o.default for o in topics.item.options].count(True) == 1
        assert all(len(o.label) <= OPTION_LABEL_MAX for o in entries.item.options)


def test_long_titles_are_cut_in_labels(knowledge):
    entry = dataclasses.replace(knowledge.entries["causes"], title="Why " * 100)
    button = PickButton(entry)
    assert len(button.item.label) <= BUTTON_LABEL_MAX
    select = EntrySelect.build([entry])
    assert len(select.item.options[0].label) <= OPTION_LABEL_MAX


def test_custom_ids_fit_and_match_their_templates(knowledge):
    for entry in knowledge.entries.values():
        for item in (
            PickButton(entry),
            FeedbackButton(entry.id, helpful=True),
            FeedbackButton(entry.id, helpful=False),
        ):
            assert len(item.custom_id) <= 100
            assert item.template.fullmatch(item.custom_id)
