"""Plug safety into the coach: the screen before everything, its buttons, commands, settings."""

from __future__ import annotations

from sqlalchemy import exists

from bot.coach import PERSON_ID, Coach, Screen, SettingsSection
from bot.safety import quiet
from bot.safety.care import SAFE, Care
from bot.safety.country import CHOOSE
from bot.safety.link_question import ASK, LinkQuestion
from bot.safety.models import CountryPrompt
from bot.safety.settings import SafetySettings


def install(coach: Coach) -> None:
    care = Care()
    settings = SafetySettings(care)
    question = LinkQuestion(care)
    coach.safety_screens.append(care.screen)  # before every feature's text, captions and edits too
    coach.command("help_now")(care.help_now)
    coach.command("about")(care.about)
    coach.button(SAFE)(care.safe_button)
    coach.button(CHOOSE)(care.country.button)
    coach.button(quiet.QUIET)(quiet.quiet_button)
    coach.button(ASK)(question.answer)
    coach.link_listeners.append(question.linked)
    asked_country = exists().where(CountryPrompt.__table__.c.user_id == PERSON_ID)
    coach.text_screens.append(Screen(care.country.typed, pending=asked_country))
    coach.settings_sections.append(
        SettingsSection("safety", "safety_setting", settings.open, order=90)
    )
