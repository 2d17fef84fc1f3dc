"""Settings from the environment and from .env: relative paths and .env are relative to the
working directory, and the knowledge that ships with the bot is the default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, ConfigError, Settings, load_dotenv
from bot.core.knowledge import DEFAULT_DIR


def test_defaults_need_nothing_but_can_run_without_a_token(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.token is None
    assert settings.database_path == tmp_path / "data" / "bot.sqlite3"
    assert settings.knowledge_dir == DEFAULT_DIR
    assert settings.reminder_grace_s == 7200
    assert settings.direct_asks_per_minute == 6


def test_the_default_knowledge_is_the_one_that_ships_with_the_bot() -> None:
    # a checkout (or an editable install) ships the repository's knowledge/; an installed
    # wheel has it inside the package, as bot/knowledge/ (.ci/run installs one and asks it)
    assert DEFAULT_DIR == PROJECT_ROOT / "knowledge"
    assert (DEFAULT_DIR / "faq.yaml").is_file()


def test_values_are_read_and_relative_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": " abc.def ",
            "DATABASE_PATH": "var/club.sqlite3",
            "KNOWLEDGE_DIR": "kb",
            "LOG_LEVEL": "debug",
            "MEMBER_COOLDOWN_SECONDS": "5",
            "REMINDER_GRACE_MINUTES": "30",
            "DIRECT_ASKS_PER_MINUTE": "3",
        }
    )
    assert settings.token == "abc.def"
    assert settings.database_path == tmp_path / "var" / "club.sqlite3"
    assert settings.knowledge_dir == tmp_path / "kb"
    assert Settings.from_env({"DATABASE_PATH": "/srv/bot.db"}).database_path == Path("/srv/bot.db")
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


def _bot_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` started in folder, with no setting from this environment."""
    names = ("DISCORD_TOKEN", "DATABASE_PATH", "KNOWLEDGE_DIR", "LOG_LEVEL")
    env = {k: v for k, v in os.environ.items() if k not in names}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_dotenv_is_read_from_the_working_directory_and_errors_name_the_absolute_path(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text("KNOWLEDGE_DIR=club-knowledge  # our own\n", encoding="utf-8")
    proc = _bot_in(tmp_path, "check")
    assert proc.returncode == 1
    assert f"{tmp_path / 'club-knowledge'}: there is no such folder" in proc.stderr


def test_without_knowledge_dir_the_shipped_knowledge_answers_from_any_folder(
    tmp_path: Path,
) -> None:
    proc = _bot_in(tmp_path, "check")
    assert proc.returncode == 0, proc.stderr
    assert f"in {DEFAULT_DIR}" in proc.stdout
