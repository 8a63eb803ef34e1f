"""Erasure of a user's personal data by staff, on a formal request (phone, letter, counter):
find the user by channel id, ticket number or booking code, see what is held, erase it.
Audited without personal fields: the audit row names the user by a one-way digest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, select

from bot.privacy.service import user_digest
from handlers.web.auth import StaffUser, audit, require_staff
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render
from storage.bookings import get_booking
from storage.erasers import erase_subject, summary
from storage.tickets import Ticket

__all__ = ("find_user", "router")

router = APIRouter(
    prefix="/staff/privacy",
    dependencies=[Depends(require_staff), Depends(check_csrf)],
    include_in_schema=False,
)


def find_user(session: Session, query: str) -> tuple[str, str] | None:
    """(channel, user_ref) from 'CHANNEL:ID', a ticket number or a booking code."""
    query = query.strip()
    if query.upper().startswith("T-"):
        ticket = session.exec(select(Ticket).where(Ticket.number == query.upper())).first()
        return (ticket.channel, ticket.user_ref) if ticket else None
    if query.upper().startswith("B-"):
        booking = get_booking(session=session, code=query)
        return (booking.channel, booking.user_ref) if booking else None
    channel, sep, user_ref = query.partition(":")
    return (channel, user_ref) if sep and channel and user_ref else None


@router.get("")
def privacy_console(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Look a user up and show the counts of what is held."""
    found = find_user(session, q) if q else None
    if q and (found is None or found[1] == "erased"):
        flash(request, "未找到该用户 / No such user (use CHANNEL:ID, T-… or B-…)", "warn")
        found = None
    counts = summary(session=session, channel=found[0], user_ref=found[1]) if found else None
    return render(request, "staff/privacy.html", q=q, found=found, counts=counts)


@router.post("/erase")
def erase(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: StaffUser,
    channel: Annotated[str, Form(min_length=1, max_length=20)],
    user_ref: Annotated[str, Form(min_length=1, max_length=128)],
    confirm: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Erase the user's data (the same erasure as the user's own "删除我的数据")."""
    if confirm.strip().upper() != "ERASE":
        flash(request, "请输入 ERASE 确认 / Type ERASE to confirm", "error")
        return RedirectResponse(f"/staff/privacy?q={channel}:{user_ref}", status_code=303)
    now = runtime.conversation.clock.now()
    done = erase_subject(session=session, channel=channel, user_ref=user_ref, now=now)
    digest = user_digest(channel, user_ref)
    audit(session, user, "privacy.erase", f"user:{channel}:{digest}", {"rows": done}, request)
    total = sum(done.values())
    flash(request, f"已删除或匿名化 {total} 行 / {total} rows erased or anonymised ({digest})")
    return RedirectResponse("/staff/privacy", status_code=303)
