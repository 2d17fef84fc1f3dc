"""Settings from the environment and from .env."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, ConfigError, Settings, load_dotenv


def test_defaults_need_nothing_but_can_run_without_a_token() -> None:
    settings = Settings.from_env({})
    assert settings.token is None
    assert settings.database_path == PROJECT_ROOT / "data" / "bot.sqlite3"
    assert settings.knowledge_dir == PROJECT_ROOT / "knowledge"
    assert settings.reminder_grace_s == 7200
    assert settings.direct_asks_per_minute == 6


def test_values_are_read_and_relative_paths_are_relative_to_the_project(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": " abc.def ",
            "DATABASE_PATH": "var/club.sqlite3",
            "KNOWLEDGE_DIR": str(tmp_path),
            "LOG_LEVEL": "debug",
            "MEMBER_COOLDOWN_SECONDS": "5",
            "REMINDER_GRACE_MINUTES": "30",
            "DIRECT_ASKS_PER_MINUTE": "3",
        }
    )
    assert settings.token == "abc.def"
    assert settings.database_path == PROJECT_ROOT / "var" / "club.sqlite3"
    assert settings.knowledge_dir == tmp_path
    assert settings.log_level == "DEBUG"
    assert settings.member_cooldown_s == 5
    assert settings.reminder_grace_s == 1800
    assert settings.direct_asks_per_minute == 3


def test_the_token_never_shows_in_the_settings_repr() -> None:
    assert "s3cret" not in repr(Settings.from_env({"DISCORD_TOKEN": "s3cret"}))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR"),
        ({"CHANNEL_COOLDOWN_SECONDS": "ten"}, "CHANNEL_COOLDOWN_SECONDS must be a number"),
        ({"DIRECT_ASKS_PER_MINUTE": "-1"}, "DIRECT_ASKS_PER_MINUTE must be a whole number"),
    ],
)
def test_bad_values_say_what_is_accepted(env, message) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_dotenv_fills_only_what_the_environment_lacks(tmp_path: Path, monkeypatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\nRUNCLUB_TEST_A='from file'\nexport RUNCLUB_TEST_B=2\n"
        'RUNCLUB_TEST_C=abc # a note\nRUNCLUB_TEST_D="quoted # not a note"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("RUNCLUB_TEST_B", "from env")
    for name in ("RUNCLUB_TEST_A", "RUNCLUB_TEST_C", "RUNCLUB_TEST_D"):
        monkeypatch.delenv(name, raising=False)
    load_dotenv(env_file)
    assert os.environ["RUNCLUB_TEST_A"] == "from file"
    assert os.environ["RUNCLUB_TEST_B"] == "from env"
    assert os.environ["RUNCLUB_TEST_C"] == "abc"
    assert os.environ["RUNCLUB_TEST_D"] == "quoted # not a note"
    monkeypatch.delenv("RUNCLUB_TEST_C")
    monkeypatch.delenv("RUNCLUB_TEST_D")
    monkeypatch.delenv("RUNCLUB_TEST_A")
