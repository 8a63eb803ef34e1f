"""Handoff tickets: a user's request for station staff, its transcript range and its timeline.

The transcript is not copied: a ticket points at the user's `chat_message` rows from
`transcript_from_id` (the lines before escalation, the snapshot) up to `transcript_to_id`
(set when the ticket closes), so the user's later messages and staff replies are live appends.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, func, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import ChatMessage, utcnow
from storage.outbox import OutboxMessage

__all__ = (
    "ACTIVE",
    "CloseReason",
    "Ticket",
    "TicketCounter",
    "TicketStatus",
    "active_ticket",
    "claim_ticket",
    "close_unrated",
    "create_ticket",
    "get_ticket",
    "last_message_id",
    "list_tickets",
    "mark_sla_alerted",
    "message_bounds",
    "next_number",
    "rateable_ticket",
    "ticket_deliveries",
    "ticket_transcript",
    "tickets_to_alert",
    "tickets_to_close",
)


class TicketStatus(StrEnum):
    """Where a ticket is in its life (see bot/handoff/states.py for the allowed moves)."""

    OPEN = "open"  # waiting for a staff member to claim it
    CLAIMED = "claimed"  # a staff member owns it and owes the user a reply
    WAITING_USER = "waiting_user"  # staff replied; the user's turn
    RESOLVED = "resolved"  # staff finished; the user is asked to rate
    CLOSED = "closed"  # finished for good (rated, or closed by the user)


ACTIVE = (TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.WAITING_USER)
_ACTIVE_SQL = "status IN ('open', 'claimed', 'waiting_user')"


class TicketCounter(SQLModel, table=True):
    """The last ticket number handed out per year: numbers are allocated, never guessed."""

    __tablename__ = "ticket_counter"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class CloseReason(StrEnum):
    """Why a ticket is closed (NULL on tickets closed before the reason was recorded)."""

    USER = "user"  # the user said 结束 / done
    RATED = "rated"  # the user's rating closed the resolved ticket
    AUTO_UNRATED = "auto_unrated"  # resolved, never rated: closed by housekeeping after N days
    DUPLICATE = "duplicate"  # a second active ticket of one user (before 0006 forbade them)


class Ticket(SQLModel, table=True):
    """One escalation to station staff."""

    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("number"),
        Index("ix_ticket_user", "channel", "user_ref", "status"),
        # The database, not Python, keeps one active ticket per user: a double click or two
        # workers racing on one user's 转人工 meet here, and the loser gets the winner's ticket.
        Index(
            "uq_ticket_user_active",
            "channel",
            "user_ref",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_ticket_queue", "status", "first_response_due"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20)  # T-2026-000123, what people read and say
    channel: str = Field(max_length=20)
    user_ref: str = Field(max_length=128)
    chat_ref: str | None = Field(default=None, max_length=128)
    user_name: str | None = Field(default=None, max_length=120)  # name, @username, language
    lang: str = Field(default="zh", max_length=5)
    question: str = Field(max_length=2000)  # in the user's words
    reason: str = Field(max_length=20)  # asked | low_confidence | not_helpful | needs_staff
    category: str = Field(default="general", max_length=40)
    priority: str = Field(default="normal", max_length=10)  # normal | high
    company: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=120)  # only with the user's consent
    contact_kind: str | None = Field(default=None, max_length=10)  # phone | email
    contact_consent_at: dt.datetime | None = None
    status: str = Field(default=TicketStatus.OPEN, max_length=15)
    claimed_by: str | None = Field(default=None, max_length=80)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    first_response_due: dt.datetime
    claimed_at: dt.datetime | None = None
    first_response_at: dt.datetime | None = None
    last_user_message_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    resolution_note: str | None = Field(default=None, max_length=2000)
    rating: int | None = None
    rating_requested_at: dt.datetime | None = None
    # When staff were alerted that the first response is late; set once, by compare-and-set.
    sla_alerted_at: dt.datetime | None = None
    close_reason: str | None = Field(default=None, max_length=20)  # a CloseReason
    transcript_from_id: int = 0
    transcript_to_id: int | None = None

    def breached(self, now: dt.datetime) -> bool:
        """Whether the first response is late (or was late when it came)."""
        answered = self.first_response_at
        if answered is not None:
            return answered > self.first_response_due
        return self.status in ACTIVE and now > self.first_response_due


def next_number(*, session: Session, year: int) -> str:
    """Allocate the next number of `year` (T-YYYY-NNNNNN) in the caller's transaction.

    The counter row is locked until the transaction ends, so concurrent tickets queue for a
    number instead of colliding on one; a rolled-back ticket gives its number back.
    """
    bump = (
        update(TicketCounter)
        .where(col(TicketCounter.year) == year)
        .values(last=TicketCounter.last + 1)
        .returning(col(TicketCounter.last))
    )
    seq = session.execute(bump).scalar()
    if seq is None:
        # The year's first ticket: start after any number already used (older databases).
        prefix = f"T-{year}-"
        used = session.exec(
            select(func.max(Ticket.number)).where(col(Ticket.number).startswith(prefix))
        ).one()
        start = int(used.rsplit("-", 1)[1]) if used else 0
        dialect = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
        session.execute(
            dialect(TicketCounter).values(year=year, last=start).on_conflict_do_nothing()
        )
        seq = session.execute(bump).scalar()
    return f"T-{year}-{seq:06d}"


def create_ticket(*, session: Session, year: int, ticket: Ticket) -> tuple[Ticket, bool]:
    """Number and insert `ticket`; returns (ticket, True).

    When the user already has an active ticket (a double click, another worker's turn that
    committed first), nothing is inserted and (that ticket, False) comes back instead.
    """
    try:
        with session.begin_nested():
            ticket.number = next_number(session=session, year=year)
            session.add(ticket)
    except IntegrityError:
        existing = active_ticket(session=session, channel=ticket.channel, user_ref=ticket.user_ref)
        if existing is None:
            raise
        return existing, False
    return ticket, True


def get_ticket(*, session: Session, number: str) -> Ticket | None:
    """The ticket with this number (case and surrounding spaces ignored)."""
    query = select(Ticket).where(Ticket.number == number.strip().upper())
    return session.exec(query).first()


def active_ticket(*, session: Session, channel: str, user_ref: str) -> Ticket | None:
    """The user's ticket that staff are still working on, if any."""
    query = (
        select(Ticket)
        .where(
            Ticket.channel == channel,
            Ticket.user_ref == user_ref,
            col(Ticket.status).in_(list(ACTIVE)),
        )
        .order_by(col(Ticket.id).desc())
    )
    return session.exec(query).first()


