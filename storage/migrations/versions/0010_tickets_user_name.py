"""tickets: how the channel names the user (name, @username, language) for staff

Revision ID: 0010_tickets_user_name
Revises: 0009_outbox_parts
Create Date: 2026-12-04 21:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_tickets_user_name"
down_revision: str | Sequence[str] | None = "0009_outbox_parts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("user_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("user_name")
