"""What the bot says: reply content for every decision and routine, with the disclaimer.

The Discord cogs turn a Reply into an embed and the local console prints it as text,
so both show the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.core.knowledge import DayRoutine, Exercise, FaqEntry, Knowledge
from bot.core.matching import Decision

ReplyKind = Literal["answer", "suggest", "none", "urgent", "routine", "info"]


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    title: str
    body: str
    disclaimer: str | None = None
    entry_id: str | None = None
    suggestions: tuple[FaqEntry, ...] = field(default_factory=tuple)
    fields: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def answer_reply(entry: FaqEntry, knowledge: Knowledge) -> Reply:
    return Reply("answer", entry.title, entry.answer, knowledge.disclaimer, entry.id)


def decision_reply(decision: Decision, knowledge: Knowledge) -> Reply:
    if decision.kind == "urgent":
        return Reply("urgent", "Please get medical help promptly", knowledge.urgent_reply)
    if decision.kind == "answer" and decision.entry:
        return answer_reply(knowledge.entries[decision.entry], knowledge)
    if decision.kind == "suggest":
        picks = tuple(knowledge.entries[i] for i in decision.suggestions)
        body = "I'm not sure which of these you mean. Pick one:\n" + "\n".join(
            f"{n}. {e.title}" for n, e in enumerate(picks, start=1)
        )
        return Reply("suggest", "Did you mean…", body, knowledge.disclaimer, suggestions=picks)
    return Reply("none", "Not covered by the guide", knowledge.not_covered)


def routine_reply(
    title: str, exercises: tuple[Exercise, ...] | list[Exercise], knowledge: Knowledge
) -> Reply:
    fields = tuple(
        (f"{e.name} ({e.dose})", "\n".join(f"{n}. {s}" for n, s in enumerate(e.steps, 1)))
        for e in exercises
    )
    return Reply("routine", title, "", knowledge.disclaimer, fields=fields)


def day_routine_reply(day: DayRoutine, routine: str, knowledge: Knowledge) -> Reply:
    picked: list[Exercise] = []
    if routine in ("stretches", "both"):
        picked += day.stretches
    if routine in ("core", "both"):
        picked += day.core
    return routine_reply(f"Today's routine: {day.name}", picked, knowledge)


def render_text(reply: Reply) -> str:
    """Plain-text rendering used by the console and `python -m bot ask`."""
    lines = [f"**{reply.title}**"]
    if reply.body:
        lines.append(reply.body)
    for name, value in reply.fields:
        lines.append(f"\n__{name}__\n{value}")
    if reply.disclaimer:
        lines.append(f"\n_{reply.disclaimer}_")
    return "\n".join(lines)


HELP_TEXT = (
    "I answer questions about upper back soreness from running, from the club's guide.\n\n"
    "**/ask** `question`: ask in your own words (suggestions appear as you type); only you "
    "see the answer, unless you choose `private: False`\n"
    "**/faq**: browse the questions by topic\n"
    "**/stretches** `[before|after]`: dynamic stretches before a run, static ones after\n"
    "**/core**: core exercises that support your upper back\n"
    "**/disclaimer**: what my answers are, and are not\n"
    "**/remind**: up to three daily stretch or core routines by DM, at your local time\n"
    "**/forgetme**: delete everything I store about you\n\n"
    "You can also mention me with a question anywhere, reply to one of my messages, or send "
    "me a DM: I always answer. In channels the admins enabled (**/config channels**), I "
    "answer clear questions on the topic by myself."
)


def stretches_reply(knowledge: Knowledge, when: str | None = None) -> Reply:
    """/stretches: dynamic ones before a run, static ones after, or both."""
    if when == "before":
        return routine_reply(
            "Before your run: dynamic stretches", knowledge.by_kind("dynamic"), knowledge
        )
    if when == "after":
        return routine_reply(
            "After your run: static stretches", knowledge.by_kind("static"), knowledge
        )
    return routine_reply(
        "Stretches: dynamic before your run, static after",
        [*knowledge.by_kind("dynamic"), *knowledge.by_kind("static")],
        knowledge,
    )


def core_reply(knowledge: Knowledge) -> Reply:
    """/core: the core exercises."""
    return routine_reply("Core exercises", knowledge.by_kind("core"), knowledge)


def help_reply(knowledge: Knowledge) -> Reply:
    return Reply("info", "Run club back-care bot", HELP_TEXT, knowledge.disclaimer)


def disclaimer_reply(knowledge: Knowledge) -> Reply:
    return Reply("info", "Disclaimer", knowledge.disclaimer)
