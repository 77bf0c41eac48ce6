"""/language: the language starts as Telegram's and can be changed here."""

from __future__ import annotations

from bot.engine import callbacks
from bot.engine.outputs import KeyButton
from bot.plugins import Command, Feature, FeatureContext, SettingsSection
from bot.turn import Turn

KIND = "l"


def feature(context: FeatureContext) -> Feature:
    return Feature(
        "language",
        commands={"language": Command(choose_language)},
        buttons={KIND: set_language},
        settings_sections=(SettingsSection("language", "settings_language", choose_language),),
    )


async def choose_language(turn: Turn) -> None:
    keyboard = tuple(
        (KeyButton(turn.content.t("language_name", lang), callbacks.encode(KIND, lang)),)
        for lang in turn.content.languages
    )
    turn.say(turn.t("language_choose"), keyboard)


async def set_language(turn: Turn, args: tuple[str, ...]) -> None:
    if len(args) != 1 or args[0] not in turn.content.languages:
        turn.notice("unknown_button")
        return
    turn.user.lang = args[0]
    turn.session.add(turn.user)
    turn.say(turn.t("language_set"), replace=True)
