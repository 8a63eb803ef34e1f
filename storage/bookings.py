"""Expert consultations: experts, their weekly availability and exceptions, and bookings.

One active booking per expert and slot start is enforced by a partial unique index
(`uq_booking_active_slot`, WHERE status = 'active'), on SQLite and PostgreSQL alike, so a
cancelled slot can be booked again. Times are stored UTC-aware.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.errors import SlotTaken
from storage.models import utcnow
from storage.outbox import OutboxMessage

__all__ = (
    "Booking",
    "BookingStatus",
    "bookings_between",
    "cancel_booking",
    "cancel_reminders",
    "create_booking",
    "faq_candidates",
    "get_booking",
    "notices_for",
    "reschedule_booking",
    "taken_slots",
    "upcoming_for_user",
)

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


class BookingStatus(StrEnum):
    """Where a booking stands; only `active` ones hold their slot."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class Booking(SQLModel, table=True):
    """One consultation booked by a user on some channel."""

    __tablename__ = "booking"
    __table_args__ = (
        # The database, not Python, guarantees one active booking per expert and slot.
        Index(
            "uq_booking_active_slot",
            "expert_id",
            "slot_start",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_booking_user", "channel", "user_ref", "slot_start"),
        Index("ix_booking_created", "created_at"),  # the dashboard's periods (bot/stats)
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True)  # B-7K3Q9
    expert_id: int = Field(foreign_key="expert.id", index=True)
    slot_start: dt.datetime = Field(index=True)
    slot_end: dt.datetime
    channel: str = Field(max_length=20)
    user_ref: str = Field(max_length=128)
    chat_ref: str | None = Field(default=None, max_length=128)
    lang: str = Field(default="zh", max_length=5)
    topic: str = Field(max_length=40)
    company: str = Field(max_length=200)
    contact_name: str = Field(max_length=80)
    phone: str = Field(max_length=20)  # "" when the user gave an e-mail address instead
    email: str | None = Field(default=None, max_length=254)  # the contact's e-mail, if given
    phone_consent_at: dt.datetime  # the user accepted the contact-use wording then
    notice_consent: bool | None = None  # WeChat subscription notice; None = not asked
    question: str = Field(default="", max_length=500)
    status: str = Field(default=BookingStatus.ACTIVE.value, max_length=12, index=True)
    note: str = Field(default="", max_length=2000)  # the expert's note after the consultation
    faq_candidate: bool = False  # the note should become a FAQ entry (admin's list)
    version: int = 1  # bumped on each reschedule; part of reminder dedupe keys
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)

    @property
    def reach(self) -> str:
        """How to reach the contact: the phone number, else the e-mail address ("" if erased)."""
        return self.phone or self.email or ""


def new_code() -> str:
    """A fresh booking code like B-7K3Q9 (32^5 possibilities; clashes are retried)."""
    return "B-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(5))


def _is_code_clash(exc: IntegrityError) -> bool:
    message = str(exc.orig).lower()
    return "booking.code" in message or "uq_booking_code" in message


def create_booking(*, session: Session, **fields: Any) -> Booking:
    """Insert an active booking; raises SlotTaken when the slot is already held.

    Runs in a savepoint so a lost race rolls back only this insert, not the caller's turn.
    """
    for _ in range(8):
        booking = Booking(code=new_code(), **fields)
        try:
            with session.begin_nested():
                session.add(booking)
        except IntegrityError as exc:
            if _is_code_clash(exc):
                continue
            raise SlotTaken(f"slot {fields.get('slot_start')} is taken") from exc
        return booking
    raise RuntimeError("could not draw an unused booking code")


def reschedule_booking(
    *, session: Session, booking: Booking, slot_start: dt.datetime, slot_end: dt.datetime
) -> Booking:
    """Move an active booking to another slot of its expert; raises SlotTaken."""
    try:
        with session.begin_nested():
            booking.slot_start, booking.slot_end = slot_start, slot_end
            booking.version += 1
            booking.updated_at = utcnow()
            session.add(booking)
    except IntegrityError as exc:
        session.refresh(booking)
        raise SlotTaken(f"slot {slot_start} is taken") from exc
    return booking


