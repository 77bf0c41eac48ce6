"""Plug the couples feature into the coach: commands, buttons, screens, settings."""

from __future__ import annotations

from sqlalchemy import exists

from bot.coach import PERSON_ID, Coach, Screen, SettingsSection
from bot.couples.handlers import NAME, UNLINK, Linking
from bot.couples.models import NamePrompt
from bot.couples.privacy import FORGET, Privacy


def install(coach: Coach) -> None:
    linking, privacy = Linking(coach), Privacy(coach)
    coach.command("invite")(linking.invite)
    coach.command("unlink")(linking.unlink)
    coach.command("mydata")(privacy.mydata)
    coach.command("forget")(privacy.forget)
    coach.button(NAME)(linking.name_button)
    coach.button(UNLINK)(linking.unlink_button)
    coach.button(FORGET)(privacy.forget_button)
    coach.start_payload = linking.start_payload
    asked_name = exists().where(NamePrompt.__table__.c.user_id == PERSON_ID)
    coach.text_screens.append(Screen(linking.name_screen, pending=asked_name))
    coach.settings_sections.append(SettingsSection("name", "name_setting", linking.change_name))
