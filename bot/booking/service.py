"""Booking operations with their rules: lead time, change cut-off, per-user limit, reminders
24 h and 1 h before (outbox, the user's own channel) and notices to the expert and staff.

Everything runs in the caller's session, so a booking and its queued messages commit together.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from bot.booking.format import expert_label, place_line, slot_time, topic_label
from bot.booking.quota import address_may_book, count_address_booking
from bot.booking.slots import Slot, slots_for_day
from bot.booking.texts import bt
from bot.core.settings import Settings
from bot.delivery.consents import drop_booking_consents
from storage.bookings import (
    Booking,
    BookingStatus,
    cancel_booking,
    cancel_reminders,
    create_booking,
    reschedule_booking,
    upcoming_for_user,
)
from storage.errors import TmbotError
from storage.experts import Expert, exceptions_of, rules_of
from storage.outbox import enqueue

__all__ = (
    "BookingRefused",
    "book",
    "cancel",
    "check_booking_quota",
    "check_changeable",
    "move",
    "valid_slot",
)

logger = logging.getLogger(__name__)
REMINDERS = (("24h", dt.timedelta(hours=24)), ("1h", dt.timedelta(hours=1)))
NO_PUSH_CHANNELS = frozenset({"cli", "desk"})  # the terminal chat and bookings staff entered
# for a caller or walk-in (channel "desk": staff phone them) cannot be written to later


class BookingRefused(TmbotError):
    """A booking rule says no: `reason` is limit | unavailable | too_late | inactive."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason, self.details = reason, details


def check_booking_quota(
    *,
    session: Session,
    settings: Settings,
    now: dt.datetime,
    details: dict[str, Any],
    address: str | None = None,
) -> None:
    """Raise BookingRefused('daily') when the user, or the address they write from, made too
    many bookings in the last 24 hours (throw-away ids taking every free slot)."""
    made = session.exec(
        select(func.count()).where(
            col(Booking.channel) == details["channel"],
            col(Booking.user_ref) == details["user_ref"],
            col(Booking.created_at) >= now - dt.timedelta(days=1),
        )
    ).one()
    if made >= settings.booking_max_per_day:
        raise BookingRefused("daily", max=settings.booking_max_per_day)
    if address and not address_may_book(settings, address):
        logger.warning(
            "booking quota: address limit reached (%s a day)", settings.booking_max_per_address_day
        )
        raise BookingRefused("daily", max=settings.booking_max_per_address_day)


def _tz(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)


def valid_slot(
    *, session: Session, settings: Settings, expert: Expert, start: dt.datetime, now: dt.datetime
) -> Slot:
    """The expert's slot starting at `start`, if it exists and is still bookable."""
    if not expert.active or expert.id is None:
        raise BookingRefused("inactive")
    tz = _tz(settings)
    day = start.astimezone(tz).date()
    slots = slots_for_day(
        expert_id=expert.id,
        day=day,
        rules=rules_of(session=session, expert_id=expert.id),
        exceptions=exceptions_of(session=session, expert_id=expert.id, start=day, end=day),
        tz=tz,
    )
    found = next((s for s in slots if s.start == start), None)
    earliest = now + dt.timedelta(hours=settings.booking_cutoff_hours)
    horizon = now + dt.timedelta(days=settings.booking_days_ahead + 1)
    if found is None or not earliest <= found.start <= horizon:
        raise BookingRefused("unavailable")
    return found


def book(
    *,
    session: Session,
    settings: Settings,
    now: dt.datetime,
    expert: Expert,
    start: dt.datetime,
    details: dict[str, Any],
    address: str | None = None,
) -> Booking:
    """Book `expert` at `start` for the user in `details`; raises SlotTaken or BookingRefused.

    `address`: the client's network address when the channel knows it (the web chat)."""
    upcoming = upcoming_for_user(
        session=session, channel=details["channel"], user_ref=details["user_ref"], now=now
    )
    if len(upcoming) >= settings.booking_max_upcoming:
        raise BookingRefused("limit", count=len(upcoming), max=settings.booking_max_upcoming)
    check_booking_quota(
        session=session, settings=settings, now=now, details=details, address=address
    )
    slot = valid_slot(session=session, settings=settings, expert=expert, start=start, now=now)
    booking = create_booking(
        session=session, expert_id=expert.id, slot_start=slot.start, slot_end=slot.end, **details
    )
    _remind(session, settings, booking, expert, now)
    _notify(session, settings, booking, expert, "new")
    if address:
        count_address_booking(settings, address)
    logger.info("booking %s: expert %s at %s", booking.code, expert.id, slot.start.isoformat())
    return booking


def check_changeable(*, settings: Settings, booking: Booking, now: dt.datetime) -> None:
    """Raise BookingRefused('too_late') inside the change cut-off, or if no longer active."""
    if booking.status != BookingStatus.ACTIVE.value or booking.slot_start <= now:
        raise BookingRefused("inactive")
    if booking.slot_start - now < dt.timedelta(hours=settings.booking_change_cutoff_hours):
        raise BookingRefused("too_late", hours=settings.booking_change_cutoff_hours)


