"""/language: Telegram's language first, changeable any time, every string follows."""

from __future__ import annotations

from tests.support.people import ALEX, buttons, texts


async def test_switching_to_turkish_changes_every_following_message(coach) -> None:
    outs = await coach.run_command(ALEX, "language")
    choices = buttons(outs, ALEX)
    assert set(choices) == {"English", "Türkçe"}
    done = await coach.press(ALEX, choices["Türkçe"])
    assert texts(done, ALEX) == [coach.content.t("language_set", "tr")]
    menu = texts(await coach.run_command(ALEX, "topics"), ALEX)[0]
    # the menu may open with suggestions for Alex; every part of it is Turkish
    assert menu.endswith(coach.content.t("topics_title", "tr"))
    for english in ("topics_title", "path_suggested_title"):
        assert coach.content.t(english, "en") not in menu


async def test_unknown_languages_are_refused(coach) -> None:
    for forged in ("l|de", "l|", "l|tr|en"):
        outs = await coach.press(ALEX, forged)
        assert len(outs) == 1 and outs[0].notice
    assert "Pick a conversation" in texts(await coach.run_command(ALEX, "topics"), ALEX)[0]
