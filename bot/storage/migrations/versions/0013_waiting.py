"""one record for a question waiting for a typed answer

Revision ID: 0013_waiting
Revises: 0003_nudges, 0006_lovemaps, 0007_safety
Create Date: 2026-12-02 13:00:00

Names, countries, check-in answers, times and love-maps answers each kept
their own "we asked, waiting for text" marker with its own time limit and
its own "has the person moved on?" rule. They become one `waiting_inputs`
row a person (see `bot.waiting`). A question open at upgrade time is carried
over, the newest one when a person had several, with its old time limit.
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0013_waiting"
down_revision: str | Sequence[str] | None = ("0003_nudges", "0006_lovemaps", "0007_safety")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = bot.storage.types.UTCDateTime(timezone=True)
WAITING = sa.table(
    "waiting_inputs",
    sa.column("user_id", sa.BigInteger()),
    sa.column("feature", sa.String()),
    sa.column("key", sa.String()),
    sa.column("ref", sa.String()),
    sa.column("asked_at", TIME),
    sa.column("expires_at", TIME),
)
NAMES = sa.table(
    "name_prompts",
    sa.column("user_id", sa.BigInteger()),
    sa.column("purpose", sa.String()),
    sa.column("invite_id", sa.Integer()),
    sa.column("asked_at", TIME),
)
COUNTRIES = sa.table(
    "safety_country_prompts",
    sa.column("user_id", sa.BigInteger()),
    sa.column("need", sa.String()),
    sa.column("asked_at", TIME),
)
SCHEDULES = sa.table(
    "nudge_schedules",
    sa.column("user_id", sa.BigInteger()),
    sa.column("awaiting", sa.String()),
    sa.column("awaiting_at", TIME),
)
ANSWERS = sa.table(
    "lovemap_answers",
    sa.column("id", sa.Integer()),
    sa.column("user_id", sa.BigInteger()),
    sa.column("waiting", sa.String()),
    sa.column("asked_at", TIME),
)


def upgrade() -> None:
    op.create_table(
        "waiting_inputs",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("feature", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("asked_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    _carry_over_open_questions()
    op.drop_table("name_prompts")
    op.drop_table("safety_country_prompts")
    with op.batch_alter_table("nudge_schedules") as batch:
        batch.drop_column("awaiting")
        batch.drop_column("awaiting_at")
    with op.batch_alter_table("lovemap_answers") as batch:
        batch.drop_column("waiting")


def _carry_over_open_questions() -> None:
    bind = op.get_bind()
    newest: dict[int, dict[str, object]] = {}

    def offer(user_id: int, feature: str, key: str, ref: object, asked_at, minutes: int) -> None:
        if asked_at is None:
            return
        if user_id in newest and newest[user_id]["asked_at"] >= asked_at:  # type: ignore[operator]
            return
        newest[user_id] = {
            "user_id": user_id,
            "feature": feature,
            "key": key,
            "ref": None if ref is None else str(ref),
            "asked_at": asked_at,
            "expires_at": asked_at + timedelta(minutes=minutes),
        }

    for row in bind.execute(sa.select(NAMES)):
        offer(row.user_id, "couples", row.purpose, row.invite_id, row.asked_at, 10)
    for row in bind.execute(sa.select(COUNTRIES)):
        offer(row.user_id, "safety", row.need, None, row.asked_at, 120)
    for row in bind.execute(sa.select(SCHEDULES).where(SCHEDULES.c.awaiting.is_not(None))):
        minutes = 10 if row.awaiting in ("time", "timezone") else 120
        offer(row.user_id, "checkins", row.awaiting, None, row.awaiting_at, minutes)
    for row in bind.execute(sa.select(ANSWERS).where(ANSWERS.c.waiting.is_not(None))):
        offer(row.user_id, "lovemaps", row.waiting, row.id, row.asked_at, 120)
    if newest:
        op.bulk_insert(WAITING, list(newest.values()))


def downgrade() -> None:
    with op.batch_alter_table("lovemap_answers") as batch:
        batch.add_column(sa.Column("waiting", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("nudge_schedules") as batch:
        batch.add_column(sa.Column("awaiting", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("awaiting_at", TIME, nullable=True))
    op.create_table(
        "safety_country_prompts",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("need", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("asked_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "name_prompts",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(["invite_id"], ["invites.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.drop_table("waiting_inputs")
