"""Staff bookings pages: per day and per expert, attended / no-show, the expert's note, cancel,
CSV export, failed reminders, and the notes proposed as FAQ entries.

Staff and admins see every booking; an expert account sees only its own (Expert.account).
Routes translate HTTP to bot.booking.staff calls; a refused change becomes a flash message.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from bot.booking import staff as booking_staff
from bot.booking.format import topic_label
from handlers.staff.booking_desk import parse_day, parse_expert
from handlers.web.auth import ExpertUser, StaffUser, audit
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render, station_today
from storage.accounts import StaffAccount
from storage.bookings import Booking, bookings_between, faq_candidates, get_booking, notices_for
from storage.errors import InvalidTransition, NotFound
from storage.experts import Expert

__all__ = ("router",)

router = APIRouter(
    prefix="/staff/bookings", dependencies=[Depends(check_csrf)], include_in_schema=False
)
STATUSES = ("all", "active", "attended", "no_show", "cancelled")


def _tz(runtime: RuntimeDep) -> ZoneInfo:
    return ZoneInfo(runtime.settings.timezone)


def _experts(session: SessionDep, user: StaffAccount) -> dict[int, Expert]:
    experts = booking_staff.visible_experts(session=session, role=user.role, username=user.username)
    return {e.id: e for e in experts if e.id is not None}


def _rows(
    session: SessionDep,
    runtime: RuntimeDep,
    user: StaffAccount,
    day: dt.date,
    days: int,
    expert: int | None,
    status: str,
) -> tuple[list[Booking], dict[int, Expert]]:
    experts = _experts(session, user)
    start, end = booking_staff.window(day, _tz(runtime), days)
    rows = bookings_between(
        session=session,
        start=start,
        end=end,
        expert_id=expert,
        statuses=None if status == "all" else [status],
    )
    return [b for b in rows if b.expert_id in experts], experts


def _booking(session: SessionDep, user: StaffAccount, code: str) -> tuple[Booking, Expert]:
    booking = get_booking(session=session, code=code)
    experts = _experts(session, user)
    if booking is None or booking.expert_id not in experts:
        raise NotFound(f"no booking {code}")
    return booking, experts[booking.expert_id]


def _back(request: Request, booking: Booking, runtime: RuntimeDep) -> RedirectResponse:
    # Back to the page the form was on (only its path and query: never another site).
    ref = urlsplit(request.headers.get("referer", ""))
    target = ref.path + (f"?{ref.query}" if ref.query else "")
    if ref.path != "/staff/bookings":
        day = booking.slot_start.astimezone(_tz(runtime)).date()
        target = f"/staff/bookings?day={day.isoformat()}"
    return RedirectResponse(target, status_code=303)


@router.get("")
def bookings_page(
    request: Request,
    user: ExpertUser,
    session: SessionDep,
    runtime: RuntimeDep,
    day: Annotated[str, Query(max_length=12)] = "",
    days: Annotated[str, Query(max_length=4)] = "1",
    expert: Annotated[str, Query(max_length=12)] = "",
    status: Annotated[str, Query(max_length=12)] = "all",
) -> Response:
    """Bookings of one day (or `days` days), optionally of one expert, with reminder status.

    The filter form's values are read leniently: "全部 all" sends `expert=` and must work."""
    return _page(request, user, session, runtime, day, days, expert, status)


def _page(
    request: Request,
    user: StaffAccount,
    session: SessionDep,
    runtime: RuntimeDep,
    day_text: str,
    days_text: str,
    expert_text: str,
    status: str,
) -> Response:
    day = parse_day(day_text, station_today(runtime))
    days = int(days_text) if days_text.isdigit() and 1 <= int(days_text) <= 31 else 1
    expert = parse_expert(expert_text)
    status = status if status in STATUSES else "all"
    rows, experts = _rows(session, runtime, user, day, days, expert, status)
    notices = notices_for(session=session, codes=[b.code for b in rows])
    failed = sum(1 for b in rows for n in notices[b.code] if n.status == "failed")
    return render(
        request,
        "staff/bookings.html",
        rows=rows,
        experts=experts,
        notices=notices,
        failed=failed,
        day=day,
        days=days,
        expert=expert,
        status=status,
        statuses=STATUSES,
        tz=_tz(runtime),
        now=runtime.conversation.clock.now(),
        topic=lambda t: topic_label(t, "zh"),
        prev_day=day - dt.timedelta(days=days),
        next_day=day + dt.timedelta(days=days),
    )


