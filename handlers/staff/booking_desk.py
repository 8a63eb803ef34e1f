"""Bookings at the desk: book for a caller or walk-in, move a booking with a reason (the user is
told on their channel), and a week view per expert. Every refusal is a bilingual message on the
page, never JSON; query values that do not parse fall back to defaults."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from bot.booking import desk
from bot.booking import staff as booking_staff
from bot.booking.format import topic_label
from bot.booking.service import BookingRefused
from bot.booking.slots import Slot, free_slots
from handlers.web.auth import ExpertUser, StaffUser, audit
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render, station_today
from storage.bookings import Booking, bookings_between, get_booking
from storage.errors import InvalidTransition, NotFound, SlotTaken
from storage.experts import Expert

__all__ = ("parse_day", "parse_expert", "router")

router = APIRouter(
    prefix="/staff/bookings", dependencies=[Depends(check_csrf)], include_in_schema=False
)
Text = Annotated[str, Form(max_length=2000)]
REFUSALS = {
    "limit": "此人已有太多未来预约 / This person already has the most upcoming bookings allowed",
    "unavailable": "这个时段不可预约（已过期或不在专家排班内）/ That slot cannot be booked",
    "too_late": "已过改约期限 / Too late to change",
    "inactive": "预约已不是有效状态，或专家已停用 / The booking is no longer active, or the "
    "expert is inactive",
}


def parse_day(value: str, default: dt.date) -> dt.date:
    """A yyyy-mm-dd query value, or `default` when empty or malformed."""
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else default
    except ValueError:
        return default


def parse_expert(value: str) -> int | None:
    """An expert id from a query value; '' (全部 all) or junk means every expert."""
    return int(value) if value.strip().isdigit() else None


def _tz(runtime: RuntimeDep) -> ZoneInfo:
    return ZoneInfo(runtime.settings.timezone)


def _experts(session: Session, user: ExpertUser) -> dict[int, Expert]:
    found = booking_staff.visible_experts(session=session, role=user.role, username=user.username)
    return {e.id: e for e in found if e.id is not None}


def _free(session: Session, runtime: RuntimeDep, expert: Expert) -> list[Slot]:
    settings = runtime.settings
    assert expert.id is not None
    return free_slots(
        session=session,
        expert_ids=[expert.id],
        now=runtime.conversation.clock.now(),
        tz=_tz(runtime),
        cutoff=dt.timedelta(hours=settings.booking_cutoff_hours),
        days_ahead=settings.booking_days_ahead,
    )[:200]


def _start(value: str) -> dt.datetime:
    try:
        start = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidTransition("请选择时段 / Choose a slot") from None
    if start.tzinfo is None:
        raise InvalidTransition("请选择时段 / Choose a slot")
    return start.astimezone(dt.UTC)


def _refused(exc: Exception) -> str:
    if isinstance(exc, BookingRefused):
        return REFUSALS.get(exc.reason, str(exc))
    if isinstance(exc, SlotTaken):
        return "这个时段刚被预约 / That slot was just taken: choose another"
    return str(exc)


@router.get("/new")
def new_form(
    request: Request,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    expert: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """The form for booking on behalf of a caller or walk-in."""
    return _new_page(request, session, runtime, user, parse_expert(expert), {})


def _new_page(
    request: Request,
    session: Session,
    runtime: RuntimeDep,
    user: StaffUser,
    expert_id: int | None,
    values: dict[str, str],
    error: str = "",
) -> Response:
    experts = {k: e for k, e in _experts(session, user).items() if e.active}
    chosen = experts.get(expert_id or 0) or next(iter(experts.values()), None)
    return render(
        request,
        "staff/booking_new.html",
        400 if error else 200,
        experts=experts,
        chosen=chosen,
        slots=_free(session, runtime, chosen) if chosen else [],
        topics=[(t, topic_label(t, "zh") + " " + topic_label(t, "en")) for t in chosen.specialties]
        if chosen
        else [],
        values=values,
        error=error,
        tz=_tz(runtime),
    )


@router.post("/new")
def create(
    request: Request,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    expert: Annotated[str, Form(max_length=12)] = "",
    slot: Annotated[str, Form(max_length=40)] = "",
    name: Text = "",
    phone: Text = "",
    company: Text = "",
    topic: Annotated[str, Form(max_length=40)] = "",
    question: Text = "",
) -> Response:
    """Book for the caller; on a refusal the form comes back filled in, with the reason."""
    values = {"name": name, "phone": phone, "company": company, "topic": topic, "slot": slot}
    values["question"] = question
    experts = _experts(session, user)
    chosen = experts.get(parse_expert(expert) or 0)
    try:
        if chosen is None:
            raise InvalidTransition("请选择专家 / Choose an expert")
        who = desk.WalkIn(name=name, phone=phone, company=company, topic=topic, question=question)
        booking = desk.book_for_caller(
            session=session,
            settings=runtime.settings,
            now=runtime.conversation.clock.now(),
            expert=chosen,
            start=_start(slot),
            who=who,
        )
    except (InvalidTransition, BookingRefused, SlotTaken) as exc:
        eid = chosen.id if chosen else None
        return _new_page(request, session, runtime, user, eid, values, _refused(exc))
    audit(session, user, "booking.desk_create", f"booking:{booking.code}", request=request)
    flash(request, f"已预约 {booking.code} / Booked {booking.code}")
    day = booking.slot_start.astimezone(_tz(runtime)).date()
    return RedirectResponse(f"/staff/bookings?day={day}", status_code=303)


def _booking(session: Session, user: StaffUser, code: str) -> tuple[Booking, Expert]:
    booking = get_booking(session=session, code=code)
    experts = _experts(session, user)
    if booking is None or booking.expert_id not in experts:
        raise NotFound(f"没有预约 {code} / no booking {code}")
    return booking, experts[booking.expert_id]


@router.get("/{code}/move")
def move_form(
    request: Request, code: str, user: StaffUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Choose the new slot and say why."""
    booking, expert = _booking(session, user, code)
    return _move_page(request, session, runtime, booking, expert, "", "")


