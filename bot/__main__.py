"""Command line: run, chat, ask, match, eval, check, sync, export, import, export-phrasings.

python -m bot run              Discord when DISCORD_TOKEN is set, else the local console
                               (on a terminal; with none, exit status 2)
python -m bot chat [--database FILE]
                               the local console: the bot offline, as a local admin
python -m bot ask "QUESTION"   print the reply the bot would post
python -m bot match --jsonl [--mode ask|channel]   one JSON decision per stdin line
python -m bot eval [--set FILE] [--mode ask|channel] [--show-misses]
                               score the matcher on every labelled question set
python -m bot check            validate knowledge/ (exit 1 on error)
python -m bot sync [--guild ID [--clear]]
                               register the slash commands with Discord (--clear: remove
                               a server's copies, after a global sync)
python -m bot export FILE      every table of the database as one JSON file
python -m bot import FILE [--replace]  load such a file (into an empty database, or replace)
python -m bot export-phrasings [FILE]
                               the phrasings admins taught, as YAML to review into
                               knowledge/faq.yaml (stdout without FILE)
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys

from bot.config import ENV_FILE, PROJECT_ROOT, ConfigError, Settings, absolute, load_dotenv
from bot.core.knowledge import Knowledge, KnowledgeError, load_knowledge
from bot.redact import protect_uncaught


def _knowledge(settings: Settings) -> Knowledge:
    try:
        return load_knowledge(settings.knowledge_dir)
    except KnowledgeError as exc:
        print(f"The knowledge base in {settings.knowledge_dir} has errors:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def cmd_check(settings: Settings, _: argparse.Namespace) -> int:
    knowledge = _knowledge(settings)
    print(
        f"knowledge OK: {len(knowledge.entries)} FAQ entries, {len(knowledge.red_flags)} red "
        f"flags, {len(knowledge.exercises)} exercises, {len(knowledge.week)} daily routines "
        f"in {knowledge.source}"
    )
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.matching import Matcher
    from bot.core.replies import decision_reply, render_text

    knowledge = _knowledge(settings)
    question = " ".join(args.question)
    print(render_text(decision_reply(Matcher(knowledge).match(question, "ask"), knowledge)))
    return 0


def cmd_match(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.matching import Matcher

    matcher = Matcher(_knowledge(settings))
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        d = matcher.match(question, args.mode)
        row = {
            "question": question,
            "kind": d.kind,
            "entry": d.entry,
            "score": round(d.score, 4),
            "suggestions": list(d.suggestions),
        }
        if args.jsonl:
            print(json.dumps(row, ensure_ascii=False), flush=False)
        else:
            print(f"{d.kind:8s} {d.entry or ','.join(d.suggestions) or '-':30s} {question}")
    sys.stdout.flush()
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from bot.core.evaluation import find_sets, report
    from bot.core.matching import Matcher, Mode

    matcher = Matcher(_knowledge(settings))
    folders = (PROJECT_ROOT / "tests" / "data", PROJECT_ROOT.parent / "shared" / "eval")
    sets = [absolute(s) for s in args.set] or find_sets(*folders)
    if not sets:  # an installed bot has no labelled sets: they live in the repository
        searched = " and ".join(str(f) for f in folders)
        print(
            f"No labelled question sets in {searched}: name one with --set FILE.", file=sys.stderr
        )
        return 1
    missing = [str(s) for s in sets if not s.is_file()]
    if missing:
        print(f"No such question set: {', '.join(missing)}", file=sys.stderr)
        return 1
    modes: list[Mode] = [args.mode] if args.mode else ["ask", "channel"]
    print(report(matcher, sets, modes, args.show_misses))
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console import console_database
    from bot.console.repl import run_console

    _knowledge(settings)  # fail fast with a readable message
    database = getattr(args, "database", None) or console_database(settings)
    # the console's own SQLite file, even when DATABASE_URL names the club's PostgreSQL
    offline = dataclasses.replace(settings, database_path=database, database_url=None)
    return asyncio.run(run_console(offline))


def _on_a_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Discord with a token; without one, the console, if a person is there to type in it.

    Under a service manager or on a host (no terminal on stdin) a missing token is a
    configuration error: one line, exit status 2, so the host reports a failed start.
    """
    if not settings.token:
        if not _on_a_terminal():
            print(
                "DISCORD_TOKEN is not set: set it in the environment or in "
                f"{absolute(ENV_FILE)} to connect to Discord (the local console needs a terminal).",
                file=sys.stderr,
            )
            return 2
        print("DISCORD_TOKEN is not set, so the bot opens the local console instead.\n")
        return cmd_chat(settings, args)
    _knowledge(settings)  # fail fast with a readable message
    from bot.runner import run

    return asyncio.run(run(settings)) or 0


def cmd_sync(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.token:
        print("DISCORD_TOKEN is not set: sync registers the slash commands with Discord.")
        return 2
    if args.clear and args.guild is None:
        print("--clear removes one server's copies of the commands: give it with --guild ID.")
        return 2
    from bot.runner import sync

    return asyncio.run(sync(settings, args.guild, clear=args.clear)) or 0


def cmd_export_phrasings(settings: Settings, args: argparse.Namespace) -> int:
    from bot.phrasings import export_phrasings

    return export_phrasings(settings, _knowledge(settings), args.file)


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.moving import export

    return asyncio.run(export(settings, absolute(args.file)))


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.moving import import_

    return asyncio.run(import_(settings, absolute(args.file), replace=args.replace))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="connect to Discord (or the local console without a token)")
    chat = sub.add_parser("chat", help="the local console")
    chat.add_argument(
        "--database",
        type=absolute,
        default=None,
        help="its SQLite file (default: console.sqlite3 beside DATABASE_PATH)",
    )
    ask = sub.add_parser("ask", help="print the reply to one question")
    ask.add_argument("question", nargs="+")
    match = sub.add_parser("match", help="decisions for questions on stdin")
    match.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    match.add_argument("--mode", choices=["ask", "channel"], default="ask")
    ev = sub.add_parser("eval", help="score the matcher on labelled question sets")
    ev.add_argument("--set", action="append", default=[], help="a set (default: all found)")
    ev.add_argument("--mode", choices=["ask", "channel"], default=None)
    ev.add_argument("--show-misses", action="store_true")
    sub.add_parser("check", help="validate knowledge/")
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, default=None, help="only this server (instant)")
    sync.add_argument(
        "--clear",
        action="store_true",
        help="remove the server's copies of the commands (after a global sync)",
    )
    phrasings = sub.add_parser(
        "export-phrasings", help="the learned phrasings as YAML, to review into knowledge/"
    )
    phrasings.add_argument("file", nargs="?", type=absolute, default=None, help="default: stdout")
    export = sub.add_parser("export", help="write every table of the database to a JSON file")
    export.add_argument("file")
    load = sub.add_parser("import", help="load an export into the database")
    load.add_argument("file")
    load.add_argument(
        "--replace", action="store_true", help="empty a database that holds data first"
    )
    return parser


COMMANDS = {
    "run": cmd_run,
    "chat": cmd_chat,
    "ask": cmd_ask,
    "match": cmd_match,
    "eval": cmd_eval,
    "check": cmd_check,
    "sync": cmd_sync,
    "export": cmd_export,
    "import": cmd_import,
    "export-phrasings": cmd_export_phrasings,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    load_dotenv(absolute(ENV_FILE))
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    protect_uncaught(*settings.secrets)
    return COMMANDS[args.command or "run"](settings, args)


if __name__ == "__main__":
    sys.exit(main())
