"""language.yaml: members' words, back words, off-topic subjects and the kinds of question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.knowledge.model import MAX_TOPIC_WORDS
from bot.core.knowledge.yamlfile import Checker, read_yaml

LANGUAGE_TOP = (
    "synonyms",
    "back_words",
    "back_other_senses",
    "symptom_words",
    "off_topic",
    "asks",
)


def load_language(path: Path, check: Checker) -> dict[str, Any]:
    data = read_yaml(path, check)
    out: dict[str, Any] = {
        "synonyms": {},
        "back_words": (),
        "back_other_senses": (),
        "symptom_words": (),
        "body": (),
        "subjects": (),
        "asks": {},
    }
    if data is None or not check.fields(data, LANGUAGE_TOP, ""):
        return out
    synonyms = data.get("synonyms") or {}
    if not isinstance(synonyms, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        for k, v in synonyms.items()
    ):
        check.fail("", "'synonyms' must map a word or phrase to the words that replace it")
    else:
        out["synonyms"] = {k.lower().strip(): v.lower().strip() for k, v in synonyms.items()}
    off_topic = data.get("off_topic") or {}
    if not check.fields(off_topic, ("body", "subjects"), "'off_topic': "):
        off_topic = {}
    lists = (
        (data, "back_words", "", True),
        (data, "back_other_senses", "", False),
        (data, "symptom_words", "", False),
        (off_topic, "body", "'off_topic': ", False),
        (off_topic, "subjects", "'off_topic': ", False),
    )
    for source, key, where, required in lists:
        words = tuple(w.lower() for w in check.texts(source, key, where, required))
        for w in words:
            if len(w.split()) > MAX_TOPIC_WORDS:
                check.fail(where, f"'{key}' holds {w!r}: at most {MAX_TOPIC_WORDS} words")
        out[key] = words
    asks = data.get("asks") or {}
    if not isinstance(asks, dict) or not all(isinstance(k, str) for k in asks):
        check.fail("", "'asks' must map each kind of question to the phrases that ask it")
    else:
        out["asks"] = {
            kind.strip(): check.texts(asks, kind, f"'asks' kind '{kind}': ", True) for kind in asks
        }
    return out
