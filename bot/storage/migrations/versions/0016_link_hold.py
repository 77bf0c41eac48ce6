"""the link's safety question holds back answers carried over into the couple

Revision ID: 0016_link_hold
Revises: 0005_together, 0007_safety
Create Date: 2026-12-02 19:30:00

`users.safety_answered_at` says whether a person has answered (or skipped) the
private "do you feel safe with your partner?" of their current link (never
what they answered); `couple_questions.held_at` marks a couple question both
had answered before linking, whose reveal waits until both have answered it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision: str = "0016_link_hold"
down_revision: str | Sequence[str] | None = ("0005_together", "0007_safety")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "safety_answered_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
    with op.batch_alter_table("couple_questions") as batch:
        batch.add_column(
            sa.Column("held_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("couple_questions") as batch:
        batch.drop_column("held_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("safety_answered_at")
