"""Plug the couples feature into the coach: commands, buttons, screens, settings."""

from __future__ import annotations

from bot.coach import Coach, SettingsSection
from bot.couples.care import SAFE, Care
from bot.couples.handlers import NAME, UNLINK, Linking
from bot.couples.privacy import FORGET, Privacy


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
    coach.text_screens.append(linking.name_screen)
    coach.settings_sections.append(SettingsSection("name", "name_setting", linking.change_name))
