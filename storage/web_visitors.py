"""Per-visitor marks of the web chat: what the visitor has seen, and where their view starts.

The transcript itself stays in `chat_message`; this row only holds two pointers into it, kept
apart from `conversation_state` so the page never writes the core's per-turn JSON.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from storage.models import ChatMessage, utcnow
from storage.raw_sql import execute

__all__ = ("WebVisitor", "clear_view", "get_visitor", "mark_seen", "mark_transcript_seen")


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


def mark_transcript_seen(*, session: Session, channel: str, user_ref: str) -> None:
    """The visitor has seen their whole transcript as it stands in this transaction (the turn
    that answered them): one statement, the mark never moves back."""
    params = {"b_channel": channel, "b_user_ref": user_ref, "b_now": utcnow()}
    execute(session, _statements, "seen", params)  # below the ORM: storage/raw_sql.py


@cache
def _statements(dialect: str) -> dict[str, Any]:
    return {"seen": _seen_upsert(dialect)}


def _seen_upsert(dialect: str) -> Any:
    # Built once per dialect: INSERT ... ON CONFLICT DO UPDATE with the last line's id read in
    # the statement, instead of a query, a read of the row and an ORM update.
    visitors: Table = WebVisitor.__table__  # type: ignore[attr-defined]
    lines: Table = ChatMessage.__table__  # type: ignore[attr-defined]
    last = (
        select(func.coalesce(func.max(lines.c.id), 0))
        .where(lines.c.channel == bindparam("b_channel"))
        .where(lines.c.user_ref == bindparam("b_user_ref"))
        .scalar_subquery()
    )
    now: Any = bindparam("b_now")
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    upsert = insert(visitors).values(
        user_ref=bindparam("b_user_ref"), seen_id=last, cleared_id=0, created_at=now, updated_at=now
    )
    return upsert.on_conflict_do_update(
        index_elements=[visitors.c.user_ref],
        set_={"seen_id": upsert.excluded.seen_id, "updated_at": upsert.excluded.updated_at},
        where=visitors.c.seen_id < upsert.excluded.seen_id,
    )


def clear_view(*, session: Session, user_ref: str, up_to: int) -> WebVisitor:
    """Start the visitor's view after line `up_to` (and count everything before as seen)."""
    row = _upsert(session, user_ref)
    row.cleared_id = max(row.cleared_id, up_to)
    row.seen_id = max(row.seen_id, up_to)
    row.updated_at = utcnow()
    session.add(row)
    return row
