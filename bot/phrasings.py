"""``python -m bot export-phrasings [FILE]``: the phrasings server admins taught from their
gaps (/faqadmin gaps), out of the database as YAML for a human to review into
knowledge/faq.yaml.

The file mirrors faq.yaml's entries: each entry's id (its title beside it as a comment) and
its learned phrasings, each with the server and the day it was taught as a comment. The bot
keeps using them per server meanwhile; a phrasing copied into faq.yaml serves every server.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from bot.config import Settings
from bot.core.knowledge import Knowledge
from bot.store import LearnedPhrasing, Store
from bot.store.faults import StoreError

HEADER = """\
# Phrasings that server admins taught the bot with /faqadmin gaps ("this is entry X").
# Review each one; copy those worth keeping under that entry's `phrasings:` in
# knowledge/faq.yaml, then run `python -m bot check`. Until then each server keeps its own.
"""


def _scalar(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one): no text can break the file."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split()).replace("#", "")[:120]


def render(phrasings: Iterable[LearnedPhrasing], knowledge: Knowledge) -> str:
    """The YAML text: ``entries``, each with its id and phrasings, in entry order."""
    by_entry: dict[str, list[LearnedPhrasing]] = {}
    for p in phrasings:
        by_entry.setdefault(p.entry, []).append(p)
    order = [e for e in knowledge.entries if e in by_entry]
    order += sorted(e for e in by_entry if e not in knowledge.entries)
    lines = [HEADER.rstrip("\n"), "entries:" if order else "entries: []"]
    for entry_id in order:
        entry = knowledge.entries.get(entry_id)
        about = _comment(entry.title) if entry else "no such entry in knowledge/ any more"
        lines.append(f"  - id: {_scalar(entry_id)}  # {about}")
        lines.append("    phrasings:")
        for p in by_entry[entry_id]:
            lines.append(
                f"      - {_scalar(p.phrasing)}  # server {p.guild_id}, taught {p.at:%Y-%m-%d}"
            )
    return "\n".join(lines) + "\n"


async def learned_phrasings(settings: Settings) -> list[LearnedPhrasing]:
    """Every server's learned phrasings, read from the database (StoreError if unusable)."""
    store = await Store.open(settings.database_path)
    try:
        return await store.all_learned_phrasings()
    finally:
        await store.close()


def export_phrasings(settings: Settings, knowledge: Knowledge, file: Path | None) -> int:
    """Write every server's learned phrasings to ``file`` (stdout when None); exit code."""
    try:
        phrasings = asyncio.run(learned_phrasings(settings))
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    text = render(phrasings, knowledge)
    if file is None:
        sys.stdout.write(text)
        return 0
    file.write_text(text, encoding="utf-8")
    entries = len({p.entry for p in phrasings})
    print(f"Wrote {len(phrasings)} phrasings of {entries} entries to {file}", file=sys.stderr)
    return 0