def move(
    *,
    session: Session,
    settings: Settings,
    now: dt.datetime,
    booking: Booking,
    expert: Expert,
    start: dt.datetime,
    by_staff: bool = False,
) -> Booking:
    """Reschedule to another slot of the same expert; raises SlotTaken or BookingRefused
    (staff may move a booking inside the change cut-off, as they may cancel it)."""
    if by_staff:
        if booking.status != BookingStatus.ACTIVE.value:
            raise BookingRefused("inactive")
    else:
        check_changeable(settings=settings, booking=booking, now=now)
    slot = valid_slot(session=session, settings=settings, expert=expert, start=start, now=now)
    reschedule_booking(session=session, booking=booking, slot_start=slot.start, slot_end=slot.end)
    cancel_reminders(session=session, code=booking.code)
    _remind(session, settings, booking, expert, now)
    _notify(session, settings, booking, expert, "moved")
    return booking


def cancel(
    *,
    session: Session,
    settings: Settings,
    now: dt.datetime,
    booking: Booking,
    expert: Expert,
    by_staff: bool = False,
) -> Booking:
    """Cancel the booking (staff may cancel inside the cut-off) and tell expert and staff."""
    if not by_staff:
        check_changeable(settings=settings, booking=booking, now=now)
    cancel_booking(session=session, booking=booking)
    drop_booking_consents(
        session=session, settings=settings, channel=booking.channel, user_ref=booking.user_ref
    )
    _notify(session, settings, booking, expert, "cancelled")
    return booking


def _remind(
    session: Session, settings: Settings, booking: Booking, expert: Expert, now: dt.datetime
) -> None:
    # Reminders go through the user's own channel; one already due (a booking made less than
    # 24 h ahead) is skipped rather than sent at once.
    if booking.channel in NO_PUSH_CHANNELS:
        return
    lang, tz = booking.lang, _tz(settings)
    address = settings.station_address_en if lang == "en" else settings.station_address_zh
    for label, ahead in REMINDERS:
        at = booking.slot_start - ahead
        if at <= now:
            continue
        text = bt(
            "reminder",
            lang,
            when=bt(f"reminder.{label}", lang),
            code=booking.code,
            time=slot_time(booking.slot_start, booking.slot_end, tz, lang),
            expert=expert_label(expert, lang),
            place=place_line(expert, lang, address=address),
        )
        payload: dict[str, Any] = {
            "text": text,
            "sender": "reminder",  # the web chat page polls every sender but "bot"
            "kind": "booking_reminder",
            "booking": booking.code,
            "slot_start": booking.slot_start.isoformat(),
        }
        if booking.channel == "wechat":
            # Outside the 48-hour window the WeChat sender falls back to a subscription notice
            # (订阅通知), whose template field takes at most 20 characters.
            field = settings.wechat_subscribe_field or "thing1"
            local = booking.slot_start.astimezone(tz)
            short = f"预约{booking.code} {local.day}日{local:%H:%M}"
            if lang == "en":
                short = f"{booking.code} {local:%d %b %H:%M}"
            payload["notice"] = {field: short}
        enqueue(
            session=session,
            sender=booking.channel,
            recipient=booking.chat_ref or booking.user_ref,
            payload=payload,
            ref_kind="booking",
            ref_id=booking.code,
            dedupe_key=f"booking:{booking.code}:v{booking.version}:remind-{label}",
            not_before=at,
        )


_EVENTS = {
    "new": ("新预约", "New booking"),
    "moved": ("预约改期", "Booking moved"),
    "cancelled": ("预约取消", "Booking cancelled"),
}


def _notify(
    session: Session, settings: Settings, booking: Booking, expert: Expert, event: str
) -> None:
    # Staff and the expert hear of every change through the senders configured in settings;
    # a notifier that is not configured is skipped.
    tz = _tz(settings)
    zh, en = _EVENTS[event]
    when = slot_time(booking.slot_start, booking.slot_end, tz, "zh")
    text = (
        f"【{zh} / {en}】{booking.code}\n{when}\n专家 Expert: {expert_label(expert, 'zh')}\n"
        f"主题 Topic: {topic_label(booking.topic, 'zh')}\n"
        f"企业 Company: {booking.company}\n联系人 Contact: {booking.contact_name} {booking.reach}\n"
        f"问题 Question: {booking.question}"
    )
    public_url = settings.public_url.rstrip("/")
    if public_url:
        text += f"\n{public_url}/staff/bookings?day={booking.slot_start.astimezone(tz).date()}"
    targets: list[tuple[str, str]] = []
    telegram_on = settings.telegram_token is not None
    staff_chat = settings.telegram_staff_chat
    if telegram_on and staff_chat:
        targets.append(("telegram", str(staff_chat)))
    if telegram_on and expert.telegram_chat:
        targets.append(("telegram", expert.telegram_chat))
    if settings.wecom_webhook_url:
        targets.append(("wecom", "group"))  # the staff's 企业微信 group robot
    if settings.smtp_host:
        staff = [a.strip() for a in settings.staff_emails.split(",")]
        targets += [("email", a) for a in [*staff, expert.email] if a]
    for sender, recipient in dict.fromkeys(targets):
        enqueue(
            session=session,
            sender=sender,
            recipient=recipient,
            payload={
                "text": text,
                "subject": f"[tmbot] {zh} / {en} {booking.code}",
                "booking": booking.code,
                "event": event,
            },
            ref_kind="booking",
            ref_id=booking.code,
        )
