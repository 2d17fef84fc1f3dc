"""The schema as numbered SQL files, one folder per backend: ``<backend>/NNNN_name.sql``.

Both backends keep the same numbers: schema version N means the same tables and columns on
SQLite and on PostgreSQL (each in its own types), so a change lands as file N in both
folders, and an export names one schema version whichever backend wrote it.

File N brings a database to schema version N, in one transaction with the version bump, so
a failed one leaves the database as it was. Never edit a released file; add the next one. A
database whose version is above the last file was written by a newer release and is refused.
The files ship inside the package (package data), so an installed bot finds them.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable

_FILE = re.compile(r"(?P<version>\d{4})_[a-z0-9_]+\.sql")


class MigrationFilesError(RuntimeError):
    """The migration folder itself is wrong: a badly named file, or a version missing."""


def load(backend: str) -> tuple[str, ...]:
    """The scripts of a backend's migrations in version order: item 0 is version 1."""
    return load_folder(resources.files(__package__).joinpath(backend))


def load_folder(folder: Traversable) -> tuple[str, ...]:
    """The scripts of the numbered .sql files in ``folder``, in version order."""
    scripts: dict[int, str] = {}
    for item in folder.iterdir():
        if not item.name.endswith(".sql"):
            continue
        match = _FILE.fullmatch(item.name)
        if match is None:
            raise MigrationFilesError(f"{folder.name}/{item.name}: name it NNNN_words.sql")
        version = int(match["version"])
        if version in scripts:
            raise MigrationFilesError(f"{folder.name}: two files for version {version}")
        scripts[version] = item.read_text(encoding="utf-8")
    if sorted(scripts) != list(range(1, len(scripts) + 1)):
        raise MigrationFilesError(
            f"{folder.name}: versions {sorted(scripts)} are not numbered 1, 2, 3..."
        )
    return tuple(scripts[v] for v in sorted(scripts))


SQLITE: tuple[str, ...] = load("sqlite")
POSTGRES: tuple[str, ...] = load("postgres")
