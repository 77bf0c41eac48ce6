"""The personal-path feature: /check, /progress, the welcome's actions, /topics suggestions."""

from __future__ import annotations

from functools import cache
from pathlib import Path as FilePath

from bot.library.entries import Entry, LibraryError, Shape, read_pool
from bot.path import progress
from bot.path.flow import AnswerCheck, Compare, NotNow, Path, StartCheck
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
        await progress.show(turn)

    async def answer(turn: Turn, pressed: AnswerCheck) -> None:
        await path.answer(turn, pressed.check, pressed.index, pressed.value)

    async def start_check(turn: Turn, pressed: StartCheck) -> None:
        await path.check(turn)

    async def compare(turn: Turn, pressed: Compare) -> None:
        await path.compare(turn, pressed.check)

    async def not_now(turn: Turn, pressed: NotNow) -> None:
        await path.not_now(turn)

    return Feature(
        "path",
        commands={"check": Command(path.check), "progress": Command(show_progress)},
        buttons={AnswerCheck: answer, StartCheck: start_check, Compare: compare, NotNow: not_now},
        actions={
            "path_focus": path.on_focus,
            "path_mood": path.on_mood,
            "path_start_check": path.on_start_check,
            "path_suggest": path.on_suggest,
        },
        topics=path.topics_intro,
        returned=(path.welcome_back,),
    )
