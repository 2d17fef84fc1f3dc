"""Secrets never reach a log line: the bot token and Authorization headers are cut out.

Exception texts and reprs can carry a request's headers (aiohttp's TooManyRedirects and
other ClientResponseErrors hold the request, Authorization header and all; asyncio prints a
failed task's exception repr). ``protect_logging(token)`` makes every log handler of the
root logger redact what it writes, tracebacks included; ``protect_uncaught(token)`` does the
same for uncaught exceptions (``sys.excepthook``, ``threading.excepthook``) and unraisable
ones.

Redacted: the token itself wherever it appears, the value of any Authorization header
(``'Authorization': 'Bot ...'``, ``Authorization: Bearer ...``), anything shaped like a
Discord bot token, and interaction and webhook tokens in URLs.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from types import TracebackType
from typing import Any

MASK = "[redacted]"

_AUTHORIZATION = re.compile(
    r"""(?ix)
    (authorization ['"]? \s* [:=] \s* ['"]?)   # the header's name, as text or in a repr
    (?:bot \s+ | bearer \s+)?                  # its scheme
    [^\s'",}>)]+                               # its value
    """
)
# A Discord bot token: base64 user id, a timestamp part, an HMAC part.
_TOKEN_SHAPE = re.compile(r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}\b")
# Interaction and webhook URLs carry a token that answers for the application.
_URL_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_.-]{20,}")


class Redactor:
    """Removes the given secrets and anything that looks like a credential from text."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _AUTHORIZATION.sub(lambda m: m.group(1) + MASK, text)
        text = _TOKEN_SHAPE.sub(MASK, text)
        return _URL_TOKEN.sub(lambda m: m.group(1) + MASK, text)


class RedactingFormatter(logging.Formatter):
    """Wraps a handler's formatter: the whole formatted record (message, arguments, traceback,
    stack) goes through the redactor, whatever the inner formatter does with the record."""

    def __init__(self, inner: logging.Formatter | None, redactor: Redactor) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor(self.inner.format(record))


class RedactingFilter(logging.Filter):
    """For handlers whose output is not formatted by a formatter of ours: rewrites the
    record's message and arguments, and renders its traceback redacted."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redactor(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def protect_handler(handler: logging.Handler, redactor: Redactor) -> None:
    if not isinstance(handler.formatter, RedactingFormatter):
        handler.setFormatter(RedactingFormatter(handler.formatter, redactor))


def protect_logging(*secrets: str | None) -> Redactor:
    """Redact everything the root logger's handlers write (call after they are set up): the
    given secrets (the token, the database password) and anything shaped like one."""
    redactor = Redactor(secrets)
    for handler in logging.getLogger().handlers:
        protect_handler(handler, redactor)
    return redactor


def protect_uncaught(*secrets: str | None) -> Redactor:
    """Redact the reports of uncaught and unraisable exceptions (the command line's job:
    these hooks are process-wide)."""
    redactor = Redactor(secrets)

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redactor("".join(traceback.format_exception(kind, exc, tb))))

    def thread_hook(args: Any) -> None:
        if args.exc_value is not None:
            excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def unraisable_hook(unraisable: Any) -> None:
        text = f"Exception ignored in: {unraisable.object!r}\n"
        if unraisable.exc_value is not None:
            text += "".join(
                traceback.format_exception(
                    unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback
                )
            )
        sys.stderr.write(redactor(text))

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    sys.unraisablehook = unraisable_hook
    return redactor
