"""Reading and changing a table's row: every floor change is one compare-and-set.

`commit` writes a new `Floor` only where the row still has the version the
decision was made on; two partners pressing at the same instant (two turns,
two processes) therefore change the floor once, and the second learns that it
moved on. PostgreSQL also serialises the couple's turns (`repo.lock_couple`);
the version check is the guard that holds everywhere.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import User, WaitingInput
from bot.table.floor import LIVE, Floor
from bot.table.models import TalkNote, TalkTable

TABLE = TalkTable.__table__  # type: ignore[attr-defined]
FEATURE = "table"
"""The feature's name in `waiting_inputs` (the questions it asked, see `bot.waiting`)."""


def floor_of(row: TalkTable) -> Floor:
    return Floor(
        phase=row.phase,
        version=row.version,
        speaker=row.speaker_id,
        listener=row.listener_id,
        turns=row.turns,
        rounds=row.rounds,
        resume_phase=row.resume_phase,
        paused_until=row.paused_until,
        paused_by=row.paused_by,
    )


async def by_chat(session: AsyncSession, chat_id: int) -> TalkTable | None:
    query = select(TalkTable).where(TalkTable.chat_id == chat_id)
    return (await session.exec(query.execution_options(populate_existing=True))).first()


async def move_chat(session: AsyncSession, old: int, new: int, now: datetime) -> bool:
    """The group became a supergroup: its table follows to the new chat id.

    One statement, so it is idempotent and race-free: it moves a row only while
    one is at `old` and none is at `new` yet; True if this call moved it (the
    second service message, or the same one again, moves nothing).
    """
    taken = TABLE.alias("taken")
    elsewhere = select(taken.c.id).where(taken.c.chat_id == new).exists()
    result = await session.exec(
        update(TABLE).where(TABLE.c.chat_id == old, ~elsewhere).values(chat_id=new, touched_at=now)
    )
    return result.rowcount == 1


async def live_for_couple(session: AsyncSession, couple_id: int) -> list[TalkTable]:
    """The couple's tables with a talk going on or closing (usually none or one)."""
    query = select(TalkTable).where(
        TalkTable.couple_id == couple_id, col(TalkTable.phase).in_([*LIVE, "closing"])
    )
    return list((await session.exec(query.execution_options(populate_existing=True))).all())


async def commit(
    session: AsyncSession, row: TalkTable, floor: Floor, now: datetime, **more: object
) -> bool:
    """Write `floor` if the row is still at the version it was read at; True if written."""
    assert row.id is not None
    values = {
        "phase": floor.phase,
        "version": floor.version,
        "speaker_id": floor.speaker,
        "listener_id": floor.listener,
        "turns": floor.turns,
        "rounds": floor.rounds,
        "resume_phase": floor.resume_phase,
        "paused_until": floor.paused_until,
        "paused_by": floor.paused_by,
        "touched_at": now,
        **more,
    }
    result = await session.exec(
        update(TABLE).where(TABLE.c.id == row.id, TABLE.c.version == row.version).values(**values)
    )
    if result.rowcount != 1:
        return False
    for key, value in values.items():
        setattr(row, key, value)
    return True


async def note(session: AsyncSession, row: TalkTable, user_id: int, kind: str) -> TalkNote | None:
    assert row.id is not None
    query = select(TalkNote).where(
        TalkNote.table_id == row.id,
        TalkNote.talk == row.talk,
        TalkNote.user_id == user_id,
        TalkNote.kind == kind,
    )
    return (await session.exec(query.execution_options(populate_existing=True))).first()


async def ask(
    session: AsyncSession, row: TalkTable, user_id: int, kind: str, now: datetime
) -> TalkNote:
    """The note asked of this partner for this talk (asked once; kept if already there)."""
    found = await note(session, row, user_id, kind)
    if found is None:
        assert row.id is not None
        found = TalkNote(table_id=row.id, talk=row.talk, user_id=user_id, kind=kind, asked_at=now)
        session.add(found)
        await session.flush()
    return found


async def forget_waiting(session: AsyncSession, table_id: int) -> None:
    """Notes still asked of anyone at this table stop waiting (the talk is over)."""
    rows = await session.exec(
        select(TalkNote).where(TalkNote.table_id == table_id, col(TalkNote.text).is_(None))
    )
    asked = set()
    for row in rows.all():
        asked.add(row.user_id)
        await session.delete(row)
    if asked:
        await session.exec(
            delete(WaitingInput).where(
                col(WaitingInput.feature) == FEATURE, col(WaitingInput.user_id).in_(asked)
            )
        )


async def names(session: AsyncSession, row: TalkTable) -> dict[int, str]:
    """The partners' names as each chose to be called (the opener's side first)."""
    if row.couple_id is None:
        return {}
    query = select(User).where(User.couple_id == row.couple_id)
    return {user.id: user.name for user in (await session.exec(query)).all()}
