"""/settings: one menu, one entry per feature.

Features declare `SettingsSection`s (e.g. check-in times, the name the bot
uses); this module only lists them and opens the one chosen, so features
never edit each other's code to appear here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.plugins import Command, Feature, FeatureContext, Registry
from bot.turn import Turn


@dataclass(frozen=True)
class Section(Payload, prefix="set"):
    """Open one feature's section of /settings (by its key), or the menu itself."""

    key: str


MENU = "menu"
BACK = Section(MENU).pack()
"""A section's "Back" button: the /settings menu again, in place."""


def feature(context: FeatureContext) -> Feature:
    registry = context.registry

    async def show(turn: Turn) -> None:
        await settings_menu(registry, turn)

    async def open_section(turn: Turn, pressed: Section) -> None:
        if pressed.key == MENU:
            await settings_menu(registry, turn, replace=True)
            return
        section = next((s for s in registry.settings_sections if s.key == pressed.key), None)
        if section is None:
            turn.notice("unknown_button")
            return
        await section.open(turn)

    return Feature(
        "settings", commands={"settings": Command(show)}, buttons={Section: open_section}
    )


async def settings_menu(registry: Registry, turn: Turn, *, replace: bool = False) -> None:
    sections = sorted(registry.settings_sections, key=lambda s: (s.order, s.key))
    if not sections:
        turn.say_key("settings_empty")
        return
    keyboard = tuple((KeyButton(turn.t(s.label_key), Section(s.key).pack()),) for s in sections)
    turn.say(turn.t("settings_title"), keyboard, replace=replace)
