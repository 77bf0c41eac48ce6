"""exercise follow-ups: plans and each partner's follow-up

Revision ID: 0010_followups
Revises: 0002_couples
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0010_followups"
down_revision: str | Sequence[str] | None = "0002_couples"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = bot.storage.types.UTCDateTime(timezone=True)
    text = sqlmodel.sql.sqltypes.AutoString()
    op.create_table(
        "exercise_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=True),
        sa.Column("planned_by", sa.BigInteger(), nullable=True),
        sa.Column("source", text, nullable=False),
        sa.Column("ref", text, nullable=False),
        sa.Column("section", text, nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("revealed_at", when, nullable=True),
        sa.ForeignKeyConstraint(["couple_id"], ["couples.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["planned_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_exercise_plans_couple_id"), "exercise_plans", ["couple_id"], unique=False
    )
    op.create_table(
        "exercise_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("not_before", when, nullable=False),
        sa.Column("delivery_id", sa.BigInteger(), nullable=True),
        sa.Column("happened", sa.Boolean(), nullable=True),
        sa.Column("feeling", sa.Integer(), nullable=True),
        sa.Column("answered_at", when, nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["exercise_plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "user_id", name="uq_exercise_followup"),
    )
    op.create_index(
        op.f("ix_exercise_followups_user_id"), "exercise_followups", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_exercise_followups_user_id"), table_name="exercise_followups")
    op.drop_table("exercise_followups")
    op.drop_index(op.f("ix_exercise_plans_couple_id"), table_name="exercise_plans")
    op.drop_table("exercise_plans")
