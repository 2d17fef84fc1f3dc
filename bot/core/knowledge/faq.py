"""faq.yaml: the disclaimer, the not-covered reply and the FAQ entries."""

from __future__ import annotations

from pathlib import Path

from bot.core.knowledge.model import MAX_ANSWER, MAX_SHORT_TEXT, MAX_TITLE, TOPICS, FaqEntry
from bot.core.knowledge.yamlfile import Checker, read_yaml

FAQ_TOP = ("disclaimer", "not_covered", "entries")
FAQ_FIELDS = (
    "id",
    "topic",
    "title",
    "section",
    "answer",
    "asks",
    "phrasings",
    "keywords",
    "related",
)


def load_faq(path: Path, check: Checker) -> tuple[dict[str, FaqEntry], str | None, str | None]:
    data = read_yaml(path, check)
    entries: dict[str, FaqEntry] = {}
    declared: set[str] = set()  # ids of entries with errors too: reported once, not again
    if data is None or not check.fields(data, FAQ_TOP, ""):
        return entries, None, None
    disclaimer = check.text(data, "disclaimer", "", MAX_SHORT_TEXT)
    not_covered = check.text(data, "not_covered", "", MAX_SHORT_TEXT)
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        check.fail("", "'entries' must be a list of entries")
        return entries, disclaimer, not_covered
    for n, raw in enumerate(raw_entries, start=1):
        found = check.identified(raw, n, "entry", FAQ_FIELDS, declared)
        if found is None:
            continue
        ident, where = found
        topic = check.text(raw, "topic", where, 40)
        if topic is not None and topic not in TOPICS:
            check.fail(where, f"'topic' must be one of {', '.join(TOPICS)}, got {topic!r}")
            topic = None
        title = check.text(raw, "title", where, MAX_TITLE)
        section = check.text(raw, "section", where, MAX_TITLE)
        answer = check.text(raw, "answer", where, MAX_ANSWER)
        phrasings = check.texts(raw, "phrasings", where)
        keywords = check.texts(raw, "keywords", where)
        related = check.texts(raw, "related", where)
        asks = check.texts(raw, "asks", where)
        if topic is None or title is None or section is None or answer is None:
            continue
        entries[ident] = FaqEntry(
            ident, topic, title, section, answer, phrasings, keywords, related, asks
        )
    if not entries and not declared:
        check.fail("", "'entries' is empty: the bot needs at least one FAQ entry to answer")
    for entry in entries.values():
        for other in entry.related:
            if other not in declared:
                check.fail(f"entry '{entry.id}': ", f"'related' names unknown entry '{other}'")
    return entries, disclaimer, not_covered
