"""/settings lists each feature's section and opens the one chosen."""

from __future__ import annotations

from bot.coach import Coach
from bot.features import FEATURES
from bot.plugins import Feature, FeatureContext, SettingsSection
from bot.settings_menu import feature as settings_menu
from bot.storage.db import session_factory
from bot.turn import Turn
from tests.support.people import ALEX


async def test_sections_are_listed_in_order_and_open_when_tapped(content, engine) -> None:
    opened: list[str] = []

    async def first(turn: Turn) -> None:
        opened.append("first")

    def another(context: FeatureContext) -> Feature:
        return Feature(
            "another", settings_sections=(SettingsSection("zz_first", "cmd_help", first, 1),)
        )

    coach = Coach(content, session_factory(engine), features=(*FEATURES, another))
    outs = await coach.run_command(ALEX, "settings")
    assert outs[0].text == coach.content.t("settings_title", "en")
    data = [b.data for row in outs[0].keyboard for b in row]
    assert data[0] == "set|zz_first" and "set|name" in data
    await coach.press(ALEX, "set|zz_first")
    assert opened == ["first"]


async def test_an_unknown_section_is_a_kind_notice(coach: Coach) -> None:
    outs = await coach.press(ALEX, "set|nope")
    assert outs[0].notice and outs[0].text == coach.content.t("unknown_button", "en")


async def test_with_no_sections_the_menu_says_so(content, engine) -> None:
    bare = Coach(content, session_factory(engine), features=(settings_menu,))
    outs = await bare.run_command(ALEX, "settings")
    assert outs[0].text == content.t("settings_empty", "en")


async def test_the_language_has_its_own_entry(coach: Coach) -> None:
    outs = await coach.run_command(ALEX, "settings")
    labels = [b.label for row in outs[0].keyboard for b in row]
    assert coach.content.t("settings_language", "en") in labels
    chooser = await coach.press(ALEX, "set|language")
    assert chooser[0].text == coach.content.t("language_choose", "en")


async def test_the_check_ins_section_has_a_way_back_to_the_menu(coach: Coach) -> None:
    [checkins] = await coach.press(ALEX, "set|checkins") or [None]
    back = [b for row in checkins.keyboard for b in row if b.label == "Back"]
    assert back, [b.label for row in checkins.keyboard for b in row]
    [menu] = await coach.press(ALEX, back[0].data)
    assert menu.replace and menu.text == coach.content.t("settings_title", "en")
