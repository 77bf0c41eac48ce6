"""The couples feature: inviting and linking, the name the bot uses, /mydata and /forget."""

from __future__ import annotations

from sqlalchemy import exists

from bot.couples.handlers import NAME, UNLINK, Linking
from bot.couples.models import NamePrompt
from bot.couples.privacy import FORGET, Privacy
from bot.plugins import PERSON_ID, Command, Feature, FeatureContext, Screen, SettingsSection


def feature(context: FeatureContext) -> Feature:
    linking, privacy = Linking(context.registry), Privacy()
    asked_name = exists().where(NamePrompt.__table__.c.user_id == PERSON_ID)
    return Feature(
        "couples",
        commands={
            "invite": Command(linking.invite),
            "unlink": Command(linking.unlink),
            "mydata": Command(privacy.mydata),
            "forget": Command(privacy.forget),
        },
        buttons={
            NAME: linking.name_button,
            UNLINK: linking.unlink_button,
            FORGET: privacy.forget_button,
        },
        start_payload=linking.start_payload,
        screens=(Screen(linking.name_screen, pending=asked_name),),
        settings_sections=(SettingsSection("name", "name_setting", linking.change_name),),
    )
