"""/language: the language starts as Telegram's and can be changed here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.plugins import Command, Feature, FeatureContext, SettingsSection
from bot.turn import Turn


@dataclass(frozen=True)
class Language(Payload, prefix="l"):
    lang: str


def feature(context: FeatureContext) -> Feature:
    return Feature(
        "language",
        commands={"language": Command(choose_language)},
        buttons={Language: set_language},
        settings_sections=(SettingsSection("language", "settings_language", choose_language),),
    )


async def choose_language(turn: Turn) -> None:
    keyboard = tuple(
        (KeyButton(turn.content.t("language_name", lang), Language(lang).pack()),)
        for lang in turn.content.languages
    )
    turn.say(turn.t("language_choose"), keyboard)


async def set_language(turn: Turn, pressed: Language) -> None:
    if pressed.lang not in turn.content.languages:
        turn.notice("unknown_button")
        return
    turn.user.lang = pressed.lang
    turn.session.add(turn.user)
    turn.say(turn.t("language_set"), replace=True)
