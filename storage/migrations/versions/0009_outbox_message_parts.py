"""outbox: messages of several parts, sent in order per recipient, waiting for the user

Revision ID: 0009_outbox_parts
Revises: 0008_marks
Create Date: 2026-12-04 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009_outbox_parts"
down_revision: str | Sequence[str] | None = "0008_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows are single-part messages of their own.
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("message_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        batch_op.add_column(sa.Column("part", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("parts", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("sent_via", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True)
        )
        batch_op.create_index("ix_outbox_message_key", ["message_key"], unique=False)
        batch_op.create_index(
            "ix_outbox_recipient", ["sender", "recipient", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_recipient")
        batch_op.drop_index("ix_outbox_message_key")
        batch_op.drop_column("sent_via")
        batch_op.drop_column("parts")
        batch_op.drop_column("part")
        batch_op.drop_column("message_key")
