"""Retention: personal data kept no longer than the station's periods (PIPL art. 19).

One sweep per kind, each given its cut-off; 0 days = keep. What the dashboard counts stays:
question_log rows and closed tickets are anonymised, not deleted. `dry_run` counts only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, update
from sqlmodel import Session, col, select

from storage.bookings import Booking, BookingStatus
from storage.erasers import ERASED, REMOVED
from storage.models import ChatMessage, ConversationState, ProcessedDelivery, QuestionLog
from storage.outbox import OutboxMessage
from storage.ticket_files import TicketFile
from storage.tickets import Ticket, TicketStatus
from storage.wechat import WechatDelivery

__all__ = ("RetentionPeriods", "sweep_retention")


@dataclass(frozen=True)
class RetentionPeriods:
    """Days each kind of record is kept (0 = for ever)."""

    transcripts: int = 365  # chat_message lines and idle conversation state
    question_logs: int = 365  # question_log: the user and the words go, the figures stay
    deliveries: int = 30  # outbox rows sent or failed, de-duplication and WeChat delivery rows
    closed_tickets: int = 730  # closed tickets lose the user's id, words and contact
    cancelled_bookings: int = 365  # cancelled bookings lose the contact


_Sweep = Callable[[Session, dt.datetime, bool], int]


def _count(session: Session, model: type, *where: ColumnElement[bool]) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def _apply(
    session: Session, stmt: object, model: type, dry_run: bool, *where: ColumnElement[bool]
) -> int:
    if dry_run:
        return _count(session, model, *where)
    return int(getattr(session.exec(stmt), "rowcount", 0) or 0)  # type: ignore[call-overload]


def _transcripts(session: Session, cutoff: dt.datetime, dry_run: bool) -> int:
    old = (col(ChatMessage.created_at) < cutoff,)
    n = _apply(session, delete(ChatMessage).where(*old), ChatMessage, dry_run, *old)
    idle = (col(ConversationState.updated_at) < cutoff,)
    stmt = delete(ConversationState).where(*idle)
    return n + _apply(session, stmt, ConversationState, dry_run, *idle)


def _question_logs(session: Session, cutoff: dt.datetime, dry_run: bool) -> int:
    old = (col(QuestionLog.created_at) < cutoff, col(QuestionLog.user_ref) != ERASED)
    stmt = update(QuestionLog).where(*old).values(user_ref=ERASED, question="")
    return _apply(session, stmt, QuestionLog, dry_run, *old)


def _deliveries(session: Session, cutoff: dt.datetime, dry_run: bool) -> int:
    done = (
        col(OutboxMessage.status).in_(["sent", "failed", "cancelled"]),
        col(OutboxMessage.created_at) < cutoff,
    )
    n = _apply(session, delete(OutboxMessage).where(*done), OutboxMessage, dry_run, *done)
    seen = (col(ProcessedDelivery.created_at) < cutoff,)
    stmt = delete(ProcessedDelivery).where(*seen)
    n += _apply(session, stmt, ProcessedDelivery, dry_run, *seen)
    wechat = (col(WechatDelivery.updated_at) < cutoff,)
    return n + _apply(
        session, delete(WechatDelivery).where(*wechat), WechatDelivery, dry_run, *wechat
    )


def _closed_tickets(session: Session, cutoff: dt.datetime, dry_run: bool) -> int:
    old = (
        col(Ticket.status) == TicketStatus.CLOSED,
        col(Ticket.closed_at) < cutoff,
        col(Ticket.user_ref) != ERASED,
    )
    if not dry_run:  # the files the user sent to staff go with the ticket's personal fields
        numbers = select(Ticket.number).where(*old)
        session.exec(delete(TicketFile).where(col(TicketFile.ticket_number).in_(numbers)))  # type: ignore[call-overload]
    stmt = (
        update(Ticket)
        .where(*old)
        .values(
            user_ref=ERASED,
            chat_ref=None,
            user_name=None,
            question=REMOVED,
            company=None,
            contact=None,
            contact_kind=None,
            resolution_note=None,
        )
    )
    return _apply(session, stmt, Ticket, dry_run, *old)


def _cancelled_bookings(session: Session, cutoff: dt.datetime, dry_run: bool) -> int:
    old = (
        col(Booking.status) == BookingStatus.CANCELLED.value,
        col(Booking.updated_at) < cutoff,
        col(Booking.user_ref) != ERASED,
    )
    stmt = (
        update(Booking)
        .where(*old)
        .values(
            user_ref=ERASED,
            chat_ref=None,
            phone="",
            email=None,
            contact_name="",
            company="",
            question="",
        )
    )
    return _apply(session, stmt, Booking, dry_run, *old)


_SWEEPS: dict[str, _Sweep] = {
    "transcripts": _transcripts,
    "question_logs": _question_logs,
    "deliveries": _deliveries,
    "closed_tickets": _closed_tickets,
    "cancelled_bookings": _cancelled_bookings,
}


def sweep_retention(
    *, session: Session, periods: RetentionPeriods, now: dt.datetime, dry_run: bool = False
) -> dict[str, int]:
    """Apply every period once; rows removed or anonymised (or, dry, that would be) by kind."""
    done: dict[str, int] = {}
    for kind, sweep in _SWEEPS.items():
        days = getattr(periods, kind)
        done[kind] = sweep(session, now - dt.timedelta(days=days), dry_run) if days > 0 else 0
    return done
