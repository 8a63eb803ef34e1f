"""Staff-only remarks on a ticket: internal notes, assignments, transfers and take-overs.

Nothing here is ever queued to the outbox: the user's channel never sees these rows.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utcnow

__all__ = ("TicketNote", "add_note", "notes_for")


class TicketNote(SQLModel, table=True):
    """One staff-only line on a ticket's timeline."""

    __tablename__ = "ticket_note"
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    author: str = Field(max_length=80)
    kind: str = Field(default="note", max_length=12)  # note | assign | takeover
    text: str = Field(default="", max_length=4000)
    created_at: dt.datetime = Field(default_factory=utcnow)


def add_note(
    *, session: Session, ticket_id: int, author: str, text: str, kind: str = "note"
) -> TicketNote:
    """Record a staff-only line (flushed, so its id is known)."""
    note = TicketNote(ticket_id=ticket_id, author=author, kind=kind, text=text)
    session.add(note)
    session.flush()
    return note


def notes_for(*, session: Session, ticket_id: int) -> list[TicketNote]:
    """The ticket's staff-only lines, oldest first."""
    query = select(TicketNote).where(TicketNote.ticket_id == ticket_id)
    return list(session.exec(query.order_by(col(TicketNote.id))))
