"""personal path: checks, their answers, what the welcome told us

Revision ID: 0007_path
Revises: 0001_core
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0007_path"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    when = bot.storage.types.UTCDateTime(timezone=True)
    op.create_table(
        "path_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", when, nullable=False),
        sa.Column("finished_at", when, nullable=True),
        sa.Column("compare_at", when, nullable=True),
        sa.Column("asked_partner_at", when, nullable=True),
        sa.Column("compared_with", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "number", name="uq_path_check_number"),
    )
    op.create_index(op.f("ix_path_checks_user_id"), "path_checks", ["user_id"], unique=False)
    op.create_table(
        "path_profiles",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("focus", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("mood", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("seen_at", when, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "path_answers",
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["check_id"], ["path_checks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("check_id", "question"),
    )


def downgrade() -> None:
    op.drop_table("path_answers")
    op.drop_table("path_profiles")
    op.drop_index(op.f("ix_path_checks_user_id"), table_name="path_checks")
    op.drop_table("path_checks")
