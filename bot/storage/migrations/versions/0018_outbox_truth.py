"""outbox rows say what they are and until when they are useful

Revision ID: 0018_outbox_truth
Revises: 0017_outbox_held
Create Date: 2026-12-02 19:20:00

A message from one partner to the other names its sender (`sender_id`, since
0017), who is told, without the words, when it could not be delivered; it
says what it was (`kind`, `about`); a
time-bound message (a breathing cue, a break's return question) has a
`useful_until`, after which it is marked `expired` instead of sent. Rows
already waiting keep none of these: they are sent as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.storage.types

revision: str = "0018_outbox_truth"
down_revision: str | Sequence[str] | None = "0017_outbox_held"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("about", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("useful_until", bot.storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("useful_until")
        batch.drop_column("about")
        batch.drop_column("kind")
