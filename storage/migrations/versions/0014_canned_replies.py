"""canned replies in the database (admins edit them; storage/canned.py seeds an empty table)

Revision ID: 0014_canned_replies
Revises: 0013_staff_sessions
Create Date: 2026-12-04 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014_canned_replies"
down_revision: str | Sequence[str] | None = "0013_staff_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "canned_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("text_zh", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("text_en", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("channels", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name=op.f("uq_canned_reply_key")),
    )


def downgrade() -> None:
    op.drop_table("canned_reply")
