"""PostgreSQL: NOTIFY tmbot_desk whenever a table the staff desk shows changes

Every worker and server of a deployment LISTENs (handlers/staff/live.py), so an open staff page
updates within moments of a change made anywhere. SQLite needs nothing: one process.

Revision ID: 0015_desk_notify
Revises: 0014_canned_replies
Create Date: 2026-12-04 21:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_desk_notify"
down_revision: str | Sequence[str] | None = "0014_canned_replies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("ticket", "chat_message", "ticket_note", "booking")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION tmbot_desk_notify() RETURNS trigger AS $$ "
        "BEGIN PERFORM pg_notify('tmbot_desk', TG_TABLE_NAME); RETURN NULL; END; "
        "$$ LANGUAGE plpgsql"
    )
    for table in TABLES:
        # One notification per statement (and PostgreSQL folds duplicates per transaction).
        op.execute(
            f"CREATE TRIGGER tmbot_desk_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION tmbot_desk_notify()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS tmbot_desk_{table} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS tmbot_desk_notify()")
