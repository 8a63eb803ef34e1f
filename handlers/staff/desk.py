"""Ticket desk actions beyond the basic claim/reply/resolve: internal notes, assign or transfer
with a note, and take over a colleague's ticket. Each is a form post that comes back to the
ticket page with a bilingual flash; nothing here reaches the user's channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from bot.handoff import assign as desk
from handlers.web.auth import StaffUser, audit
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash
from storage.errors import InvalidTransition, NotFound
from storage.tickets import Ticket, get_ticket

__all__ = ("router",)

router = APIRouter(
    prefix="/staff/tickets", dependencies=[Depends(check_csrf)], include_in_schema=False
)
NoteField = Annotated[str, Form(max_length=20_000)]  # the limit itself is checked with a message


def _ticket(session: SessionDep, number: str) -> Ticket:
    ticket = get_ticket(session=session, number=number)
    if ticket is None:
        raise NotFound(f"没有工单 {number} / no ticket {number}")
    return ticket


def _done(request: Request, number: str, action: Callable[[], object], ok: str) -> Response:
    try:
        action()
    except InvalidTransition as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, ok)
    return RedirectResponse(f"/staff/tickets/{number}", status_code=303)


@router.post("/{number}/note")
def note(
    request: Request, number: str, user: StaffUser, session: SessionDep, text: NoteField = ""
) -> Response:
    """Add an internal note (colleagues only)."""
    ticket = _ticket(session, number)

    def act() -> None:
        desk.internal_note(session=session, ticket=ticket, staff=user.username, text=text)
        audit(session, user, "ticket.note", f"ticket:{number}", request=request)

    return _done(request, number, act, "内部备注已保存 / Internal note saved")


@router.post("/{number}/assign")
def assign(
    request: Request,
    number: str,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    to: Annotated[str, Form(max_length=64)] = "",
    text: NoteField = "",
) -> Response:
    """Assign (or transfer) the ticket to a colleague, with a note for them."""
    ticket = _ticket(session, number)

    def act() -> None:
        now = runtime.conversation.clock.now()
        desk.assign(session=session, ticket=ticket, to=to, by=user.username, note=text, now=now)
        audit(session, user, "ticket.assign", f"ticket:{number}", {"to": to}, request)

    return _done(request, number, act, f"已转给 {to} / Assigned to {to}")


@router.post("/{number}/takeover")
def takeover(
    request: Request,
    number: str,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    text: NoteField = "",
) -> Response:
    """Take the ticket over from its owner (recorded with the previous owner)."""
    ticket = _ticket(session, number)

    def act() -> None:
        now = runtime.conversation.clock.now()
        desk.take_over(session=session, ticket=ticket, staff=user.username, note=text, now=now)
        audit(session, user, "ticket.takeover", f"ticket:{number}", request=request)

    return _done(request, number, act, "已接手 / Taken over")
