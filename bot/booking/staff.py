"""Staff work on bookings: day and expert views, attended / no-show, the expert's note (and its
FAQ suggestion), cancellation by the station, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.booking.format import slot_time, topic_label
from bot.booking.service import NO_PUSH_CHANNELS, cancel
from bot.booking.texts import bt
from bot.core.settings import Settings
from bot.core.station import station_phone
from storage.bookings import Booking, BookingStatus
from storage.errors import InvalidTransition
from storage.experts import Expert, list_experts
from storage.models import utcnow
from storage.outbox import enqueue

__all__ = (
    "CSV_HEADER",
    "csv_bytes",
    "mark",
    "save_note",
    "staff_cancel",
    "visible_experts",
    "window",
)

MARKS = (BookingStatus.ATTENDED.value, BookingStatus.NO_SHOW.value)
CSV_HEADER = (
    "code",
    "date",
    "start",
    "end",
    "expert",
    "status",
    "topic",
    "company",
    "contact_name",
    "phone",
    "email",
    "channel",
    "question",
    "note",
    "faq_candidate",
    "created_at",
)


def window(day: dt.date, tz: ZoneInfo, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants bounding `days` station days from `day`."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=days)).astimezone(dt.UTC)


def visible_experts(*, session: Session, role: str, username: str) -> list[Expert]:
    """Every expert for staff and admins; an expert account sees only its own record."""
    experts = list_experts(session=session, active_only=False)
    return [e for e in experts if e.account == username] if role == "expert" else experts


def mark(*, session: Session, booking: Booking, status: str, now: dt.datetime) -> Booking:
    """Record that the user came (attended) or did not (no_show), once the slot has begun."""
    if status not in MARKS:
        raise InvalidTransition(f"booking {booking.code}: unknown mark {status!r}")
    if booking.status == BookingStatus.CANCELLED.value:
        raise InvalidTransition(f"booking {booking.code} was cancelled")
    if booking.slot_start > now:
        raise InvalidTransition(f"booking {booking.code} has not started yet")
    booking.status, booking.updated_at = status, utcnow()
    session.add(booking)
    return booking


def save_note(*, session: Session, booking: Booking, note: str, faq_candidate: bool) -> Booking:
    """The expert's short note after the consultation; `faq_candidate` lists it for the admin."""
    booking.note = note.strip()[:2000]
    booking.faq_candidate = faq_candidate and bool(booking.note)
    booking.updated_at = utcnow()
    session.add(booking)
    return booking


def staff_cancel(
    *,
    session: Session,
    settings: Settings,
    now: dt.datetime,
    booking: Booking,
    expert: Expert,
    reason: str = "",
) -> Booking:
    """Cancel on the station's side (any time before the slot) and tell the user, with the
    reason when staff gave one."""
    if booking.status != BookingStatus.ACTIVE.value:
        raise InvalidTransition(f"booking {booking.code} is not active")
    cancel(
        session=session, settings=settings, now=now, booking=booking, expert=expert, by_staff=True
    )
    if booking.channel not in NO_PUSH_CHANNELS:
        tz = ZoneInfo(settings.timezone)
        text = bt(
            "staff.cancelled",
            booking.lang,
            code=booking.code,
            time=slot_time(booking.slot_start, booking.slot_end, tz, booking.lang),
            phone=station_phone(settings, booking.lang),
            reason=reason_line(reason, booking.lang),
        )
        tell_user(session=session, booking=booking, text=text)
    return booking


def tell_user(*, session: Session, booking: Booking, text: str) -> None:
    """Queue a staff message about `booking` to its user, on their own channel."""
    enqueue(
        session=session,
        sender=booking.channel,
        recipient=booking.chat_ref or booking.user_ref,
        payload={"text": text, "sender": "staff", "booking": booking.code},
        ref_kind="booking",
        ref_id=booking.code,
    )


def reason_line(reason: str, lang: str) -> str:
    """ "原因：…。" for a message to the user, or nothing when staff gave no reason."""
    reason = reason.strip().rstrip("。.")
    return bt("staff.reason", lang, reason=reason) if reason else ""


def csv_bytes(bookings: Iterable[Booking], experts: dict[int, Expert], tz: ZoneInfo) -> bytes:
    """Bookings as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for b in bookings:
        start, end = b.slot_start.astimezone(tz), b.slot_end.astimezone(tz)
        expert = experts.get(b.expert_id)
        writer.writerow(
            [
                b.code,
                start.date().isoformat(),
                f"{start:%H:%M}",
                f"{end:%H:%M}",
                expert.name if expert else b.expert_id,
                b.status,
                topic_label(b.topic, "zh"),
                *(_safe(v) for v in (b.company, b.contact_name, b.phone, b.email or "")),
                *(_safe(v) for v in (b.channel, b.question)),
                _safe(b.note),
                "yes" if b.faq_candidate else "",
                b.created_at.astimezone(tz).isoformat(timespec="minutes"),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(value: str) -> str:
    # Text typed by users must not run as a spreadsheet formula (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def when(booking: Booking, tz: ZoneInfo) -> str:
    """The slot in station time, Chinese style."""
    return slot_time(booking.slot_start, booking.slot_end, tz, "zh")
