"""tickets: files a user sent during a handoff, fetched through the channel's media API

Revision ID: 0011_tickets_files
Revises: 0010_tickets_user_name
Create Date: 2026-12-04 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_tickets_files"
down_revision: str | Sequence[str] | None = "0010_tickets_user_name"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("mime", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_file_ticket_number", "ticket_file", ["ticket_number"])


def downgrade() -> None:
    op.drop_index("ix_ticket_file_ticket_number", table_name="ticket_file")
    op.drop_table("ticket_file")
