"""one delivery record: the outbox's rows take the record's states

Revision ID: 0015_delivery
Revises: 0009_outbox
Create Date: 2026-12-02 15:40:00

The outbox kept its own copy of claim, lease, admit and outcome, with a
`queued` state where the check-ins' record says `claimed`. Both tables are
now rows of `bot.delivery.record`, so a message waiting in the outbox at
upgrade time (queued, or pausing after a failed try) is carried over as
`claimed`, keeping its owner, lease and tries: it is sent once, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_delivery"
down_revision: str | Sequence[str] | None = "0009_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTBOX = sa.table("outbox_messages", sa.column("status", sa.String()))


def _rename(old: str, new: str) -> None:
    op.execute(OUTBOX.update().where(OUTBOX.c.status == old).values(status=new))


def upgrade() -> None:
    _rename("queued", "claimed")


def downgrade() -> None:
    _rename("claimed", "queued")
