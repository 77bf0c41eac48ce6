"""The Talk Table feature: group chats, /talk in private, private notes, the pause sweep."""

from __future__ import annotations

from sqlalchemy import exists

from bot.library.catalog import library_for
from bot.plugins import PERSON_ID, Command, Feature, FeatureContext, GroupChat, Periodic, Screen
from bot.table import notes, opening
from bot.table.group import GroupChats
from bot.table.models import TalkNote
from bot.table.pauses import SWEEP_SECONDS, PauseSweep
from bot.table.table import Table


def feature(context: FeatureContext) -> Feature:
    table = Table(library_for(context.settings.data_dir, context.content.languages))
    chats = GroupChats(
        table, context.jobs, context.content, lambda: context.registry.safety_screens
    )
    waiting = TalkNote.__table__.c  # type: ignore[attr-defined]
    asked = exists().where(waiting.user_id == PERSON_ID, waiting.text.is_(None))
    return Feature(
        "table",
        commands={"talk": Command(opening.private_talk)},
        screens=(Screen(notes.typed, pending=asked),),
        topics=opening.topics,
        periodic=(Periodic("table-pauses", SWEEP_SECONDS, PauseSweep(context.jobs)),),
        group=GroupChat(chats.partner, chats.stranger),
    )
