"""Who works a ticket: assign or transfer with a note, take over a colleague's ticket, internal
notes. Every move is recorded as a staff-only line (storage.ticket_notes), never sent to the user.

A claimed ticket belongs to its owner: a colleague may reply or resolve only after taking it over.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.handoff.states import TicketAction, next_status
from storage.accounts import StaffAccount, get_account
from storage.errors import InvalidTransition
from storage.ticket_notes import TicketNote, add_note
from storage.tickets import ACTIVE, Ticket, TicketStatus

__all__ = ("NOTE_MAX", "assign", "check_owner", "internal_note", "take_over")

NOTE_MAX = 4000


def check_owner(ticket: Ticket, staff: str) -> None:
    """Refuse a reply or resolution by someone other than the ticket's owner."""
    if ticket.claimed_by and ticket.claimed_by != staff and ticket.status in ACTIVE:
        raise InvalidTransition(
            f"工单由 {ticket.claimed_by} 负责，请先接手 / {ticket.claimed_by} owns this ticket: "
            "take it over first"
        )


def _clean(text: str) -> str:
    body = text.strip()
    if len(body) > NOTE_MAX:
        raise InvalidTransition(
            f"备注最多 {NOTE_MAX} 字 / A note may have at most {NOTE_MAX} characters"
        )
    return body


def internal_note(*, session: Session, ticket: Ticket, staff: str, text: str) -> TicketNote:
    """A remark for colleagues only."""
    body = _clean(text)
    if not body:
        raise InvalidTransition("备注内容为空 / The note is empty")
    assert ticket.id is not None
    return add_note(session=session, ticket_id=ticket.id, author=staff, text=body)


def _set_owner(ticket: Ticket, owner: str, now: dt.datetime) -> None:
    if ticket.status not in ACTIVE:
        raise InvalidTransition("工单已结束 / The ticket is finished")
    if ticket.status == TicketStatus.OPEN:
        ticket.status = next_status(ticket.status, TicketAction.CLAIM)
    ticket.claimed_by, ticket.claimed_at, ticket.updated_at = owner, now, now


def assign(
    *, session: Session, ticket: Ticket, to: str, by: str, note: str, now: dt.datetime
) -> StaffAccount:
    """Give the ticket to the active staff or admin account `to` (assign or transfer)."""
    account = get_account(session=session, username=to.strip())
    if account is None or not account.active or account.role not in ("admin", "staff"):
        raise InvalidTransition(f"没有这个工作人员账号 / No staff account {to!r}")
    body = _clean(note)
    previous = ticket.claimed_by
    _set_owner(ticket, account.username, now)
    session.add(ticket)
    assert ticket.id is not None
    moved = f"{previous or '—'} → {account.username}" + (f": {body}" if body else "")
    add_note(session=session, ticket_id=ticket.id, author=by, kind="assign", text=moved)
    return account


def take_over(*, session: Session, ticket: Ticket, staff: str, note: str, now: dt.datetime) -> None:
    """Take a colleague's (or nobody's) active ticket; recorded with who had it."""
    body = _clean(note)
    previous = ticket.claimed_by
    _set_owner(ticket, staff, now)
    session.add(ticket)
    assert ticket.id is not None
    text = f"{previous or '—'} → {staff}" + (f": {body}" if body else "")
    add_note(session=session, ticket_id=ticket.id, author=staff, kind="takeover", text=text)
