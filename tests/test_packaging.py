"""What hosts install: requirements.txt pins every dependency, the Procfile and the systemd
unit start the bot as the README says. (Installing the wheel and using it from an empty
folder takes about 12 s: .ci/install_check.py, a step of .ci/run.)"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_requirements_pin_every_dependency_of_pyproject() -> None:
    # a dependency added to pyproject.toml without `python3 dev.py lock` fails here
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {normal(NAME.match(d)[0]) for d in project["project"]["dependencies"]}
    pinned = {}
    for line in (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            name, _, version = line.partition("==")
            pinned[normal(name)] = version
    missing = sorted(wanted - set(pinned))
    assert not missing, f"not in requirements.txt, run `python3 dev.py lock`: {missing}"
    assert all(re.match(r"\d", v) for v in pinned.values()), "every requirement pinned with =="


def test_the_procfile_runs_the_bot_as_a_worker() -> None:
    assert (PROJECT_ROOT / "Procfile").read_text(encoding="utf-8").strip() == (
        "worker: python -m bot run"
    )


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PROJECT_ROOT / "deploy" / "runclub-bot.service", encoding="utf-8")
    return parser


def test_the_systemd_unit_restarts_on_failure_but_not_on_a_configuration_error() -> None:
    service = unit()["Service"]
    assert service["ExecStart"].endswith("/bin/runclub-bot run")
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # run's exit status without a token


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # the unit as written, but starting the bot this checkout installed (systemd checks that
    # ExecStart exists) and without the settings file, which is the admin's to write
    text = (PROJECT_ROOT / "deploy" / "runclub-bot.service").read_text(encoding="utf-8")
    installed = Path(sys.executable).parent / "runclub-bot"
    assert installed.is_file()
    text = text.replace("/opt/runclub-bot/venv/bin/runclub-bot", str(installed))
    text = text.replace("EnvironmentFile=/etc/", "EnvironmentFile=-/etc/")
    copy = tmp_path / "runclub-bot.service"
    copy.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # no unknown key, no warning
