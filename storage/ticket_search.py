"""The staff queue's search and views: ticket number, company, phone or any transcript text,
and the "mine / unassigned / breached" views on top of the status and channel filters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, or_
from sqlmodel import Session, col, select

from storage.bookings import Booking
from storage.models import ChatMessage
from storage.tickets import ACTIVE, Ticket, TicketStatus

__all__ = ("VIEWS", "search_tickets", "user_history")

VIEWS = ("all", "mine", "unassigned", "breached")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_tickets(
    *,
    session: Session,
    q: str = "",
    view: str = "all",
    staff: str = "",
    status: str | None = None,
    channel: str | None = None,
    now: dt.datetime | None = None,
    limit: int = 200,
) -> list[Ticket]:
    """Tickets newest first matching `q` (number, company, contact, question, transcript) in
    `view` ('mine' = claimed by `staff`, 'unassigned' = nobody claimed it, 'breached' = active
    and unanswered past the due time at `now`)."""
    query = select(Ticket)
    if status == "active":
        query = query.where(col(Ticket.status).in_(list(ACTIVE)))
    elif status:
        query = query.where(Ticket.status == status)
    if channel:
        query = query.where(Ticket.channel == channel)
    if view == "mine":
        query = query.where(Ticket.claimed_by == staff)
    elif view == "unassigned":
        query = query.where(col(Ticket.claimed_by).is_(None), Ticket.status == TicketStatus.OPEN)
    elif view == "breached" and now is not None:
        query = query.where(
            col(Ticket.status).in_(list(ACTIVE)),
            col(Ticket.first_response_at).is_(None),
            col(Ticket.first_response_due) < now,
        )
    words = q.strip()
    if words:
        pattern = _like(words)
        digits = "".join(c for c in words if c.isdigit())
        said = exists().where(
            col(ChatMessage.channel) == col(Ticket.channel),
            col(ChatMessage.user_ref) == col(Ticket.user_ref),
            col(ChatMessage.id) >= Ticket.transcript_from_id,
            col(ChatMessage.text).ilike(pattern, escape="\\"),
        )
        matches = [
            col(Ticket.number).ilike(pattern, escape="\\"),
            col(Ticket.company).ilike(pattern, escape="\\"),
            col(Ticket.contact).ilike(pattern, escape="\\"),
            col(Ticket.question).ilike(pattern, escape="\\"),
            said,
        ]
        if len(digits) >= 4 and digits != words:  # "138 0013 8000" finds 13800138000
            matches.append(col(Ticket.contact).ilike(_like(digits), escape="\\"))
        query = query.where(or_(*matches))
    return list(session.exec(query.order_by(col(Ticket.id).desc()).limit(limit)))


def user_history(
    *, session: Session, ticket: Ticket, limit: int = 20
) -> tuple[list[Ticket], list[Booking]]:
    """The same user's other tickets and their bookings (same channel and user), newest first."""
    others = session.exec(
        select(Ticket)
        .where(
            Ticket.channel == ticket.channel,
            Ticket.user_ref == ticket.user_ref,
            col(Ticket.id) != ticket.id,
        )
        .order_by(col(Ticket.id).desc())
        .limit(limit)
    )
    bookings = session.exec(
        select(Booking)
        .where(Booking.channel == ticket.channel, Booking.user_ref == ticket.user_ref)
        .order_by(col(Booking.slot_start).desc())
        .limit(limit)
    )
    return list(others), list(bookings)
