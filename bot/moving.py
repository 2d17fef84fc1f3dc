"""Moving house: ``python -m bot export FILE`` and ``python -m bot import FILE [--replace]``.

Export writes every table of the configured database (PostgreSQL when DATABASE_URL is set,
else the SQLite file at DATABASE_PATH) to one JSON file, versioned with the schema version
and a format version (bot.store.transfer); import reads one into the configured database.
So a club moves from SQLite to PostgreSQL (export with DATABASE_PATH, import with
DATABASE_URL), or keeps a backup. Importing into a database that holds data is refused
unless ``--replace`` empties it first. Stop the bot while importing: an import is one
transaction, and a running bot's writes wait for it (PostgreSQL) or are refused (SQLite).

Every failure is one line on stderr (naming the database, its password masked, or the
file) and exit code 1.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot.config import Settings
from bot.store import Store, StoreError, TransferError
from bot.store.faults import setting
from bot.store.transfer import write_file


def _where(settings: Settings) -> str:
    from bot.database_url import masked

    url = settings.database_url
    return setting(masked(url)) if url else setting(settings.database_path)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {table}" for table, n in counts.items())


async def export(settings: Settings, path: Path) -> int:
    try:
        store = await Store.open(settings.database)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        text = await store.export_json()
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        await store.close()
    try:
        await asyncio.to_thread(write_file, path, text)
    except OSError as exc:
        print(f"{path}: cannot write the export ({exc.strerror or exc})", file=sys.stderr)
        return 1
    tables = json.loads(text)["tables"]
    counts = {table: len(part["rows"]) for table, part in tables.items()}
    print(f"Exported {_counts(counts)} from {_where(settings)} to {path}")
    return 0


async def import_(settings: Settings, path: Path, *, replace: bool) -> int:
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot read the export ({exc})", file=sys.stderr)
        return 1
    try:
        store = await Store.open(settings.database)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        counts = await store.import_json(text, replace=replace)
    except TransferError as exc:
        print(f"{path}: not imported into {_where(settings)}: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        await store.close()
    print(f"Imported {_counts(counts)} from {path} into {_where(settings)}")
    return 0
