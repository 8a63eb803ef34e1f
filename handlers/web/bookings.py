"""The booking's calendar file, served under an unguessable signed link (no login needed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from bot.booking.ics import render_ics, token_ok
from handlers.web.deps import SessionDep, SettingsDep
from storage.bookings import get_booking
from storage.errors import NotFound
from storage.experts import Expert

__all__ = ("router",)

router = APIRouter(include_in_schema=False)


@router.get("/bookings/{code}.ics")
def booking_ics(
    session: SessionDep,
    settings: SettingsDep,
    code: Annotated[str, Path(pattern=r"^B-[2-9A-HJ-NP-Z]{5}$")],
    token: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The .ics file of booking `code`; a wrong token is answered like an unknown code."""
    booking = get_booking(session=session, code=code) if token_ok(settings, code, token) else None
    expert = session.get(Expert, booking.expert_id) if booking else None
    if booking is None or expert is None:
        raise NotFound("no such calendar file")
    return Response(
        render_ics(settings, booking, expert),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="booking-{code}.ics"',
            "Cache-Control": "private, no-store",
            "Referrer-Policy": "no-referrer",
        },
    )
