"""web: per-visitor marks of the web chat (seen up to, view cleared up to)

Revision ID: 0007_web_visitor
Revises: 0006_tickets_counter
Create Date: 2026-12-04 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_web_visitor"
down_revision: str | Sequence[str] | None = "0006_tickets_counter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_visitor",
        sa.Column("user_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seen_id", sa.Integer(), nullable=False),
        sa.Column("cleared_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_ref", name=op.f("pk_web_visitor")),
    )


def downgrade() -> None:
    op.drop_table("web_visitor")
