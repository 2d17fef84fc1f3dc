"""Discord's size limits on what a bot sends, checked by the double as Discord checks them.

A message over a limit gets 400 Invalid Form Body (code 50035) from Discord, so the double
answers the same: a bot that does not cut member text cleanly fails its tests here.
"""

from __future__ import annotations

from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBEDS_TOTAL = 6000
ACTION_ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
OPTION_TEXT = 100
PLACEHOLDER = 150
CHOICES = 25
CHOICE_TEXT = 100
# Not Discord's rule but the bot's: a message must fit a phone, so no message the bot sends
# carries more text than this in all (content and every embed's text together).
PHONE_TEXT = 2000


def _too_long(problems: list[str], where: str, value: Any, limit: int) -> int:
    text = value if isinstance(value, str) else ""
    if len(text) > limit:
        problems.append(f"{where}: {len(text)} characters, the limit is {limit}")
    return len(text)


def message_problems(body: dict[str, Any]) -> list[str]:
    """What Discord would reject in a message body (create, edit, callback data, followup)."""
    problems: list[str] = []
    _too_long(problems, "content", body.get("content"), CONTENT)
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        problems.append(f"embeds: {len(embeds)}, the limit is {EMBEDS}")
    total = 0
    for i, embed in enumerate(embeds):
        at = f"embeds[{i}]"
        total += _too_long(problems, f"{at}.title", embed.get("title"), EMBED_TITLE)
        total += _too_long(
            problems, f"{at}.description", embed.get("description"), EMBED_DESCRIPTION
        )
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS:
            problems.append(f"{at}.fields: {len(fields)}, the limit is {EMBED_FIELDS}")
        for j, f in enumerate(fields):
            total += _too_long(problems, f"{at}.fields[{j}].name", f.get("name"), FIELD_NAME)
            total += _too_long(problems, f"{at}.fields[{j}].value", f.get("value"), FIELD_VALUE)
            if not f.get("name") or not f.get("value"):
                problems.append(f"{at}.fields[{j}]: name and value must not be empty")
        footer = embed.get("footer") or {}
        total += _too_long(problems, f"{at}.footer.text", footer.get("text"), FOOTER_TEXT)
        author = embed.get("author") or {}
        total += _too_long(problems, f"{at}.author.name", author.get("name"), AUTHOR_NAME)
    if total > EMBEDS_TOTAL:
        problems.append(f"embeds: {total} characters in all, the limit is {EMBEDS_TOTAL}")
    problems += component_problems(body.get("components") or [])
    return problems


def text_total(body: dict[str, Any]) -> int:
    """All the text a message carries: content, and each embed's title, description, field
    names and values, footer and author (what Discord counts towards an embed's 6,000)."""
    total = len(body.get("content") or "")
    for embed in body.get("embeds") or []:
        total += len(embed.get("title") or "") + len(embed.get("description") or "")
        for f in embed.get("fields") or []:
            total += len(f.get("name") or "") + len(f.get("value") or "")
        total += len((embed.get("footer") or {}).get("text") or "")
        total += len((embed.get("author") or {}).get("name") or "")
    return total


def component_problems(rows: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    if len(rows) > ACTION_ROWS:
        problems.append(f"components: {len(rows)} rows, the limit is {ACTION_ROWS}")
    seen: set[str] = set()
    for i, row in enumerate(rows):
        items = row.get("components") or []
        selects = [c for c in items if c.get("type") in (3, 5, 6, 7, 8)]
        if selects and len(items) > 1:
            problems.append(f"components[{i}]: a select menu must be alone in its row")
        if len(items) > ROW_BUTTONS:
            problems.append(f"components[{i}]: {len(items)} items, the limit is {ROW_BUTTONS}")
        for j, item in enumerate(items):
            at = f"components[{i}][{j}]"
            custom_id = item.get("custom_id")
            if custom_id is not None:
                _too_long(problems, f"{at}.custom_id", custom_id, CUSTOM_ID)
                if custom_id in seen:
                    problems.append(f"{at}.custom_id: {custom_id!r} is used twice")
                seen.add(custom_id)
            _too_long(problems, f"{at}.label", item.get("label"), BUTTON_LABEL)
            _too_long(problems, f"{at}.placeholder", item.get("placeholder"), PLACEHOLDER)
            options = item.get("options") or []
            if len(options) > SELECT_OPTIONS:
                problems.append(f"{at}.options: {len(options)}, the limit is {SELECT_OPTIONS}")
            for k, option in enumerate(options):
                for key in ("label", "value", "description"):
                    _too_long(problems, f"{at}.options[{k}].{key}", option.get(key), OPTION_TEXT)
    return problems


def choice_problems(choices: list[dict[str, Any]]) -> list[str]:
    """What Discord would reject in an autocomplete result."""
    problems: list[str] = []
    if len(choices) > CHOICES:
        problems.append(f"choices: {len(choices)}, the limit is {CHOICES}")
    for i, choice in enumerate(choices):
        name = choice.get("name") or ""
        if not 1 <= len(name) <= CHOICE_TEXT:
            problems.append(f"choices[{i}].name: {len(name)} characters, must be 1 to 100")
        _too_long(problems, f"choices[{i}].value", choice.get("value"), CHOICE_TEXT)
    return problems
