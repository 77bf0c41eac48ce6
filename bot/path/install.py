"""The personal-path feature: /check, /progress, the welcome's actions, /topics suggestions."""

from __future__ import annotations

from functools import cache
from pathlib import Path as FilePath

from bot.library.entries import Entry, LibraryError, Shape, read_pool
from bot.path import progress
from bot.path.flow import ANSWER, COMPARE, KIND, NOT_NOW, START, Path
from bot.plugins import Command, DataFile, Feature, FeatureContext, reads
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


CHECK: DataFile[tuple[Entry, ...]] = DataFile(str(CHECK_FILE), check_questions)


@reads(CHECK)
def feature(context: FeatureContext) -> Feature:
    path = Path(context.data(CHECK), context.settings.default_timezone)

    async def show_progress(turn: Turn) -> None:
        await path.welcome_back(turn)
        await progress.show(turn)

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

    return Feature(
        "path",
        commands={"check": Command(path.check), "progress": Command(show_progress)},
        buttons={KIND: press},
        actions={
            "path_focus": path.on_focus,
            "path_mood": path.on_mood,
            "path_start_check": path.on_start_check,
            "path_suggest": path.on_suggest,
        },
        topics=path.topics_intro,
    )
