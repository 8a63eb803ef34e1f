"""The booking's calendar file (.ics) and the unguessable link it is served under."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from bot.booking.format import expert_label, place, prepare_list, topic_label
from bot.core.settings import Settings
from storage.bookings import Booking, BookingStatus
from storage.experts import Expert

__all__ = ("ics_attachment", "ics_link", "ics_token", "render_ics", "token_ok")


def ics_token(settings: Settings, code: str) -> str:
    """An HMAC of the code under the secret key: only someone given the link can fetch it."""
    key = settings.secret_key.encode()
    return hmac.new(key, f"booking-ics:{code}".encode(), hashlib.sha256).hexdigest()[:32]


def token_ok(settings: Settings, code: str, token: str) -> bool:
    """Whether `token` is the one issued for `code` (constant-time comparison)."""
    return hmac.compare_digest(ics_token(settings, code), token or "")


def ics_link(settings: Settings, code: str) -> str:
    """The .ics link; absolute when TMBOT_PUBLIC_URL is set."""
    base = settings.public_url.rstrip("/")
    return f"{base}/bookings/{code}.ics?token={ics_token(settings, code)}"


def render_ics(settings: Settings, booking: Booking, expert: Expert) -> bytes:
    """An iCalendar file with one event (and a one-hour alarm) for the booking."""
    # Imported here: about 2 MiB in every worker, used only when a booking's file is made.
    from icalendar import Alarm, Calendar, Event

    lang = booking.lang
    address = settings.station_address_en if lang == "en" else settings.station_address_zh
    cal = Calendar()
    cal.add("prodid", "-//tmbot//expert booking//ZH")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{booking.code}@tmbot")
    event.add("dtstamp", booking.updated_at.astimezone(dt.UTC))
    event.add("dtstart", booking.slot_start.astimezone(dt.UTC))
    event.add("dtend", booking.slot_end.astimezone(dt.UTC))
    event.add("sequence", booking.version - 1)
    station = settings.station_name_en if lang == "en" else settings.station_name_zh
    title = "Trademark consultation" if lang == "en" else "商标专家咨询"
    event.add("summary", f"{title} {booking.code} · {station}")
    event.add("location", place(expert, lang, address=address))
    lines = [
        f"{'Expert' if lang == 'en' else '专家'}: {expert_label(expert, lang)}",
        f"{'Topic' if lang == 'en' else '主题'}: {topic_label(booking.topic, lang)}",
        f"{'Bring' if lang == 'en' else '请准备'}: {prepare_list(booking.topic, lang)}",
    ]
    if settings.station_phone:
        lines.append(f"{'Station' if lang == 'en' else '指导站电话'}: {settings.station_phone}")
    event.add("description", "\n".join(lines))
    if expert.mode == "video" and expert.location:
        event.add("url", expert.location)
    cancelled = booking.status == BookingStatus.CANCELLED.value
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", dt.timedelta(hours=-1))
    event.add_component(alarm)
    cal.add_component(event)
    return bytes(cal.to_ical())


def ics_attachment(settings: Settings, booking: Booking, expert: Expert) -> tuple[str, str, bytes]:
    """The (filename, mime type, content) triple for Reply.attachments."""
    return (f"booking-{booking.code}.ics", "text/calendar", render_ics(settings, booking, expert))
