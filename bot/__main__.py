"""Command line: `python -m bot [run|console|check-dialogs|migrate|dialogs graph NAME]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import Settings, SettingsError, load_settings
from bot.engine.loader import ContentError, load_content
from bot.logs import setup_logging

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
    sub.add_parser("check-dialogs", help="validate the dialog files and exit")
    sub.add_parser("migrate", help="apply database migrations and exit")
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
    if command == "check-dialogs":
        content = load_content(settings.dialogs_dir)
        print(f"{len(content.dialogs)} dialogs OK in {', '.join(content.languages)}")
        return 0
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
    from bot.telegram.serve import serve

    return asyncio.run(serve(settings))


if __name__ == "__main__":
    sys.exit(main())
