"""Consents recorded where features ask for them (booking, handoff), in one place."""

from __future__ import annotations

from bot.core.context import Context
from storage.bookings import Booking
from storage.privacy import record_consent

__all__ = ("record_booking_consents", "record_contact_consent")


def record_booking_consents(ctx: Context, booking: Booking) -> None:
    """The mobile number given with the phone-use wording, and reminders: asked on WeChat
    (subscription notices), announced with the consent wording elsewhere (same channel)."""
    channel, user_ref, code = booking.channel, booking.user_ref, booking.code
    record_consent(
        session=ctx.session,
        channel=channel,
        user_ref=user_ref,
        purpose="booking_phone",
        at=booking.phone_consent_at,
        ref=code,
    )
    if booking.notice_consent is not False:
        record_consent(
            session=ctx.session,
            channel=channel,
            user_ref=user_ref,
            purpose="reminders",
            at=ctx.now,
            ref=code,
        )


def record_contact_consent(ctx: Context, ref: str) -> None:
    """The user agreed that the phone / e-mail they typed be kept with ticket `ref`."""
    record_consent(
        session=ctx.session,
        channel=ctx.state.channel,
        user_ref=ctx.state.user_ref,
        purpose="contact",
        at=ctx.now,
        ref=ref,
    )
