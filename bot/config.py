"""Settings read from the environment (and from a .env file for local runs)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting has a value the bot cannot use."""


def load_dotenv(path: Path) -> None:
    """Put the settings of a .env file into os.environ without overriding what is set.

    python-dotenv reads it with the rules every other tool uses: comments, inline comments
    after a space (``DISCORD_TOKEN=abc # note`` is ``abc``), quotes, ``export``.
    """
    if path.is_file():
        dotenv.load_dotenv(path, override=False, encoding="utf-8")


def _path(raw: str) -> Path:
    """A relative path in a setting is relative to the project, wherever the bot starts."""
    path = Path(raw).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def _count(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, 0 or more, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)
    database_path: Path = PROJECT_ROOT / "data" / "bot.sqlite3"
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    log_level: str = "INFO"
    member_cooldown_s: float = 60.0
    channel_cooldown_s: float = 10.0
    direct_asks_per_minute: int = 6  # per member; 0: no limit
    reminder_grace_s: float = 2 * 3600.0
    send_rate_per_s: float = 40.0
    guild_ready_timeout_s: float = 2.0
    # not read from the environment: tests shorten them
    http_timeout_s: float = 20.0  # a reminder DM request that takes longer is retried
    database_check_s: float = 5.0  # how often the bot checks its database file is still there

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        db = env.get("DATABASE_PATH", "").strip()
        kb = env.get("KNOWLEDGE_DIR", "").strip()
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
        return cls(
            token=env.get("DISCORD_TOKEN", "").strip() or None,
            database_path=_path(db) if db else cls.database_path,
            knowledge_dir=_path(kb) if kb else cls.knowledge_dir,
            log_level=level,
            member_cooldown_s=_float(env, "MEMBER_COOLDOWN_SECONDS", cls.member_cooldown_s),
            channel_cooldown_s=_float(env, "CHANNEL_COOLDOWN_SECONDS", cls.channel_cooldown_s),
            direct_asks_per_minute=_count(
                env, "DIRECT_ASKS_PER_MINUTE", cls.direct_asks_per_minute
            ),
            reminder_grace_s=_float(env, "REMINDER_GRACE_MINUTES", cls.reminder_grace_s / 60) * 60,
            send_rate_per_s=_float(env, "SEND_RATE_PER_SECOND", cls.send_rate_per_s),
        )
