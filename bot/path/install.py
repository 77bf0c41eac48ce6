"""Plug the personal path into the coach: /check, its buttons, the welcome's actions, /topics."""

from __future__ import annotations

from functools import cache
from pathlib import Path as FilePath

from bot.coach import Coach
from bot.library.entries import Entry, LibraryError, Shape, read_pool
from bot.path import progress
from bot.path.flow import ANSWER, COMPARE, KIND, NOT_NOW, START, Path
from bot.turn import Turn

CHECK_FILE = FilePath("path") / "check.yaml"
MIN_QUESTIONS, MAX_QUESTIONS = 8, 12


@cache
def check_questions(data_dir: FilePath, languages: tuple[str, ...]) -> tuple[Entry, ...]:
    """The check's statements (data/path/check.yaml), read and checked once."""
    problems: list[str] = []
    questions = read_pool(data_dir / CHECK_FILE, languages, Shape(frozenset({"partner"})), problems)
    if not problems and not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        problems.append(
            f"{CHECK_FILE}: -: the check has {MIN_QUESTIONS} to {MAX_QUESTIONS} statements"
        )
    if problems:
        raise LibraryError("\n".join(problems))
    return questions


def install(coach: Coach) -> None:
    path = Path(
        check_questions(coach.settings.data_dir, coach.content.languages),
        coach.settings.default_timezone,
    )
    coach.command("check")(path.check)

    async def show_progress(turn: Turn) -> None:
        await path.welcome_back(turn)
        await progress.show(turn)

    coach.command("progress")(show_progress)
    coach.action("path_focus")(path.on_focus)
    coach.action("path_mood")(path.on_mood)
    coach.action("path_start_check")(path.on_start_check)
    coach.action("path_suggest")(path.on_suggest)
    coach.topics_intro = path.topics_intro

    async def press(turn: Turn, args: tuple[str, ...]) -> None:
        action, rest = (args[0], args[1:]) if args else ("", ())
        numbers = [int(a) for a in rest if a.isdigit()]
        if len(numbers) != len(rest):
            turn.notice("unknown_button")
        elif action == ANSWER and len(numbers) == 3:
            await path.answer(turn, *numbers)
        elif action == START and not numbers:
            await path.check(turn)
        elif action == COMPARE and len(numbers) == 1:
            await path.compare(turn, numbers[0])
        elif action == NOT_NOW and not numbers:
            await path.not_now(turn)
        else:
            turn.notice("unknown_button")

    coach.button(KIND)(press)