def rateable_ticket(
    *, session: Session, channel: str, user_ref: str, since: dt.datetime
) -> Ticket | None:
    """The user's latest ticket whose rating was asked after `since` and not yet given."""
    query = (
        select(Ticket)
        .where(
            Ticket.channel == channel,
            Ticket.user_ref == user_ref,
            col(Ticket.rating).is_(None),
            col(Ticket.rating_requested_at) >= since,
        )
        .order_by(col(Ticket.rating_requested_at).desc())
    )
    return session.exec(query).first()


def claim_ticket(*, session: Session, ticket_id: int, staff: str, now: dt.datetime) -> bool:
    """Claim an open ticket for `staff`; of two concurrent claims exactly one returns True."""
    # Compare-and-set in one statement: the row lock makes the second UPDATE see 'claimed'.
    result = session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.status) == TicketStatus.OPEN)
        .values(status=TicketStatus.CLAIMED, claimed_by=staff, claimed_at=now, updated_at=now)
    )
    won = bool(result.rowcount == 1)
    if won:
        ticket = session.get(Ticket, ticket_id)
        if ticket is not None:
            session.refresh(ticket)
    return won


def tickets_to_alert(*, session: Session, now: dt.datetime, limit: int = 100) -> list[Ticket]:
    """Active tickets past their first-response due time, unanswered and not yet alerted."""
    query = (
        select(Ticket)
        .where(
            col(Ticket.status).in_(list(ACTIVE)),
            col(Ticket.first_response_at).is_(None),
            col(Ticket.sla_alerted_at).is_(None),
            col(Ticket.first_response_due) < now,
        )
        .order_by(col(Ticket.first_response_due), col(Ticket.id))
        .limit(limit)
    )
    return list(session.exec(query))


def mark_sla_alerted(*, session: Session, ticket_id: int, now: dt.datetime) -> bool:
    """Record the SLA alert of a late, unanswered active ticket; of two concurrent sweeps
    exactly one returns True."""
    # Compare-and-set like claim_ticket: a staff reply or another sweep committed first wins.
    result = session.exec(
        update(Ticket)
        .where(
            col(Ticket.id) == ticket_id,
            col(Ticket.sla_alerted_at).is_(None),
            col(Ticket.first_response_at).is_(None),
            col(Ticket.status).in_(list(ACTIVE)),
            col(Ticket.first_response_due) < now,
        )
        .values(sla_alerted_at=now)
    )
    return bool(result.rowcount == 1)


