"""DATABASE_URL: which URLs select PostgreSQL, and the password never shown."""

from __future__ import annotations

import logging

import pytest

from bot.config import ConfigError, Settings
from bot.database_url import is_postgres, masked, password
from bot.redact import protect_logging

URL = "postgres://club:p%40ss-w0rd-long@db.example.org:5432/club"


def test_without_it_sqlite_at_database_path_is_the_default() -> None:
    settings = Settings.from_env({"DATABASE_URL": "  "})
    assert settings.database_url is None and settings.database == settings.database_path


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "POSTGRESQL"])
def test_a_postgres_url_selects_postgresql_herokus_spelling_too(scheme: str) -> None:
    url = URL.replace("postgres", scheme, 1)
    settings = Settings.from_env({"DATABASE_URL": url, "DATABASE_PATH": "x.sqlite3"})
    assert settings.database == url and is_postgres(url)


def test_another_scheme_is_refused_with_the_password_masked() -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env({"DATABASE_URL": "mysql://club:hunter22secret@db/club"})
    assert "mysql://club:***@db/club" in str(info.value)
    assert "hunter22secret" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "shown", "secret"),
    [
        (URL, "postgres://club:***@db.example.org:5432/club", "p@ss-w0rd-long"),
        ("postgresql://club@h/db?password=abc&ssl=1", "postgresql://club@h/db?password=***&ssl=1",
         "abc"),
        ("postgresql://h:5432/db", "postgresql://h:5432/db", None),
        ("postgresql://u:pw@h1:1,h2:2/db", "postgresql://u:***@h1:1,h2:2/db", "pw"),
    ],
)  # fmt: skip
def test_a_url_is_shown_masked_and_its_password_found(url: str, shown: str, secret) -> None:
    assert masked(url) == shown
    assert password(url) == secret


def test_the_url_is_not_in_the_settings_repr_and_its_password_is_redacted_from_logs() -> None:
    settings = Settings.from_env({"DATABASE_URL": URL, "DISCORD_TOKEN": "tok"})
    assert "p%40ss" not in repr(settings) and "p@ss" not in repr(settings)
    handler = logging.StreamHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        redactor = protect_logging(*settings.secrets)
        record = logging.LogRecord(
            "x", logging.ERROR, "f", 1, "failed: %s", ("p@ss-w0rd-long",), None
        )
        assert "p@ss-w0rd-long" not in handler.format(record)
        assert redactor("login p@ss-w0rd-long") == "login [redacted]"
    finally:
        root.removeHandler(handler)
