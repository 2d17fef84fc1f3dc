"""Replies that fit a phone, end to end: /stretches, /core, a long reminder DM and /remind
list come in pages of at most 2,000 characters (the double fails any test whose bot sent a
longer message), turned with Previous / Next buttons that work after a restart.
"""

from __future__ import annotations

import re
import shutil

import pytest

from bot.app import create_bot
from bot.config import PROJECT_ROOT
from tests.double.limits import text_total
from tests.helpers import (
    DUE,
    all_pages,
    at,
    components,
    custom_ids,
    dms,
    start_bot,
    stop_bot,
    subscribe,
    text_of,
    with_settings,
)


def buttons(msg):
    return {c["custom_id"]: c for c in components(msg)}


async def test_stretches_turn_both_ways_and_keep_remind_me_daily_under_every_page(
    running_bot, double
):
    shown = await (await double.slash("stretches")).message()
    first = shown["embeds"][0]
    assert first["footer"]["text"] == "Page 1 of 3"
    assert custom_ids(shown) == [
        "pg:stretches:all:0:p",
        "pg:stretches:all:1:n",
        "remind:start:stretches",
    ]
    assert buttons(shown)["pg:stretches:all:0:p"]["disabled"]  # nothing before page 1
    nxt = await double.click(shown, "pg:stretches:all:1:n")
    assert (await nxt.response())["type"] == 7  # the message itself turns, no new message
    second = await nxt.message()
    assert second["id"] == shown["id"] and second["embeds"][0]["footer"]["text"] == "Page 2 of 3"
    assert custom_ids(second) == [
        "pg:stretches:all:0:p",
        "pg:stretches:all:2:n",
        "remind:start:stretches",
    ]
    back = await double.click(second, "pg:stretches:all:0:p")
    assert (await back.message())["embeds"][0] == first
    pages = await all_pages(double, await back.message())
    assert [p["footer"]["text"] for p in pages] == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    last = double.messages[int(shown["id"])]
    assert buttons(last)["pg:stretches:all:2:n"]["disabled"]  # nothing after the last page
    assert "remind:start:stretches" in custom_ids(last)
    # every page is short enough for a phone: far below the 3,600 characters of before
    assert all(len(text_of({"embeds": [p]})) < 1600 for p in pages)


async def test_page_buttons_work_after_a_restart(double, settings, clock):
    bot = create_bot(settings, clock=clock)
    task = await start_bot(bot, double)
    try:
        shown = await (await double.slash("core")).message()
    finally:
        await stop_bot(bot, task)
    bot = create_bot(settings, clock=clock)  # a new process: no view of the old one is kept
    task = await start_bot(bot, double)
    try:
        turned = await (await double.click(shown, "pg:core:all:1:n")).message()
        names = [f["name"] for f in turned["embeds"][0]["fields"][:-1]]
        core = [f"{e.name} ({e.dose})" for e in bot.knowledge.by_kind("core")]
        assert names == core[-len(names) :] and turned["embeds"][0]["footer"]["text"] == (
            "Page 2 of 2"
        )
    finally:
        await stop_bot(bot, task)


@pytest.fixture
def wordy_knowledge(tmp_path):
    """The real knowledge with every exercise step three times as long: a day's routine of
    stretches and core no longer fits one message."""
    target = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", target)
    routines = target / "routines.yaml"
    extra = (
        " Move slowly, breathe out as you go, and stop at once if anything hurts or feels wrong."
    )
    text = re.sub(
        r"^(      - )(.+)$",
        lambda m: m[1] + m[2] + extra,
        routines.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    routines.write_text(text, encoding="utf-8")
    return target


async def test_a_reminder_dm_too_long_for_one_message_is_paged_with_its_buttons(
    double, settings, clock, wordy_knowledge
):
    bot = create_bot(with_settings(settings, knowledge_dir=wordy_knowledge), clock=clock)
    task = await start_bot(bot, double)
    try:
        await subscribe(double)
        sub = await bot.store.subscription(double.member.id)
        await at(clock, bot, DUE)
        (dm,) = dms(double, double.member)
        day_buttons = ["remind:done:2026-03-03", "remind:skip:2026-03-03", f"remind:stop:{sub.id}"]
        args = f"both.2026-03-03.{sub.id}"
        assert custom_ids(dm) == [f"pg:day:{args}:0:p", f"pg:day:{args}:1:n", *day_buttons]
        assert text_total(dm) <= 2000
        pages = await all_pages(double, dm)
        assert len(pages) >= 2
        assert all(p["fields"][-1]["value"] == bot.knowledge.disclaimer for p in pages)
        assert all("Reminder “daily”" in p["footer"]["text"] for p in pages)
        turned = double.messages[int(dm["id"])]
        assert custom_ids(turned)[2:] == day_buttons  # Done, Skip and Stop on every page
        done = await double.click(turned, "remind:done:2026-03-03")
        assert "Streak: 1 day" in text_of(await done.reply())
        # each exercise of the day exactly once over the pages
        shown = [f["name"] for p in pages for f in p["fields"][:-1]]
        assert len(shown) == len(set(shown)) >= 4
    finally:
        await stop_bot(bot, task)


async def test_remind_list_shows_three_reminders_on_one_page(running_bot, double):
    for name, time, routine in (("stretches", "07:00", "stretches"), ("core", "19:00", "core")):
        await subscribe(double, time=time, routine=routine, name=name)
    await subscribe(double, time="12:15", routine="both", name="lunch")
    listed = await (await double.slash("remind", subcommand="list")).reply()
    (embed,) = listed["embeds"]
    assert [f["name"] for f in embed["fields"]] == [
        "“stretches” · 07:00 (Europe/London)",
        "“lunch” · 12:15 (Europe/London)",
        "“core” · 19:00 (Europe/London)",
    ]
    assert not any(c.startswith("pg:") for c in custom_ids(listed))  # one page: no buttons
    assert "Time zone:** Europe/London" in embed["description"]
    assert text_total(listed) <= 2000
