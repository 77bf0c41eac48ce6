"""safety: quiet mode, chosen country, the linking question, held messages, country prompts

Revision ID: 0007_safety
Revises: 0001_core
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0007_safety"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("quiet", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("country", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(
            sa.Column(
                "safety_asked_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.create_table(
        "safety_holds",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("need", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("dialog", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("node", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("awaiting_share", sa.Boolean(), nullable=False),
        sa.Column("paused_before", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("quiet_before", sa.Boolean(), nullable=False),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "safety_country_prompts",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("need", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("asked_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("safety_country_prompts")
    op.drop_table("safety_holds")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("safety_asked_at")
        batch.drop_column("country")
        batch.drop_column("quiet")
