"""merge the feature branches into one line; every later migration builds on this one

Revision ID: 0005_merge
Revises: 0003_core_log_user, 0003_telegram, 0003_wechat, 0004_bookings_account,
         0004_faq_admin, 0004_tickets_sla
Create Date: 2026-12-04 21:00:00.000000
"""

from collections.abc import Sequence

revision: str = "0005_merge"
down_revision: str | Sequence[str] | None = (
    "0003_core_log_user",
    "0003_telegram",
    "0003_wechat",
    "0004_bookings_account",
    "0004_faq_admin",
    "0004_tickets_sla",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the merge only joins the branches."""


def downgrade() -> None:
    """Nothing to undo."""
