"""What happens when a staff reply's delivery state changes: the outbox worker's observer.

- A part of a staff reply went out: the ticket's first response is recorded now (the first
  *delivered* reply, not the first queued one).
- The whole reply went out: the staff chats are told "delivered", naming the ticket and user.
- A part waits for the user (WeChat window closed) or failed: staff are told at once, with the
  reason, rather than finding it on the ticket page later.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from bot.core.settings import Settings
from bot.delivery.forecast import WAITS_FOR_USER
from bot.delivery.messages import STATE_LABELS
from bot.delivery.worker import DeliveryObserver
from bot.handoff.helpdesk import notify_staff, user_label
from storage.outbox import OutboxMessage
from storage.tickets import get_ticket

__all__ = ("observer_for", "on_delivery")


def _is_staff_reply(row: OutboxMessage) -> bool:
    sender = str(row.payload.get("sender") or "")
    return row.ref_kind == "ticket" and bool(row.message_key) and sender.startswith("staff:")


def _siblings(session: Session, row: OutboxMessage) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(col(OutboxMessage.message_key) == row.message_key)
    return list(session.exec(query))


def _what(rows: list[OutboxMessage]) -> str:
    # Which message went: its first line, so two deliveries in a row are told apart.
    first = min(rows, key=lambda r: r.part)
    line = str(first.payload.get("text") or "").strip().split("\n", 1)[0]
    return line if len(line) <= 60 else line[:59] + "…"


def on_delivery(session: Session, settings: Settings, row: OutboxMessage, now: dt.datetime) -> None:
    """Record the first response and tell staff about a staff reply's new delivery state."""
    if not _is_staff_reply(row):
        return
    ticket = get_ticket(session=session, number=str(row.ref_id))
    if ticket is None:
        return
    who = f"{ticket.number} · {user_label(ticket)} ({ticket.channel})"
    if row.status == "sent":
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            session.add(ticket)
        if row.part != row.parts - 1:
            return
        rows = _siblings(session, row)
        if not all(r.status == "sent" or r.id == row.id for r in rows):
            return
        state = "notice" if any(r.sent_via == "notice" for r in rows) else "sent"
        zh, en = STATE_LABELS[state]
        body = f"✅ {zh} / {en}: {who}\n{_what(rows)}"
        event = "delivered"
    elif row.status == "waiting":
        body = f"⏳ {who}\n{WAITS_FOR_USER[0]}\n{WAITS_FOR_USER[1]}\n({row.last_error})"
        event = "waiting"
    elif row.status == "failed":
        if any(r.status == "failed" and r.id != row.id for r in _siblings(session, row)):
            return  # told already for an earlier part
        zh, en = STATE_LABELS["failed"]
        body = f"❌ {zh} / {en}: {who}\n{row.last_error}"
        event = "failed"
    else:
        return
    notify_staff(
        session=session, settings=settings, ticket=ticket, event=event, body=body, not_before=now
    )


def observer_for(settings: Settings) -> DeliveryObserver:
    """The observer the server's outbox worker runs after each delivery attempt."""

    def observe(session: Session, row: OutboxMessage, now: dt.datetime) -> None:
        on_delivery(session, settings, row, now)

    return observe
