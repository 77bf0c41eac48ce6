"""The Talk Table feature: group chats, /talk in private, private notes, the pause sweep."""

from __future__ import annotations

from bot.library.catalog import LIBRARY
from bot.nudges.pools import POOLS
from bot.plugins import (
    Command,
    Feature,
    FeatureContext,
    GroupChat,
    Periodic,
    reads,
)
from bot.table import notes, opening
from bot.table.group import GroupChats
from bot.table.pauses import SWEEP_SECONDS, PauseSweep
from bot.table.table import Table


@reads(LIBRARY, POOLS)
def feature(context: FeatureContext) -> Feature:
    table = Table(context.data(LIBRARY), context.data(POOLS))
    chats = GroupChats(
        table, context.jobs, context.content, lambda: context.registry.safety_screens
    )
    return Feature(
        notes.FEATURE,
        commands={"talk": Command(opening.private_talk)},
        typed=notes.typed,
        topics=opening.topics,
        periodic=(Periodic("table-pauses", SWEEP_SECONDS, PauseSweep(context.jobs)),),
        group=GroupChat(chats.partner, chats.stranger, chats.given_back),
    )