@router.get("/export.csv")
def export_csv(
    user: ExpertUser,
    session: SessionDep,
    runtime: RuntimeDep,
    day_text: Annotated[str, Query(alias="day", max_length=12)] = "",
    days_text: Annotated[str, Query(alias="days", max_length=4)] = "31",
    expert_text: Annotated[str, Query(alias="expert", max_length=12)] = "",
    status: Annotated[str, Query(max_length=12)] = "all",
) -> Response:
    """The same bookings as a CSV file (default: 31 days from the chosen day)."""
    day = parse_day(day_text, station_today(runtime))
    days = int(days_text) if days_text.isdigit() and 1 <= int(days_text) <= 366 else 31
    expert = parse_expert(expert_text)
    status = status if status in STATUSES else "all"
    rows, experts = _rows(session, runtime, user, day, days, expert, status)
    name = f"bookings-{day.isoformat()}-{days}d.csv"
    return Response(
        booking_staff.csv_bytes(rows, experts, _tz(runtime)),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/{code}/mark")
def mark(
    request: Request,
    code: str,
    user: ExpertUser,
    session: SessionDep,
    runtime: RuntimeDep,
    status: Annotated[str, Form(pattern="^(attended|no_show)$")],
) -> Response:
    """Mark the booking attended or no-show."""
    booking, _ = _booking(session, user, code)
    try:
        booking_staff.mark(
            session=session, booking=booking, status=status, now=runtime.conversation.clock.now()
        )
    except InvalidTransition as exc:
        flash(request, f"无法标记 / Cannot mark: {exc}", "error")
    else:
        audit(session, user, f"booking.{status}", f"booking:{code}", request=request)
        flash(request, f"{code}: {status}")
    return _back(request, booking, runtime)


@router.post("/{code}/note")
def note(
    request: Request,
    code: str,
    user: ExpertUser,
    session: SessionDep,
    runtime: RuntimeDep,
    text: Annotated[str, Form(max_length=2000)] = "",
    faq_candidate: Annotated[bool, Form()] = False,
) -> Response:
    """Save the expert's note; ticked, it is proposed to the admin as a FAQ entry."""
    booking, _ = _booking(session, user, code)
    booking_staff.save_note(
        session=session, booking=booking, note=text, faq_candidate=faq_candidate
    )
    audit(session, user, "booking.note", f"booking:{code}", {"faq": faq_candidate}, request)
    flash(request, f"已保存备注 {code} / Note saved")
    return _back(request, booking, runtime)


@router.post("/{code}/cancel")
def cancel(
    request: Request,
    code: str,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Cancel on the station's side; the user (with the reason), the expert and staff are told."""
    booking, expert = _booking(session, user, code)
    try:
        booking_staff.staff_cancel(
            session=session,
            settings=runtime.settings,
            now=runtime.conversation.clock.now(),
            booking=booking,
            expert=expert,
            reason=reason[:200],
        )
    except InvalidTransition as exc:
        flash(request, f"无法取消 / Cannot cancel: {exc}", "error")
    else:
        detail = {"reason": reason[:200]}
        audit(session, user, "booking.cancel", f"booking:{code}", detail, request)
        flash(request, f"已取消 {code}，已通知用户 / Cancelled; the user is told")
    return _back(request, booking, runtime)


@router.get("/faq-candidates")
def candidates(
    request: Request, user: StaffUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Expert notes proposed as FAQ entries, for the admin to write up."""
    rows = faq_candidates(session=session)
    return render(
        request,
        "staff/booking_candidates.html",
        rows=rows,
        experts=_experts(session, user),
        tz=_tz(runtime),
        topic=lambda t: topic_label(t, "zh"),
    )