def cancel_booking(*, session: Session, booking: Booking) -> Booking:
    """Cancel a booking (its slot becomes free) and withdraw its pending reminders."""
    booking.status = BookingStatus.CANCELLED.value
    booking.updated_at = utcnow()
    session.add(booking)
    cancel_reminders(session=session, code=booking.code)
    return booking


def cancel_reminders(*, session: Session, code: str) -> None:
    """Withdraw the booking's reminders not yet sent (after a cancellation or a reschedule)."""
    session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(
            col(OutboxMessage.ref_kind) == "booking",
            col(OutboxMessage.ref_id) == code,
            # "waiting": held for the user's next WeChat message; never send it after this.
            col(OutboxMessage.status).in_(["pending", "waiting"]),
            col(OutboxMessage.dedupe_key).like(f"booking:{code}:%:remind-%"),
        )
        .values(status="cancelled", last_error="booking cancelled or moved")
    )


def get_booking(*, session: Session, code: str) -> Booking | None:
    """The booking with this code (case-insensitive), if any."""
    query = select(Booking).where(Booking.code == code.strip().upper())
    return session.exec(query).first()


def upcoming_for_user(
    *, session: Session, channel: str, user_ref: str, now: dt.datetime
) -> list[Booking]:
    """The user's active bookings that have not started yet, soonest first."""
    query = select(Booking).where(
        Booking.channel == channel,
        Booking.user_ref == user_ref,
        Booking.status == BookingStatus.ACTIVE.value,
        col(Booking.slot_start) > now,
    )
    return list(session.exec(query.order_by(col(Booking.slot_start))))


def taken_slots(
    *, session: Session, expert_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> set[tuple[int, dt.datetime]]:
    """(expert id, slot start) pairs held by active bookings between `start` and `end`."""
    query = select(Booking.expert_id, Booking.slot_start).where(
        col(Booking.expert_id).in_(list(expert_ids)),
        Booking.status == BookingStatus.ACTIVE.value,
        col(Booking.slot_start) >= start,
        col(Booking.slot_start) < end,
    )
    return {(eid, start_at.astimezone(dt.UTC)) for eid, start_at in session.exec(query)}


def bookings_between(
    *,
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    expert_id: int | None = None,
    statuses: Iterable[str] | None = None,
) -> list[Booking]:
    """Bookings whose slot starts in [start, end), for the staff pages and the CSV export."""
    query = select(Booking).where(col(Booking.slot_start) >= start, col(Booking.slot_start) < end)
    if expert_id is not None:
        query = query.where(Booking.expert_id == expert_id)
    if statuses is not None:
        query = query.where(col(Booking.status).in_(list(statuses)))
    return list(session.exec(query.order_by(col(Booking.slot_start), col(Booking.expert_id))))


def faq_candidates(*, session: Session) -> list[Booking]:
    """Bookings whose expert note was marked as a candidate FAQ entry, newest first."""
    query = select(Booking).where(col(Booking.faq_candidate).is_(True))
    return list(session.exec(query.order_by(col(Booking.updated_at).desc())))


def notices_for(*, session: Session, codes: Iterable[str]) -> dict[str, list[OutboxMessage]]:
    """The outbox rows (reminders, notices) of each booking, for staff to see what failed."""
    codes = list(codes)
    query = select(OutboxMessage).where(
        col(OutboxMessage.ref_kind) == "booking", col(OutboxMessage.ref_id).in_(codes)
    )
    found: dict[str, list[OutboxMessage]] = {c: [] for c in codes}
    for row in session.exec(query.order_by(col(OutboxMessage.id))):
        found.setdefault(row.ref_id or "", []).append(row)
    return found
