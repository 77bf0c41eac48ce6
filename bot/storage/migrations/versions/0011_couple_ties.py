"""tie check-ins and gentle starts to the couple they were made in

Revision ID: 0011_couple_ties
Revises: 0002_couples, 0003_nudges, 0004_cooldown
Create Date: 2026-12-02 09:00:00

A score, an appreciation or a gentle start belongs to the couple it was made
in; a later partner of the same person must never see it or act on it. Rows
that exist already are tied to the author's current couple when they were
made while it existed (a person is in one couple at a time), else to none —
which keeps them private.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_couple_ties"
down_revision: str | Sequence[str] | None = ("0002_couples", "0003_nudges", "0004_cooldown")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIES = (
    # table, new column, the moment the row was made
    ("nudge_deliveries", "couple_id", "claimed_at"),
    ("nudge_checkins", "couple_id", "created_at"),
    ("nudge_answers", "couple_id", "created_at"),
    ("cooldowns", "statement_couple_id", "statement_sent_at"),
)


def upgrade() -> None:
    for table, column, made_at in TIES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(
                f"fk_{table}_{column}", "couples", [column], ["id"], ondelete="SET NULL"
            )
        op.execute(
            f"UPDATE {table} SET {column} = ("  # names from TIES, not input
            " SELECT users.couple_id FROM users JOIN couples ON couples.id = users.couple_id"
            f" WHERE users.id = {table}.user_id AND couples.created_at <= {table}.{made_at}"
            f") WHERE {made_at} IS NOT NULL"
        )


def downgrade() -> None:
    for table, column, _ in reversed(TIES):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_{column}", type_="foreignkey")
            batch.drop_column(column)
