"""a held message remembers the group it was written in, to be given back there

Revision ID: 0019_hold_group
Revises: 0007_safety
Create Date: 2026-12-04 20:10:00

`safety_holds.group_id`: the group chat (the Talk Table) where the held message was
written, or NULL for the person's private chat. "That's not what I meant" and "I'm safe,
go on" give a reflection back to the table, never to the private conversation.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_hold_group"
down_revision: str | Sequence[str] | None = "0007_safety"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("safety_holds") as batch:
        batch.add_column(sa.Column("group_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("safety_holds") as batch:
        batch.drop_column("group_id")