def tickets_to_close(
    *, session: Session, resolved_before: dt.datetime, limit: int = 100
) -> list[Ticket]:
    """Resolved tickets never rated whose resolution is older than `resolved_before`."""
    query = (
        select(Ticket)
        .where(
            Ticket.status == TicketStatus.RESOLVED,
            col(Ticket.rating).is_(None),
            col(Ticket.resolved_at) <= resolved_before,
        )
        .order_by(col(Ticket.resolved_at), col(Ticket.id))
        .limit(limit)
    )
    return list(session.exec(query))


def close_unrated(
    *, session: Session, ticket_id: int, to_status: str, now: dt.datetime, reason: str
) -> bool:
    """Move a resolved, unrated ticket to `to_status`; False when it changed meanwhile."""
    # The state machine (bot/handoff/states.py) picks `to_status`; the WHERE makes a rating or a
    # re-open that committed first win over housekeeping.
    result = session.exec(
        update(Ticket)
        .where(
            col(Ticket.id) == ticket_id,
            col(Ticket.status) == TicketStatus.RESOLVED,
            col(Ticket.rating).is_(None),
        )
        .values(status=to_status, closed_at=now, close_reason=reason, updated_at=now)
    )
    return bool(result.rowcount == 1)


def list_tickets(
    *,
    session: Session,
    status: str | None = None,
    channel: str | None = None,
    breached_at: dt.datetime | None = None,
    limit: int = 200,
) -> list[Ticket]:
    """Tickets, newest first; `status='active'` means open, claimed or waiting for the user.

    `breached_at`: only active tickets with no first response whose due time is before it.
    """
    query = select(Ticket)
    if status == "active":
        query = query.where(col(Ticket.status).in_(list(ACTIVE)))
    elif status:
        query = query.where(Ticket.status == status)
    if channel:
        query = query.where(Ticket.channel == channel)
    if breached_at is not None:
        query = query.where(
            col(Ticket.status).in_(list(ACTIVE)),
            col(Ticket.first_response_at).is_(None),
            col(Ticket.first_response_due) < breached_at,
        )
    query = query.order_by(col(Ticket.id).desc()).limit(limit)
    return list(session.exec(query))


def message_bounds(
    *,
    session: Session,
    channel: str,
    user_ref: str,
    lines: int = 20,
    since: dt.datetime | None = None,
) -> tuple[int, int]:
    """(first, last) id of a user's last `lines` transcript lines (0, 0 when none).

    Lines before `since` and lines that belong to the user's previous ticket are left out.
    """
    session.flush()  # the message being handled belongs to the snapshot
    query = select(ChatMessage.id).where(
        ChatMessage.channel == channel, ChatMessage.user_ref == user_ref
    )
    if since is not None:
        query = query.where(col(ChatMessage.created_at) >= since)
    previous = session.exec(
        select(func.max(Ticket.transcript_to_id)).where(
            Ticket.channel == channel, Ticket.user_ref == user_ref
        )
    ).one()
    if previous:
        query = query.where(col(ChatMessage.id) > previous)
    query = query.order_by(col(ChatMessage.id).desc()).limit(lines)
    ids = [i for i in session.exec(query) if i is not None]
    return (min(ids), max(ids)) if ids else (0, 0)


def last_message_id(*, session: Session, channel: str, user_ref: str) -> int:
    """The id of the user's latest transcript line (0 when none)."""
    session.flush()
    query = select(func.max(ChatMessage.id)).where(
        ChatMessage.channel == channel, ChatMessage.user_ref == user_ref
    )
    return int(session.exec(query).one() or 0)


def ticket_transcript(*, session: Session, ticket: Ticket) -> list[ChatMessage]:
    """The lines before escalation plus everything said while the ticket was active."""
    query = select(ChatMessage).where(
        ChatMessage.channel == ticket.channel,
        ChatMessage.user_ref == ticket.user_ref,
        col(ChatMessage.id) >= ticket.transcript_from_id,
    )
    if ticket.transcript_to_id is not None:
        query = query.where(col(ChatMessage.id) <= ticket.transcript_to_id)
    return list(session.exec(query.order_by(col(ChatMessage.id))))


def ticket_deliveries(*, session: Session, number: str) -> list[OutboxMessage]:
    """Every notification and relayed reply queued for this ticket, with its delivery status."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.ref_kind == "ticket", OutboxMessage.ref_id == number)
        .order_by(col(OutboxMessage.id))
    )
    return list(session.exec(query))
