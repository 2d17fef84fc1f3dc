#!/usr/bin/env python3
"""Set up the project's virtual environment when needed, then run the bot or the tests.

    python3 dev.py run     # the bot: Discord when DISCORD_TOKEN is set, else the local console
    python3 dev.py test    # lint, format check, type checks and the whole test suite
    python3 dev.py bench   # every benchmark under benchmarks/
    python3 dev.py lock    # regenerate requirements.txt (the pinned dependencies hosts install)
    python3 dev.py -- ARGS # anything else: python -m bot ARGS inside the environment

The environment is .venv, made by the Python that runs this file; RUNCLUB_VENV names another
folder (CI keeps one per Python: RUNCLUB_VENV=.venv-3.12 python3.12 dev.py test). It is set up
again when pyproject.toml, setup.py or requirements.txt change, or another Python runs this
file; the dependencies are installed at the versions requirements.txt pins.

Only the Python standard library is used here, so a fresh clone needs nothing but Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / (os.environ.get("RUNCLUB_VENV", "").strip() or ".venv")
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".dev-stamp"

# requirements.txt: what buildpacks (Heroku, Railway, Fly's) install. One universal resolution
# (its markers hold on every Python the bot supports), made by uv from pyproject.toml.
LOCK_TOOL = "uv>=0.5"
LOCK_COMMAND = (
    "-m",
    "uv",
    "pip",
    "compile",
    "--universal",
    "--python-version",
    "3.11",
    "--custom-compile-command",
    "python3 dev.py lock",
    "--quiet",
    "pyproject.toml",
    "-o",
    "requirements.txt",
)


def _digest() -> str:
    names = ("pyproject.toml", "setup.py", "requirements.txt")
    parts = [(ROOT / name).read_bytes() for name in names]
    parts.append(sys.version.encode())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _made_by_this_python() -> bool:
    """Whether the environment exists and was made by the Python running this file."""
    cfg = VENV / "pyvenv.cfg"
    if not PY.exists() or not cfg.is_file():
        return False
    this = "{}.{}.{}".format(*sys.version_info[:3])
    for line in cfg.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return value.strip().startswith(this)
    return False


def ensure_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older Python
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    digest = _digest()
    if PY.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return
    if not _made_by_this_python():
        print(f"Creating {VENV.name} with Python {sys.version.split()[0]} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print(f"Installing the bot and its test tools into {VENV.name} ...", flush=True)
    subprocess.run(
        [
            str(PY),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            f"{ROOT}[test]",
            "-c",  # the versions hosts install: what is tested is what is deployed
            str(ROOT / "requirements.txt"),
        ],
        check=True,
    )
    STAMP.write_text(digest)


def run(*args: str) -> int:
    return subprocess.run([str(PY), *args], cwd=ROOT).returncode


def test(pytest_args: list[str]) -> int:
    for step in (
        ("-m", "ruff", "check", "."),
        ("-m", "ruff", "format", "--check", "."),
        ("-m", "mypy", "--strict", "bot"),
        ("-m", "pytest", *pytest_args),
    ):
        code = run(*step)
        if code:
            return code
    return 0


def lock() -> int:
    code = run("-m", "pip", "install", "--quiet", "--disable-pip-version-check", LOCK_TOOL)
    return code or run(*LOCK_COMMAND)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    ensure_env()
    if command == "run":
        return run("-m", "bot", "run", *argv[1:])
    if command == "test":
        return test(argv[1:])
    if command == "bench":
        code = 0
        for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
            print(f"== {script.name}", flush=True)
            code |= run(str(script))
        return code
    if command == "lock":
        return lock()
    if command == "--":
        return run("-m", "bot", *argv[1:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
