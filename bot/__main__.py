"""Command line: `python -m bot COMMAND` (run, console, check-content, migrate, backup, …)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings
from bot.engine.loader import ContentError, load_content
from bot.logs import setup_logging
from bot.plugins import DataError

log = logging.getLogger("bot")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot",
        description="Attune, a Telegram coach for couples.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", help="run the Telegram bot (polling, or webhook if WEBHOOK_URL is set)")
    sub.add_parser("console", help="chat with Attune in this terminal, no token needed")
    sub.add_parser("auto", help="the bot if TELEGRAM_BOT_TOKEN is set, otherwise the console")
    sub.add_parser(
        "check-content", help="validate the dialogs and every data file features read, and exit"
    )
    sub.add_parser("check-dialogs", help="the old name of check-content")
    sub.add_parser("migrate", help="apply database migrations and exit")
    backup = sub.add_parser("backup", help="copy the SQLite database safely while the bot runs")
    backup.add_argument("target", help="file (or folder) to write the copy to")
    sub.add_parser("health", help="exit 0 if the running bot's heartbeat (HEALTH_FILE) is fresh")
    dialogs = sub.add_parser("dialogs", help="tools for dialog authors")
    dialogs_sub = dialogs.add_subparsers(dest="dialogs_command", metavar="TOOL", required=True)
    graph = dialogs_sub.add_parser("graph", help="write a dialog as a Graphviz diagram")
    graph.add_argument("name", help="dialog id, e.g. welcome")
    graph.add_argument("--out", default=None, help="output path without extension")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secrets)
    try:
        return dispatch(command, args, settings)
    except ContentError as exc:
        print(f"The dialog files are invalid:\n{exc}", file=sys.stderr)
        return 3
    except DataError as exc:
        print(f"The data files are invalid:\n{exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


def dispatch(command: str, args: argparse.Namespace, settings: Settings) -> int:
    if command == "auto":
        if settings.telegram_bot_token is None:
            print(
                "No TELEGRAM_BOT_TOKEN set: opening the terminal chat instead of the Telegram bot."
            )
            command = "console"
        else:
            command = "run"
    if command in ("check-content", "check-dialogs"):
        return check_content(settings)
    if command == "backup":
        from bot.storage.backup import BackupError, backup_sqlite

        try:
            print(f"backed up to {backup_sqlite(settings.database_url, Path(args.target))}")
        except BackupError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    if command == "health":
        return health_check(settings)
    if command == "migrate":
        from bot.storage.db import create_engine
        from bot.storage.migrate import migrate

        async def run_migrations() -> None:
            engine = create_engine(settings.database_url)
            await migrate(engine)
            await engine.dispose()

        asyncio.run(run_migrations())
        print("database is up to date")
        return 0
    if command == "console":
        from bot.console_main import run_console

        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C mid-turn: leaving was asked
            asyncio.run(run_console(settings))
        return 0
    if command == "dialogs":
        from bot.graph import write_graph

        print(write_graph(load_content(settings.dialogs_dir), args.name, args.out))
        return 0
    if settings.telegram_bot_token is None:
        print(
            "Invalid setting TELEGRAM_BOT_TOKEN: required to run the Telegram bot", file=sys.stderr
        )
        return 2
    return run_bot(settings)


def run_bot(settings: Settings) -> int:
    """The Telegram bot; any failure is one line (its details, redacted, only at DEBUG)."""
    from bot.startup import StartupFailed, one_line
    from bot.telegram.serve import serve

    try:
        return asyncio.run(serve(settings))
    except StartupFailed as exc:
        log.error("Attune could not start: %s", exc)
        return 1
    except ContentError:
        raise  # said with every file and node at fault, by main()
    except Exception as exc:
        log.error("Attune stopped: %s", one_line(exc))
        log.debug("what stopped Attune", exc_info=exc)
        return 1


def check_content(settings: Settings) -> int:
    """Dialogs, interface strings and every declared data file: valid, translated, big enough."""
    from bot.features import FEATURES
    from bot.library.catalog import LIBRARY, shortfalls, sizes
    from bot.plugins import data_files

    content = load_content(settings.dialogs_dir)
    files = {file.path: file for factory in FEATURES for file in data_files(factory)}
    problems = [
        line
        for file in files.values()
        for line in file.problems(settings.data_dir, content.languages)
    ]
    if problems:
        print("The data files are invalid:\n" + "\n".join(problems), file=sys.stderr)
        return 3
    library = LIBRARY.load(settings.data_dir, content.languages)
    short = shortfalls(library)
    if short:
        print(
            "The library breaks a promise (size, or no near-repeats):\n" + "\n".join(short),
            file=sys.stderr,
        )
        return 3
    print(f"{len(content.dialogs)} dialogs OK in {', '.join(content.languages)}")
    print(f"{len(files)} data files OK: {', '.join(sorted(files))}")
    print("library OK: " + ", ".join(f"{count} {name}" for name, count in sizes(library).items()))
    return 0


def health_check(settings: Settings) -> int:
    from bot.health import check

    if settings.health_file is None:
        print("HEALTH_FILE is not set, so the bot keeps no heartbeat to check", file=sys.stderr)
        return 2
    healthy, line = check(settings.health_file)
    print(line, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
