"""Personal-data operations behind the chat, the staff console and the CLI: the notice, what is
held, withdrawal of consent, erasure and retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.core.services import Transaction
from bot.core.settings import Settings
from bot.privacy.texts import DEFAULT_NOTICE
from storage.bookings import Booking, BookingStatus, cancel_reminders
from storage.db import session_scope
from storage.erasers import erase_subject, export_user, summary
from storage.light import orm_session
from storage.marks import Mark
from storage.privacy import current_notice, withdraw_consents
from storage.retention import RetentionPeriods, sweep_retention
from storage.tickets import Ticket
from storage.wechat import WechatConsent

__all__ = (
    "erase_after_commit",
    "erase_user",
    "export_user",
    "notice_text",
    "privacy_url",
    "retention_for",
    "retention_periods",
    "summary",
    "user_digest",
    "withdraw",
)

logger = logging.getLogger(__name__)
RETENTION_EVERY = dt.timedelta(hours=1)


def notice_text(*, session: Session, lang: str) -> str:
    """The privacy notice in force, in `lang` (the built-in text until an admin saves one)."""
    notice = current_notice(session=session)
    zh, en = (notice.text_zh, notice.text_en) if notice else DEFAULT_NOTICE
    return en if lang == "en" else zh


def privacy_url(settings: Settings) -> str:
    """Where the notice is published (absolute when TMBOT_PUBLIC_URL is set)."""
    return f"{settings.public_url.rstrip('/')}/privacy"


def withdraw(
    *, session: Session, channel: str, user_ref: str, purposes: tuple[str, ...], now: dt.datetime
) -> int:
    """Withdraw the user's consents for `purposes` and stop what they allowed; returns how many
    consents there were."""
    rows = withdraw_consents(
        session=session, channel=channel, user_ref=user_ref, purposes=purposes, at=now
    )
    withdrawn = len(rows)
    own = {"channel": channel, "user_ref": user_ref}
    if "reminders" in purposes:
        upcoming = select(Booking).filter_by(**own, status=BookingStatus.ACTIVE.value)
        for booking in session.exec(upcoming):
            cancel_reminders(session=session, code=booking.code)
            if booking.notice_consent:
                booking.notice_consent = False
                session.add(booking)
        if channel == "wechat":
            for consent in session.exec(select(WechatConsent).filter_by(openid=user_ref)):
                session.delete(consent)
        # Renewal reminders of the user's watched marks (bot/marks) stop too.
        for mark in session.exec(select(Mark).filter_by(owner_channel=channel, owner_ref=user_ref)):
            if mark.consent:
                mark.consent = False
                session.add(mark)
                withdrawn += 1
    if "contact" in purposes:
        with_contact = select(Ticket).filter_by(**own).where(col(Ticket.contact).is_not(None))
        for ticket in session.exec(with_contact):
            ticket.contact = ticket.contact_kind = ticket.contact_consent_at = None
            session.add(ticket)
    return withdrawn


def user_digest(channel: str, user_ref: str) -> str:
    """A stable name for the user in the audit log that does not reveal their id."""
    return hashlib.sha256(f"{channel}:{user_ref}".encode()).hexdigest()[:16]


def erase_user(*, engine: Engine, channel: str, user_ref: str, now: dt.datetime) -> dict[str, int]:
    """Erase the user in one transaction; rows removed or anonymised by table."""
    return _erase(lambda: session_scope(engine), channel=channel, user_ref=user_ref, now=now)


def _erase(
    transaction: Transaction, *, channel: str, user_ref: str, now: dt.datetime
) -> dict[str, int]:
    with transaction() as session:
        done = erase_subject(session=session, channel=channel, user_ref=user_ref, now=now)
    logger.info("privacy: erased %s user (%d tables touched)", channel, len(done))
    return done


def erase_after_commit(
    session: Session, *, transaction: Transaction, channel: str, user_ref: str, now: dt.datetime
) -> None:
    """Erase the user once this turn has committed, so its own transcript lines, log row and
    state (written by the core at the end of the turn) go as well; `transaction` opens one of
    its own (`ctx.services.transaction`)."""

    def run(_session: Session) -> None:
        try:
            _erase(transaction, channel=channel, user_ref=user_ref, now=now)
        except Exception:  # the turn is answered already; staff can erase from the console
            logger.exception("privacy: erasure of a %s user failed", channel)

    event.listen(orm_session(session), "after_commit", run, once=True)


def retention_periods(settings: Settings) -> RetentionPeriods:
    """The TMBOT_RETENTION_* periods."""
    return RetentionPeriods(
        transcripts=settings.retention_transcript_days,
        question_logs=settings.retention_question_log_days,
        deliveries=settings.retention_delivery_days,
        closed_tickets=settings.retention_closed_ticket_days,
        cancelled_bookings=settings.retention_cancelled_booking_days,
    )


def sweep(
    engine: Engine, settings: Settings, now: dt.datetime, *, dry_run: bool = False
) -> dict[str, int]:
    """Apply the retention periods once (`tmbot privacy sweep`)."""
    with session_scope(engine) as session:
        done = sweep_retention(
            session=session, periods=retention_periods(settings), now=now, dry_run=dry_run
        )
        if dry_run:
            session.rollback()
    return done


def retention_for(
    settings: Settings, every: dt.timedelta = RETENTION_EVERY
) -> Callable[[Engine, dt.datetime], dict[str, int] | None]:
    """The housekeeping step applying retention at most once per `every` (the worker calls its
    housekeeping every minute; the deletes scan whole tables)."""
    due: dict[str, Any] = {"next": None}

    def run(engine: Engine, now: dt.datetime) -> dict[str, int] | None:
        if due["next"] is not None and now < due["next"]:
            return None
        due["next"] = now + every
        try:
            return sweep(engine, settings, now)
        except Exception:  # never stops the ticket housekeeping or the deliveries
            logger.exception("privacy retention sweep failed")
            return None

    return run
