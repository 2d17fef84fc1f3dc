"""The admin's learning loop end to end: /faqadmin gaps, a menu to teach "this is entry X",
the next question answered with it in that server, counted in /faqadmin stats, exported as
YAML; and never in the way of red-flag triage."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace

import yaml

from bot.config import PROJECT_ROOT
from bot.core.knowledge import load_knowledge
from bot.ui.respond import PERMISSION_TEXT
from bot.ui.teach import ENTRIES_PER_PAGE, MORE, NO_GAPS, TeachSelect
from tests.double.interactions import UPDATE_MESSAGE
from tests.helpers import (
    ask_by_mention,
    assert_silent,
    components,
    embed_of,
    enable_channel,
)

TRAPS = "my traps are killing me after the long run, what do I do?"
TRAPS_NORMALISED = "my traps are killing me after the long run what do i do"
TRAPS_AGAIN = "My traps are killin me after my long run... what should I do?"


async def not_covered(double, question, **where) -> dict:
    reply = await double.wait_for_reply(await ask_by_mention(double, question, **where))
    assert reply["embeds"][0]["title"] == "Not covered by the guide", reply["embeds"][0]
    return reply


async def open_gaps(double, guild=None, user=None) -> tuple[dict, dict]:
    """/faqadmin gaps: the message the admin sees, and its menu of questions."""
    gaps = await double.slash("faqadmin", user=user or double.admin, subcommand="gaps", guild=guild)
    msg = await gaps.reply()
    (menu,) = [c for c in components(msg) if c["custom_id"] == "faq:gap"]
    return msg, menu


async def teach(double, question_text, entry, guild=None) -> dict:
    """An admin teaches the gap whose text contains ``question_text`` as ``entry``; returns
    the gaps message as it reads afterwards."""
    msg, menu = await open_gaps(double, guild)
    option = next(o for o in menu["options"] if question_text in o["label"])
    picked = await double.select(msg, "faq:gap", [option["value"]], user=double.admin)
    assert (await picked.response())["type"] == UPDATE_MESSAGE
    msg = double.messages[msg["_id"]]
    assert "Teach me this question" in msg["embeds"][0]["title"]
    (entries,) = components(msg)
    assert entries["custom_id"] == f"faq:teach:{option['value']}:0"
    taught = await double.select(msg, entries["custom_id"], [entry], user=double.admin)
    assert (await taught.response())["type"] == UPDATE_MESSAGE
    return double.messages[msg["_id"]]


async def test_an_admin_teaches_a_gap_and_the_next_question_gets_that_entry(running_bot, double):
    k = running_bot.knowledge
    await not_covered(double, TRAPS)
    shown = await teach(double, "traps are killing me", "treat-rest")
    description = shown["embeds"][0]["description"]
    assert "Learned" in description and k.entries["treat-rest"].title in description
    assert NO_GAPS in description and not components(shown)

    reply = await double.wait_for_reply(await ask_by_mention(double, TRAPS_AGAIN))
    assert reply["embeds"][0]["title"] == k.entries["treat-rest"].title
    await enable_channel(running_bot, double)
    unprompted = await double.send_message("running-questions", double.other_member, TRAPS)
    reply = await double.wait_for_reply(unprompted)
    assert reply["embeds"][0]["title"] == k.entries["treat-rest"].title

    stats = await double.slash("faqadmin", user=double.admin, subcommand="stats")
    text = (await embed_of(stats))["description"]
    assert "**Learned phrasings:** 1 taught here, 2 questions answered through them" in text


async def test_a_learned_phrasing_never_stands_before_the_urgent_reply(running_bot, double):
    await not_covered(double, TRAPS)
    await teach(double, "traps are killing me", "treat-rest")
    flagged = "my traps are killing me after the long run and I have chest pain, what do I do?"
    reply = await double.wait_for_reply(await ask_by_mention(double, flagged))
    (embed,) = reply["embeds"]
    assert embed["description"] == running_bot.knowledge.urgent_reply
    assert components(reply) == []


async def test_the_menus_refuse_a_member_without_manage_server(running_bot, double):
    await not_covered(double, TRAPS)
    msg, menu = await open_gaps(double)
    value = menu["options"][0]["value"]
    refused = await double.select(msg, "faq:gap", [value], user=double.other_member)
    assert (await refused.response())["data"]["content"] == PERMISSION_TEXT
    forged = await double.select(msg, "faq:gap", [value], user=double.admin)
    await forged.response()
    msg = double.messages[msg["_id"]]
    (entries,) = components(msg)
    refused = await double.select(msg, entries["custom_id"], ["treat-rest"], double.other_member)
    assert (await refused.response())["data"]["content"] == PERMISSION_TEXT
    assert await running_bot.store.learned_phrasings(double.guild.id) == []


async def test_a_member_cannot_open_the_gaps(running_bot, double):
    await not_covered(double, TRAPS)
    gaps = await double.slash("faqadmin", user=double.member, subcommand="gaps")
    assert PERMISSION_TEXT in (await gaps.response())["data"]["content"]


def test_a_guide_of_more_than_24_entries_is_taught_a_page_at_a_time():
    k = load_knowledge()
    many = {f"extra-{n}": replace(e, id=f"extra-{n}") for n, e in enumerate(k.entries.values())}
    big = replace(k, entries={**k.entries, **many})
    first = TeachSelect.build(7, big, 0).item
    assert len(first.options) == ENTRIES_PER_PAGE + 1 and first.options[-1].value == MORE
    assert first.custom_id == "faq:teach:7:0"
    last = TeachSelect.build(7, big, 1).item
    assert [o.value for o in last.options[:-1]] == list(big.entries)[ENTRIES_PER_PAGE:]
    assert TeachSelect.build(7, big, 2).item.custom_id == "faq:teach:7:0"  # wraps around


async def test_export_phrasings_writes_yaml_to_review_into_the_guide(
    running_bot, double, settings, tmp_path
):
    await not_covered(double, TRAPS)
    await not_covered(double, "can I go swimming with it?")
    await teach(double, "traps", "treat-rest")
    await teach(double, "swimming", "exercises-to-avoid")
    out = tmp_path / "learned.yaml"
    env = {**os.environ, "DATABASE_PATH": str(settings.database_path), "DISCORD_TOKEN": ""}
    proc = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "export-phrasings", str(out)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Wrote 2 phrasings of 2 entries" in proc.stderr
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data == {
        "entries": [
            {
                "id": "treat-rest",
                "phrasings": ["my traps are killing me after the long run what do i do"],
            },
            {"id": "exercises-to-avoid", "phrasings": ["can i go swimming with it"]},
        ]
    }
    assert f"server {double.guild.id}" in out.read_text(encoding="utf-8")


async def test_a_taught_question_asked_again_is_silent_in_a_quiet_channel(running_bot, double):
    # learned phrasings answer direct asks and enabled channels only, like every answer
    await not_covered(double, TRAPS)
    await teach(double, "traps", "treat-rest")
    mark = double.mark()
    await double.send_message("general", double.member, TRAPS)
    await assert_silent(double, mark)


async def test_learned_lists_what_this_server_taught_and_forgets_one(running_bot, double):
    k = running_bot.knowledge
    await not_covered(double, TRAPS)
    await teach(double, "traps", "treat-rest")
    listed = await double.slash("faqadmin", user=double.admin, subcommand="learned")
    msg = await listed.reply()
    assert TRAPS_NORMALISED in msg["embeds"][0]["description"]
    assert k.entries["treat-rest"].title in msg["embeds"][0]["description"]
    (menu,) = components(msg)
    refused = await double.select(msg, "faq:unlearn", [menu["options"][0]["value"]], double.member)
    assert (await refused.response())["data"]["content"] == PERMISSION_TEXT
    forgot = await double.select(msg, "faq:unlearn", [menu["options"][0]["value"]], double.admin)
    assert (await forgot.response())["type"] == UPDATE_MESSAGE
    assert "Forgotten" in double.messages[msg["_id"]]["embeds"][0]["description"]
    assert await running_bot.store.learned_phrasings(double.guild.id) == []
    await not_covered(double, TRAPS)  # answered as before it was taught
    assert "traps" in (await open_gaps(double))[0]["embeds"][0]["description"]


async def test_a_learned_phrasing_survives_a_reload_of_the_knowledge(running_bot, double):
    await not_covered(double, TRAPS)
    await teach(double, "traps", "treat-rest")
    reloaded = await double.slash("faqadmin", user=double.admin, subcommand="reload")
    assert "Reloaded" in (await reloaded.reply())["content"]
    reply = await double.wait_for_reply(await ask_by_mention(double, TRAPS_AGAIN))
    assert reply["embeds"][0]["title"] == running_bot.knowledge.entries["treat-rest"].title
