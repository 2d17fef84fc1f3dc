"""Settings read from the environment (and from a .env file for local runs).

A relative path, in DATABASE_PATH, KNOWLEDGE_DIR or for .env, is relative to the working
directory the bot starts in, as in every twelve-factor app; settings hold absolute paths, so
every error names the absolute path it tried. Without KNOWLEDGE_DIR the bot reads the
knowledge that ships with it (inside the installed package, or knowledge/ in a checkout).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import dotenv

from bot import database_url
from bot.core.knowledge import DEFAULT_DIR

# The folder that holds the bot package: the repository in a checkout (tests/, the labelled
# sets and ../shared beside it), site-packages once installed. No setting resolves against it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = Path("data") / "bot.sqlite3"
ENV_FILE = ".env"


class ConfigError(ValueError):
    """A setting has a value the bot cannot use."""


def load_dotenv(path: Path) -> None:
    """Put the settings of a .env file into os.environ without overriding what is set.

    python-dotenv reads it with the rules every other tool uses: comments, inline comments
    after a space (``DISCORD_TOKEN=abc # note`` is ``abc``), quotes, ``export``.
    """
    if path.is_file():
        dotenv.load_dotenv(path, override=False, encoding="utf-8")


def absolute(raw: str | Path) -> Path:
    """A path from a setting, made absolute against the working directory (``~`` expanded)."""
    path = Path(raw).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc


def _shards(env: dict[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT and SHARD_IDS: how many shards the bot has, and which this process runs.

    Neither: one unsharded connection. SHARD_COUNT alone: this process runs every shard.
    SHARD_IDS (``0,1`` or a range ``0-3``, or both: ``0-3,8``) needs SHARD_COUNT.
    """
    raw_count = env.get("SHARD_COUNT", "").strip()
    raw_ids = env.get("SHARD_IDS", "").strip()
    if not raw_count:
        if raw_ids:
            raise ConfigError("SHARD_IDS needs SHARD_COUNT, the number of shards in all")
        return None, None
    if not raw_count.isdigit() or int(raw_count) < 1:
        raise ConfigError(f"SHARD_COUNT must be a whole number, 1 or more, got {raw_count!r}")
    count = int(raw_count)
    if not raw_ids:
        return count, None
    ids: list[int] = []
    for part in raw_ids.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        last = last if dash else first
        if not (first.isdigit() and last.isdigit() and int(first) <= int(last)):
            raise ConfigError(f"SHARD_IDS must be shard numbers like 0,1 or 0-3, got {raw_ids!r}")
        ids.extend(range(int(first), int(last) + 1))
    if any(i >= count for i in ids) or len(set(ids)) != len(ids):
        raise ConfigError(
            f"SHARD_IDS must name different shards from 0 to {count - 1} (SHARD_COUNT={count}),"
            f" got {raw_ids!r}"
        )
    return count, tuple(ids)


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
    database_path: Path = DEFAULT_DATABASE  # from_env makes it absolute
    # postgresql://... (or postgres://, as Heroku sets it) selects PostgreSQL instead of the
    # SQLite file at database_path; never shown unmasked (repr=False, database_url.masked)
    database_url: str | None = field(default=None, repr=False)
    knowledge_dir: Path = DEFAULT_DIR
    log_level: str = "INFO"
    member_cooldown_s: float = 60.0
    channel_cooldown_s: float = 10.0
    direct_asks_per_minute: int = 6  # per member; 0: no limit
    reminder_grace_s: float = 2 * 3600.0
    send_rate_per_s: float = 40.0
    guild_ready_timeout_s: float = 2.0
    shard_count: int | None = None  # None: one unsharded connection (discord.py's Bot)
    shard_ids: tuple[int, ...] | None = None  # None: every shard of shard_count
    # not read from the environment: tests shorten them
    http_timeout_s: float = 20.0  # a reminder DM request that takes longer is retried
    database_check_s: float = 5.0  # how often the bot checks its database file is still there

    @property
    def database(self) -> Path | str:
        """What the store opens: the PostgreSQL URL when DATABASE_URL is set, else the file."""
        return self.database_url or self.database_path

    @property
    def secrets(self) -> tuple[str | None, ...]:
        """What the log redactor removes: the token and the database password."""
        url = self.database_url
        return (self.token, database_url.password(url) if url else None)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        db = env.get("DATABASE_PATH", "").strip()
        kb = env.get("KNOWLEDGE_DIR", "").strip()
        url = env.get("DATABASE_URL", "").strip() or None
        if url is not None and not database_url.is_postgres(url):
            raise ConfigError(
                "DATABASE_URL must start with postgresql:// or postgres://, got "
                f"{database_url.masked(url)!r}; leave it unset to use DATABASE_PATH (SQLite)"
            )
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
        shard_count, shard_ids = _shards(env)
        return cls(
            token=env.get("DISCORD_TOKEN", "").strip() or None,
            database_path=absolute(db or DEFAULT_DATABASE),
            database_url=url,
            knowledge_dir=absolute(kb) if kb else DEFAULT_DIR,
            log_level=level,
            member_cooldown_s=_float(env, "MEMBER_COOLDOWN_SECONDS", cls.member_cooldown_s),
            channel_cooldown_s=_float(env, "CHANNEL_COOLDOWN_SECONDS", cls.channel_cooldown_s),
            direct_asks_per_minute=_count(
                env, "DIRECT_ASKS_PER_MINUTE", cls.direct_asks_per_minute
            ),
            reminder_grace_s=_float(env, "REMINDER_GRACE_MINUTES", cls.reminder_grace_s / 60) * 60,
            send_rate_per_s=_float(env, "SEND_RATE_PER_SECOND", cls.send_rate_per_s),
            shard_count=shard_count,
            shard_ids=shard_ids,
        )
