"""ticket_file: who on staff sent a file (files sent back to the user); booking: e-mail contact

Revision ID: 0019_staff_files_booking_email
Revises: 0018_outbox_failing_since
Create Date: 2026-12-04 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019_staff_files_booking_email"
down_revision: str | Sequence[str] | None = "0018_outbox_failing_since"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sent_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True)
        )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("ticket_file", schema=None) as batch_op:
        batch_op.drop_column("sent_by")
