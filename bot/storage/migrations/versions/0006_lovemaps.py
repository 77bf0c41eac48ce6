"""love maps: rounds and answers

Revision ID: 0006_lovemaps
Revises: 0002_couples
Create Date: 2026-12-02 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0006_lovemaps"
down_revision: str | Sequence[str] | None = "0002_couples"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lovemap_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_by", sa.BigInteger(), nullable=True),
        sa.Column("invited_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revealed_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["couple_id"], ["couples.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["started_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("couple_id", "seq", name="uq_lovemap_round_seq"),
    )
    op.create_table(
        "lovemap_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("own", sa.Text(), nullable=True),
        sa.Column("guess", sa.Text(), nullable=True),
        sa.Column("waiting", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("asked_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["lovemap_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "user_id", name="uq_lovemap_answer"),
    )
    op.create_index(
        op.f("ix_lovemap_answers_user_id"), "lovemap_answers", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lovemap_answers_user_id"), table_name="lovemap_answers")
    op.drop_table("lovemap_answers")
    op.drop_table("lovemap_rounds")