def _move_page(
    request: Request,
    session: Session,
    runtime: RuntimeDep,
    booking: Booking,
    expert: Expert,
    reason: str,
    error: str,
) -> Response:
    return render(
        request,
        "staff/booking_move.html",
        400 if error else 200,
        b=booking,
        expert=expert,
        slots=_free(session, runtime, expert),
        reason=reason,
        error=error,
        tz=_tz(runtime),
    )


@router.post("/{code}/move")
def move(
    request: Request,
    code: str,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    slot: Annotated[str, Form(max_length=40)] = "",
    reason: Text = "",
) -> Response:
    """Move the booking; the user is told on their channel with the reason."""
    booking, expert = _booking(session, user, code)
    try:
        if not reason.strip():
            raise InvalidTransition("请填写改期原因 / Give a reason for the move")
        desk.staff_move(
            session=session,
            settings=runtime.settings,
            now=runtime.conversation.clock.now(),
            booking=booking,
            expert=expert,
            start=_start(slot),
            reason=reason,
        )
    except (InvalidTransition, BookingRefused, SlotTaken) as exc:
        return _move_page(request, session, runtime, booking, expert, reason, _refused(exc))
    audit(session, user, "booking.move", f"booking:{code}", {"reason": reason[:200]}, request)
    flash(request, f"已改期 {code}，已通知用户 / Moved; the user is told")
    day = booking.slot_start.astimezone(_tz(runtime)).date()
    return RedirectResponse(f"/staff/bookings?day={day}", status_code=303)


@router.get("/week")
def week(
    request: Request,
    user: ExpertUser,
    session: SessionDep,
    runtime: RuntimeDep,
    expert: Annotated[str, Query(max_length=12)] = "",
    day: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """Seven days of one expert's bookings, Monday first."""
    tz = _tz(runtime)
    first = parse_day(day, station_today(runtime))
    first -= dt.timedelta(days=first.weekday())
    experts = _experts(session, user)
    chosen = experts.get(parse_expert(expert) or 0) or next(iter(experts.values()), None)
    days = [first + dt.timedelta(days=i) for i in range(7)]
    columns: dict[dt.date, list[Booking]] = {d: [] for d in days}
    if chosen is not None:
        start, end = booking_staff.window(first, tz, 7)
        for b in bookings_between(session=session, start=start, end=end, expert_id=chosen.id):
            columns.setdefault(b.slot_start.astimezone(tz).date(), []).append(b)
    return render(
        request,
        "staff/booking_week.html",
        experts=experts,
        chosen=chosen,
        columns=columns,
        days=days,
        prev_week=first - dt.timedelta(days=7),
        next_week=first + dt.timedelta(days=7),
        tz=tz,
        now=runtime.conversation.clock.now(),
    )
