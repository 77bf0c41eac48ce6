"""talk tables: the floor of a conversation in a group, and the partners' private notes

Revision ID: 0014_table
Revises: 0002_couples
Create Date: 2026-12-02 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0014_table"
down_revision: str | Sequence[str] | None = "0002_couples"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _person(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), nullable=True)


def upgrade() -> None:
    when = bot.storage.types.UTCDateTime(timezone=True)
    text = sqlmodel.sql.sqltypes.AutoString()
    op.create_table(
        "talk_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=True),
        _person("opened_by"),
        sa.Column("lang", text, nullable=False),
        sa.Column("phase", text, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("talk", sa.Integer(), nullable=False),
        _person("speaker_id"),
        _person("listener_id"),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("resume_phase", text, nullable=True),
        sa.Column("paused_until", when, nullable=True),
        _person("paused_by"),
        sa.Column("created_at", when, nullable=False),
        sa.Column("touched_at", when, nullable=False),
        sa.ForeignKeyConstraint(["couple_id"], ["couples.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["speaker_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["listener_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["paused_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id"),
    )
    op.create_index(
        "ix_talk_tables_paused_until", "talk_tables", ["phase", "paused_until"], unique=False
    )
    op.create_table(
        "talk_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("talk", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", text, nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("asked_at", when, nullable=False),
        sa.Column("written_at", when, nullable=True),
        sa.ForeignKeyConstraint(["table_id"], ["talk_tables.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("table_id", "talk", "user_id", "kind", name="uq_talk_note"),
    )
    op.create_index(op.f("ix_talk_notes_user_id"), "talk_notes", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_talk_notes_user_id"), table_name="talk_notes")
    op.drop_table("talk_notes")
    op.drop_index("ix_talk_tables_paused_until", table_name="talk_tables")
    op.drop_table("talk_tables")
