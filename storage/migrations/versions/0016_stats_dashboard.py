"""stats: daily roll-up, active users per day, report narratives; tool name on the question log

Revision ID: 0016_stats
Revises: 0015_desk_notify
Create Date: 2026-12-04 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016_stats"
down_revision: str | Sequence[str] | None = "0015_desk_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stats_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "metric", "key", name=op.f("pk_stats_day")),
    )
    op.create_table(
        "stats_user_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_key", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.PrimaryKeyConstraint("day", "user_key", name=op.f("pk_stats_user_day")),
    )
    op.create_index("ix_stats_user_day_user", "stats_user_day", ["user_key", "day"], unique=False)
    op.create_table(
        "stats_range",
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("start", "end", name=op.f("pk_stats_range")),
    )
    op.create_table(
        "report_narrative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_narrative")),
    )
    op.create_index(
        "ix_report_narrative_year", "report_narrative", ["year", "section", "id"], unique=False
    )
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tool", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chat_message_created_at"), ["created_at"], unique=False
        )
    op.create_index(
        "ix_ticket_stats",
        "ticket",
        [
            "created_at",
            "reason",
            "category",
            "rating",
            "first_response_at",
            "first_response_due",
            "resolved_at",
            "company",
        ],
        unique=False,
    )
    op.create_index("ix_booking_created", "booking", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_booking_created", table_name="booking")
    op.drop_index("ix_ticket_stats", table_name="ticket")
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_message_created_at"))
    with op.batch_alter_table("question_log", schema=None) as batch_op:
        batch_op.drop_column("tool")
    op.drop_index("ix_report_narrative_year", table_name="report_narrative")
    op.drop_table("report_narrative")
    op.drop_table("stats_range")
    op.drop_index("ix_stats_user_day_user", table_name="stats_user_day")
    op.drop_table("stats_user_day")
    op.drop_table("stats_day")
