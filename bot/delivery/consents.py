"""Subscription-notice consents that belong to a booking go with it: a cancelled booking's
one-time consents (one per reminder) must not carry a notice the user never asked for."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from bot.core.settings import Settings
from storage.wechat import WechatConsent

__all__ = ("REMINDERS_PER_BOOKING", "drop_booking_consents")

REMINDERS_PER_BOOKING = 2  # 24 hours and 1 hour before


def drop_booking_consents(
    *, session: Session, settings: Settings, channel: str, user_ref: str
) -> None:
    """Remove the one-time reminder consents a cancelled WeChat booking would have used."""
    template = settings.wechat_template_reminder or settings.wechat_subscribe_template
    if channel != "wechat" or not template:
        return
    row = col(WechatConsent.remaining)
    session.exec(  # type: ignore[call-overload]
        update(WechatConsent)
        .where(
            col(WechatConsent.openid) == user_ref,
            col(WechatConsent.template_id) == template,
            col(WechatConsent.long_term).is_(False),
        )
        .values(remaining=row - REMINDERS_PER_BOOKING)
    )
    session.exec(  # type: ignore[call-overload]
        update(WechatConsent).where(row < 0).values(remaining=0)
    )
