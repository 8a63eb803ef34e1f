"""tickets: numbers from a per-year counter; at most one active ticket per user

Revision ID: 0006_tickets_counter
Revises: 0005_merge
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_tickets_counter"
down_revision: str | Sequence[str] | None = "0005_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = "status IN ('open', 'claimed', 'waiting_user')"


def upgrade() -> None:
    op.create_table(
        "ticket_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    # Continue each year's numbering where the existing tickets left it.
    op.execute(
        "INSERT INTO ticket_counter (year, last) "
        "SELECT CAST(SUBSTR(number, 3, 4) AS INTEGER), MAX(CAST(SUBSTR(number, 8) AS INTEGER)) "
        "FROM ticket GROUP BY SUBSTR(number, 3, 4)"
    )
    # Before this index a double click could open two active tickets: keep each user's newest
    # and close the rest as duplicates, so the index can be built.
    op.execute(
        "UPDATE ticket SET status = 'closed', close_reason = 'duplicate' "
        f"WHERE {_ACTIVE} AND id NOT IN ("
        f"SELECT MAX(id) FROM ticket WHERE {_ACTIVE} GROUP BY channel, user_ref)"
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(
            "uq_ticket_user_active",
            ["channel", "user_ref"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ticket_user_active",
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
    op.drop_table("ticket_counter")
