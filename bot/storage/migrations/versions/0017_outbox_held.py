"""partner news held in the outbox until the recipient's quiet hours end: whose news it is

Revision ID: 0017_outbox_held
Revises: 0015_delivery
Create Date: 2026-12-02 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_outbox_held"
down_revision: str | Sequence[str] | None = "0015_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("sender_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            "fk_outbox_messages_sender_id_users",
            "users",
            ["sender_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint("fk_outbox_messages_sender_id_users", type_="foreignkey")
        batch.drop_column("sender_id")
