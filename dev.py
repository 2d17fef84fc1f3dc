#!/usr/bin/env python3
"""Set up the project's virtual environment when needed, then run the bot or the tests.

    python3 dev.py run     # the bot: Discord when DISCORD_TOKEN is set, else the local console
    python3 dev.py test    # lint, format check, type check and the whole test suite
    python3 dev.py bench   # every benchmark under benchmarks/
    python3 dev.py -- ARGS # anything else: python -m bot ARGS inside the environment

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
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".dev-stamp"


def ensure_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older Python
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing the bot and its test tools into .venv ...", flush=True)
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
        ],
        check=True,
    )
    STAMP.write_text(digest)


def run(*args: str) -> int:
    return subprocess.run([str(PY), *args], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    ensure_env()
    if command == "run":
        return run("-m", "bot", "run", *argv[1:])
    if command == "test":
        for step in (
            ("-m", "ruff", "check", "."),
            ("-m", "ruff", "format", "--check", "."),
            ("-m", "mypy", "--strict", "bot"),
            ("-m", "pytest", *argv[1:]),
        ):
            code = run(*step)
            if code:
                return code
        return 0
    if command == "bench":
        code = 0
        for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
            print(f"== {script.name}", flush=True)
            code |= run(str(script))
        return code
    if command == "--":
        return run("-m", "bot", *argv[1:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
