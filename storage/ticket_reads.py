"""What each staff member has read of each ticket: the unread counts of the queue and title."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import ChatMessage
from storage.tickets import Ticket

__all__ = ("TicketRead", "mark_read", "unread_counts")


class TicketRead(SQLModel, table=True):
    """The last transcript line a staff member saw on a ticket's page."""

    __tablename__ = "ticket_read"
    staff: str = Field(primary_key=True, max_length=80)
    ticket_id: int = Field(primary_key=True, foreign_key="ticket.id")
    last_message_id: int = 0


def mark_read(*, session: Session, staff: str, ticket: Ticket, message_id: int) -> None:
    """Remember that `staff` has seen the ticket up to `message_id` (never moves back)."""
    assert ticket.id is not None
    row = session.get(TicketRead, (staff, ticket.id))
    if row is None:
        session.add(TicketRead(staff=staff, ticket_id=ticket.id, last_message_id=message_id))
    elif message_id > row.last_message_id:
        row.last_message_id = message_id
        session.add(row)


def unread_counts(*, session: Session, staff: str, tickets: list[Ticket]) -> dict[int, int]:
    """ticket id -> the user's lines on it that `staff` has not seen (tickets with 0 left out)."""
    ids = [t.id for t in tickets if t.id is not None]
    if not ids:
        return {}
    seen = dict(
        session.exec(
            select(TicketRead.ticket_id, TicketRead.last_message_id).where(
                TicketRead.staff == staff, col(TicketRead.ticket_id).in_(ids)
            )
        ).all()
    )
    counts: dict[int, int] = {}
    for t in tickets:
        if t.id is None:
            continue
        after = max(seen.get(t.id, 0), t.transcript_from_id - 1)
        query = select(func.count()).where(
            ChatMessage.channel == t.channel,
            ChatMessage.user_ref == t.user_ref,
            ChatMessage.direction == "in",
            col(ChatMessage.id) > after,
        )
        if t.transcript_to_id is not None:
            query = query.where(col(ChatMessage.id) <= t.transcript_to_id)
        n = int(session.exec(query).one())
        if n:
            counts[t.id] = n
    return counts
