"""staff desk: internal ticket notes and per-staff read marks

Revision ID: 0012_desk_notes_reads
Revises: 0011_tickets_files
Create Date: 2026-12-04 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_desk_notes_reads"
down_revision: str | Sequence[str] | None = "0011_tickets_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_note_ticket_id", "ticket_note", ["ticket_id"])
    op.create_table(
        "ticket_read",
        sa.Column("staff", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("staff", "ticket_id"),
    )


def downgrade() -> None:
    op.drop_table("ticket_read")
    op.drop_index("ix_ticket_note_ticket_id", table_name="ticket_note")
    op.drop_table("ticket_note")
