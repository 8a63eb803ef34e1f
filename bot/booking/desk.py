"""Bookings staff make or change at the desk: a booking for a caller or walk-in, and a move to
another slot with a reason that the user hears on their own channel (through the outbox)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.booking import service
from bot.booking.format import slot_time
from bot.booking.staff import reason_line, tell_user
from bot.booking.texts import bt
from bot.core.contact import normalize_email
from bot.core.settings import Settings
from bot.core.station import station_phone
from storage.bookings import Booking
from storage.errors import InvalidTransition
from storage.experts import Expert

__all__ = ("DESK_CHANNEL", "WalkIn", "book_for_caller", "staff_move")

DESK_CHANNEL = "desk"  # bookings staff entered for a caller or walk-in: reached by phone or e-mail


class WalkIn:
    """What staff type in for a caller or walk-in (checked: a bilingual error names the field)."""

    def __init__(self, *, name: str, phone: str, company: str, topic: str, question: str) -> None:
        self.name, self.company = name.strip(), company.strip()
        # `phone`: the field staff fill in, a phone number or an e-mail address.
        self.email = normalize_email(phone) if "@" in phone else None
        self.phone = "" if "@" in phone else "".join(c for c in phone if c.isdigit() or c in "+-")
        self.topic, self.question = topic.strip(), question.strip()
        if not self.name or len(self.name) > 80:
            raise InvalidTransition("请填写姓名（最多80字） / Enter a name (at most 80 characters)")
        digits = sum(c.isdigit() for c in self.phone)
        if "@" in phone and self.email is None:
            raise InvalidTransition("请填写有效邮箱 / Enter a valid e-mail address")
        if self.email is None and (not 7 <= digits <= 15 or len(self.phone) > 20):
            raise InvalidTransition("请填写有效电话号码 / Enter a valid phone number")
        if len(self.company) > 200 or len(self.question) > 500:
            raise InvalidTransition(
                "公司最多200字，问题最多500字 / Company at most 200, question at most 500 characters"
            )


def book_for_caller(
    *,
    session: Session,
    settings: Settings,
    now: dt.datetime,
    expert: Expert,
    start: dt.datetime,
    who: WalkIn,
) -> Booking:
    """Book `expert` at `start` for someone on the phone or at the counter; they gave their
    phone to staff for this booking, which is its consent time."""
    if who.topic not in expert.specialties:
        raise InvalidTransition("该专家不负责这个主题 / This expert does not cover that topic")
    details = {
        "channel": DESK_CHANNEL,
        "user_ref": f"desk:{who.phone or who.email}"[:128],
        "lang": "zh",
        "topic": who.topic,
        "company": who.company or "—",
        "contact_name": who.name,
        "phone": who.phone,
        "email": who.email,
        "phone_consent_at": now,
        "question": who.question,
    }
    return service.book(
        session=session, settings=settings, now=now, expert=expert, start=start, details=details
    )


def staff_move(
    *,
    session: Session,
    settings: Settings,
    now: dt.datetime,
    booking: Booking,
    expert: Expert,
    start: dt.datetime,
    reason: str,
) -> Booking:
    """Move the booking to another free slot of its expert and tell the user why."""
    if start == booking.slot_start:
        raise InvalidTransition("新时间与原时间相同 / The new time is the current time")
    service.move(
        session=session,
        settings=settings,
        now=now,
        booking=booking,
        expert=expert,
        start=start,
        by_staff=True,
    )
    if booking.channel not in service.NO_PUSH_CHANNELS:
        tz, lang = ZoneInfo(settings.timezone), booking.lang
        text = bt(
            "staff.moved",
            lang,
            code=booking.code,
            time=slot_time(booking.slot_start, booking.slot_end, tz, lang),
            reason=reason_line(reason, lang),
            phone=station_phone(settings, lang),
        )
        tell_user(session=session, booking=booking, text=text)
    return booking
