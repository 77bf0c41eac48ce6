"""Plug the couples feature into the coach: commands, buttons, screens, settings."""

from __future__ import annotations

from sqlalchemy import exists

from bot.coach import PERSON_ID, Coach, Screen, SettingsSection
from bot.couples.handlers import NAME, UNLINK, Linking
from bot.couples.models import NamePrompt
from bot.couples.privacy import FORGET, Privacy
from bot.safety.care import SAFE, Care


def install(coach: Coach) -> None:
    linking, privacy, care = Linking(coach), Privacy(coach), Care()
    coach.command("invite")(linking.invite)
    coach.command("unlink")(linking.unlink)
    coach.command("mydata")(privacy.mydata)
    coach.command("forget")(privacy.forget)
    coach.command("help_now")(care.help_now)
    coach.command("about")(care.about)
    coach.button(NAME)(linking.name_button)
    coach.button(UNLINK)(linking.unlink_button)
    coach.button(FORGET)(privacy.forget_button)
    coach.button(SAFE)(care.safe_button)
    coach.start_payload = linking.start_payload
    coach.safety_screens.append(care.screen)  # before every feature's text, captions and edits too
    asked_name = exists().where(NamePrompt.__table__.c.user_id == PERSON_ID)
    coach.text_screens.append(Screen(linking.name_screen, pending=asked_name))
    coach.settings_sections.append(SettingsSection("name", "name_setting", linking.change_name))
