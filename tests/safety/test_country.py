"""The country for help lines: asked with buttons or typing, in the answer and in /settings."""

from __future__ import annotations

from tests.couples.conftest import ALEX, KIM, buttons
from tests.support.people import texts, user

SELF_HARM = "I want to kill myself"


async def test_the_country_is_asked_once_in_the_answer_and_then_remembered(coach):
    outs = await coach.text(ALEX, SELF_HARM)
    [ask] = [b.data for b in buttons(outs, ALEX) if b.data.startswith("sfe|cty|")]
    question = await coach.press(ALEX, ask)
    assert texts(question, ALEX)[0] == coach.content.t("safety_country_question", "en")
    labels = [b.label for b in buttons(question, ALEX)]
    assert "United States" in labels and "Türkiye" in labels
    assert labels[-1] == coach.content.t("safety_country_other", "en")

    saved = await coach.text(ALEX, "Deutschland")
    text = texts(saved, ALEX)[0]
    assert text.startswith(coach.content.t("safety_country_saved", "en", country="Germany"))
    assert "0800 111 0 111" in text and "112" in text
    assert (await user(coach, ALEX)).country == "DE"

    again = await coach.text(ALEX, SELF_HARM)
    assert not any(b.data.startswith("sfe|cty|") for b in buttons(again, ALEX)), "asked once"
    assert "0800 111 0 111" in again[0].text


async def test_an_unknown_country_gets_a_kind_answer_and_the_question_waits(coach):
    await coach.run_command(ALEX, "settings")
    await coach.press(ALEX, "sfe|cty|x")
    outs = await coach.text(ALEX, "Atlantis")
    assert "Atlantis" in texts(outs, ALEX)[0]
    assert (await user(coach, ALEX)).country is None
    outs = await coach.text(ALEX, "brasil")
    assert "188" in texts(outs, ALEX)[0]
    assert (await user(coach, ALEX)).country == "BR"
    after = await coach.text(ALEX, "brasil")
    assert "188" not in " ".join(texts(after, ALEX)), "the question no longer waits"


async def test_somewhere_else_keeps_the_international_lines(coach):
    await coach.run_command(ALEX, "start")
    await coach.press(ALEX, "sfc|US|x")
    outs = await coach.press(ALEX, "sfc|none|x")
    assert "findahelpline.com" in texts(outs, ALEX)[0]
    assert (await user(coach, ALEX)).country is None


async def test_settings_show_quiet_mode_and_the_country_in_the_persons_language(coach):
    await coach.run_command(KIM, "start")
    await coach.press(KIM, "sfc|TR|x")
    outs = await coach.press(KIM, "set|safety")
    text = texts(outs, KIM)[0]
    assert "Türkiye" in text and coach.content.t("quiet_state_off", "tr") in text
    assert coach.content.t("quiet_turn_on", "tr") in [b.label for b in buttons(outs, KIM)]


async def test_forged_country_buttons_are_refused(coach):
    await coach.run_command(ALEX, "start")
    for data in ("sfc|XX|x", "sfc|US|q", "sfc|US"):
        assert (await coach.press(ALEX, data))[0].notice
    assert (await user(coach, ALEX)).country is None


async def test_settings_ask_with_the_button_list_and_the_choice_is_kept(coach):
    """/settings → Safety → change the country: the same list of buttons as in the
    safety answer; one press saves it, shows that country's lines, and /settings says so."""
    await coach.run_command(ALEX, "start")
    menu = await coach.press(ALEX, "set|safety")
    change = coach.content.t("safety_change_country", "en")
    [ask] = [b.data for b in buttons(menu, ALEX) if b.label == change]
    question = await coach.press(ALEX, ask)
    assert texts(question, ALEX)[0] == coach.content.t("safety_country_question", "en")
    choices = {b.label: b.data for b in buttons(question, ALEX)}
    assert len(choices) >= 10 and "India" in choices

    saved = await coach.press(ALEX, choices["India"])
    assert texts(saved, ALEX)[0].startswith(
        coach.content.t("safety_country_saved", "en", country="India")
    )
    assert (await user(coach, ALEX)).country == "IN"
    menu = await coach.press(ALEX, "set|safety")
    assert "India" in texts(menu, ALEX)[0]
    typed_later = await coach.text(ALEX, "Germany")
    assert (await user(coach, ALEX)).country == "IN", "a pressed answer closes the question"
    assert "0800 111 0 111" not in " ".join(texts(typed_later, ALEX))
