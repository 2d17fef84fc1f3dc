"""DATABASE_URL: which URLs select PostgreSQL, and how a URL is shown without its password.

Heroku sets ``postgres://user:password@host:port/name``; most others ``postgresql://``. Both
select PostgreSQL. Every message that names the database shows ``masked(url)``, with the
password (in the user part or as a ``password=`` parameter) replaced by ``***``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

SCHEMES = ("postgresql", "postgres")
MASK = "***"

_SCHEME = re.compile(r"(?i)^([a-z][a-z0-9+.-]*)://")
_PASSWORD_PARAM = re.compile(r"(?i)([?&]password=)[^&#]*")


def scheme(url: str) -> str:
    match = _SCHEME.match(url)
    return match[1].lower() if match else ""


def is_postgres(url: str) -> bool:
    return scheme(url) in SCHEMES


def _split(url: str) -> tuple[str, str, str, str]:
    """(scheme://, user info, @ or '', the rest) of a URL."""
    head = _SCHEME.match(url)
    start = head.end() if head else 0
    rest = url[start:]
    end = len(rest)
    for stop in "/?#":
        at = rest.find(stop)
        if at != -1:
            end = min(end, at)
    netloc, after = rest[:end], rest[end:]
    userinfo, sep, hosts = netloc.rpartition("@")
    return url[:start], userinfo, sep, hosts + after


def password(url: str) -> str | None:
    """The password a URL carries, if any (for the log redactor)."""
    _head, userinfo, _sep, rest = _split(url)
    if ":" in userinfo:
        return unquote(userinfo.split(":", 1)[1]) or None
    param = _PASSWORD_PARAM.search(rest)
    return unquote(param[0].split("=", 1)[1]) or None if param else None


def masked(url: str) -> str:
    """The URL with any password replaced by ``***``: safe for logs and error lines."""
    head, userinfo, sep, rest = _split(url)
    if ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":" + MASK
    rest = _PASSWORD_PARAM.sub(lambda m: m[1] + MASK, rest)
    return head + userinfo + sep + rest
