"""What each staff member has read of each ticket: the unread counts of the queue and title."""

from __future__ import annotations

from sqlalchemy import and_, func, or_
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
    # One grouped query for every ticket (a query per ticket took ~0.85 s for 1,800 tickets).
    query = (
        select(Ticket.id, func.count(col(ChatMessage.id)))
        .join(
            ChatMessage,
            and_(
                col(ChatMessage.channel) == col(Ticket.channel),
                col(ChatMessage.user_ref) == col(Ticket.user_ref),
                col(ChatMessage.direction) == "in",
                col(ChatMessage.id) >= Ticket.transcript_from_id,
                or_(
                    col(Ticket.transcript_to_id).is_(None),
                    col(ChatMessage.id) <= Ticket.transcript_to_id,
                ),
            ),
        )
        .outerjoin(
            TicketRead,
            and_(col(TicketRead.ticket_id) == col(Ticket.id), col(TicketRead.staff) == staff),
        )
        .where(
            col(Ticket.id).in_(ids),
            col(ChatMessage.id) > func.coalesce(TicketRead.last_message_id, 0),
        )
        .group_by(col(Ticket.id))
    )
    return {int(tid): int(n) for tid, n in session.exec(query).all() if tid is not None and n}
