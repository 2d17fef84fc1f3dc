"""The local console: try the bot offline, as a member in a club channel would.

Plain lines are channel messages (the bot answers only what it would answer in an enabled
channel); slash commands work as in Discord. It renders the same replies as the Discord
cogs, so what an admin tries here is what members get.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.knowledge import TOPICS, Knowledge
from bot.core.matching import Matcher
from bot.core.replies import (
    Reply,
    answer_reply,
    core_reply,
    decision_reply,
    disclaimer_reply,
    help_reply,
    render_text,
    stretches_reply,
)

SILENCE = "(the bot stays silent: not a question it should answer in a channel)"
CONSOLE_HELP = (
    "Type a message as you would in a club channel, or a slash command:\n"
    "  /ask QUESTION   /faq [TOPIC]   /stretches [before|after]   /core\n"
    "  /disclaimer     /help          /quit\n"
    "After a 'Did you mean' list, type the number of your pick."
)


class Console:
    """Turns one typed line into what the bot would post (several blocks of text)."""

    def __init__(self, knowledge: Knowledge, matcher: Matcher | None = None) -> None:
        self.knowledge = knowledge
        self.matcher = matcher or Matcher(knowledge)
        self._picks: list[str] = []
        self._commands: dict[str, Callable[[str], list[str]]] = {
            "ask": self._ask,
            "faq": self._faq,
            "stretches": self._stretches,
            "core": lambda _: self._show(core_reply(self.knowledge)),
            "disclaimer": lambda _: self._show(disclaimer_reply(self.knowledge)),
            "help": lambda _: [render_text(help_reply(self.knowledge)), CONSOLE_HELP],
        }

    def handle(self, line: str) -> list[str]:
        text = line.strip()
        if not text:
            return []
        if text.isdigit() and self._picks:
            n = int(text)
            if 1 <= n <= len(self._picks):
                entry = self.knowledge.entries[self._picks[n - 1]]
                self._picks = []
                return self._show(answer_reply(entry, self.knowledge))
        if text.startswith("/"):
            name, _, rest = text[1:].partition(" ")
            command = self._commands.get(name.lower())
            if command is None:
                return [f"Unknown command /{name}. Commands: /{', /'.join(self._commands)}"]
            return command(rest.strip())
        decision = self.matcher.match(text, "channel")
        if decision.kind == "none":
            return [SILENCE]
        return self._show(decision_reply(decision, self.knowledge))

    def _show(self, reply: Reply) -> list[str]:
        self._picks = [e.id for e in reply.suggestions]
        return [render_text(reply)]

    def _ask(self, question: str) -> list[str]:
        if not question:
            return ["Usage: /ask QUESTION"]
        return self._show(decision_reply(self.matcher.match(question, "ask"), self.knowledge))

    def _faq(self, topic: str) -> list[str]:
        topic = topic.lower()
        if topic and topic not in TOPICS:
            return [f"Topics: {', '.join(TOPICS)}"]
        lines = []
        for key, label in TOPICS.items():
            if topic and key != topic:
                continue
            lines.append(f"**{label}**")
            lines += [f"  {e.title}" for e in self.knowledge.entries.values() if e.topic == key]
        lines.append("Ask any of these with /ask.")
        return ["\n".join(lines)]

    def _stretches(self, when: str) -> list[str]:
        when = when.lower()
        if when not in ("", "before", "after"):
            return ["Usage: /stretches [before|after]"]
        return self._show(stretches_reply(self.knowledge, when or None))
