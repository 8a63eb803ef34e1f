"""Per-visitor marks of the web chat: what the visitor has seen, and where their view starts.

The transcript itself stays in `chat_message`; this row only holds two pointers into it, kept
apart from `conversation_state` so the page never writes the core's per-turn JSON.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from storage.models import utcnow

__all__ = ("WebVisitor", "clear_view", "get_visitor", "mark_seen")


class WebVisitor(SQLModel, table=True):
    """One web chat visitor (the id from their signed cookie)."""

    __tablename__ = "web_visitor"
    user_ref: str = Field(primary_key=True, max_length=64)
    # Transcript ids: everything up to seen_id was shown to the visitor; the page shows only
    # lines after cleared_id ("new conversation" hides the older ones, tickets keep them).
    seen_id: int = 0
    cleared_id: int = 0
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


def get_visitor(*, session: Session, user_ref: str) -> WebVisitor:
    """The visitor's row; a visitor without one has seen nothing and cleared nothing."""
    return session.get(WebVisitor, user_ref) or WebVisitor(user_ref=user_ref)


def _upsert(session: Session, user_ref: str) -> WebVisitor:
    row = session.get(WebVisitor, user_ref)
    if row is not None:
        return row
    row = WebVisitor(user_ref=user_ref)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another tab of the same visitor created it first.
        found = session.get(WebVisitor, user_ref)
        assert found is not None
        return found
    return row


def mark_seen(*, session: Session, user_ref: str, up_to: int) -> int:
    """The visitor has seen every line up to `up_to`; the mark never moves back."""
    row = _upsert(session, user_ref)
    if up_to > row.seen_id:
        row.seen_id, row.updated_at = up_to, utcnow()
        session.add(row)
    return row.seen_id


def clear_view(*, session: Session, user_ref: str, up_to: int) -> WebVisitor:
    """Start the visitor's view after line `up_to` (and count everything before as seen)."""
    row = _upsert(session, user_ref)
    row.cleared_id = max(row.cleared_id, up_to)
    row.seen_id = max(row.seen_id, up_to)
    row.updated_at = utcnow()
    session.add(row)
    return row
