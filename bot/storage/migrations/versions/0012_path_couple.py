"""tie each relationship check to the couple it was taken in

Revision ID: 0012_path_couple
Revises: 0002_couples, 0007_path
Create Date: 2026-12-02 10:00:00

A check's statements name the partner of the time, and agreeing to compare it
was agreeing to compare with that partner; so a check is compared only within
its couple. Existing checks are tied to the author's current couple when they
were started while it existed, else to none (never compared again).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_path_couple"
down_revision: str | Sequence[str] | None = ("0002_couples", "0007_path")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("path_checks") as batch:
        batch.add_column(sa.Column("couple_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_path_checks_couple_id", "couples", ["couple_id"], ["id"], ondelete="SET NULL"
        )
    op.execute(
        "UPDATE path_checks SET couple_id = ("
        " SELECT users.couple_id FROM users JOIN couples ON couples.id = users.couple_id"
        " WHERE users.id = path_checks.user_id AND couples.created_at <= path_checks.started_at"
        ")"
    )


def downgrade() -> None:
    with op.batch_alter_table("path_checks") as batch:
        batch.drop_constraint("fk_path_checks_couple_id", type_="foreignkey")
        batch.drop_column("couple_id")
