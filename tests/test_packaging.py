"""What hosts install: requirements.txt pins every dependency, the Procfile and the systemd
unit start the bot as the README says. (Installing the wheel and using it from an empty
folder takes about 12 s: .ci/install_check.py, a step of .ci/run.)"""

from __future__ import annotations

import re
import tomllib

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
