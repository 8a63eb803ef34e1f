"""Consent records and the station's privacy notice (PIPL: notice, consent, withdrawal).

A consent is one row per grant: who (channel + user_ref), for what (`purpose`), when, on which
channel, under which notice version, for which ticket or booking; withdrawing it stamps
`withdrawn_at` instead of deleting it, so what the user agreed to stays provable until the user
asks for their data to be erased. The notice is append-only: the newest row is in force.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utcnow

__all__ = (
    "PURPOSES",
    "ConsentRecord",
    "PrivacyNotice",
    "active_consents",
    "current_notice",
    "record_consent",
    "save_notice",
    "withdraw_consents",
)

# contact: a phone / e-mail kept with a handoff ticket; booking_phone: the mobile kept with a
# booking; reminders: booking reminders and other messages sent outside the conversation.
PURPOSES = ("contact", "booking_phone", "reminders")


class ConsentRecord(SQLModel, table=True):
    """One consent a user gave, and when it was withdrawn."""

    __tablename__ = "privacy_consent"
    __table_args__ = (Index("ix_privacy_consent_user", "channel", "user_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)  # where it was given: web | telegram | wechat
    user_ref: str = Field(max_length=128)
    purpose: str = Field(max_length=20)  # one of PURPOSES
    ref: str = Field(default="", max_length=40)  # ticket number or booking code it came with
    notice_version: int = 0  # the privacy notice in force (0 = the built-in text)
    granted_at: dt.datetime = Field(default_factory=utcnow)
    withdrawn_at: dt.datetime | None = None


class PrivacyNotice(SQLModel, table=True):
    """One version of the station's privacy notice, as an admin saved it."""

    __tablename__ = "privacy_notice"
    id: int | None = Field(default=None, primary_key=True)
    text_zh: str = Field(sa_column=Column(Text, nullable=False))
    text_en: str = Field(sa_column=Column(Text, nullable=False))
    updated_by: str = Field(default="system", max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)


def current_notice(*, session: Session) -> PrivacyNotice | None:
    """The notice in force, or None while the station has not written one."""
    query = select(PrivacyNotice).order_by(col(PrivacyNotice.id).desc()).limit(1)
    return session.exec(query).first()


def save_notice(*, session: Session, text_zh: str, text_en: str, by: str) -> PrivacyNotice:
    """Put a new version of the notice in force."""
    notice = PrivacyNotice(text_zh=text_zh.strip(), text_en=text_en.strip(), updated_by=by)
    session.add(notice)
    session.flush()
    return notice


def record_consent(
    *,
    session: Session,
    channel: str,
    user_ref: str,
    purpose: str,
    at: dt.datetime,
    ref: str = "",
) -> ConsentRecord:
    """Record that the user agreed to `purpose` at `at`, on `channel`."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    notice = current_notice(session=session)
    row = ConsentRecord(
        channel=channel,
        user_ref=user_ref,
        purpose=purpose,
        ref=ref[:40],
        notice_version=(notice.id or 0) if notice else 0,
        granted_at=at,
    )
    session.add(row)
    return row


def active_consents(*, session: Session, channel: str, user_ref: str) -> list[ConsentRecord]:
    """The user's consents not withdrawn, oldest first."""
    query = (
        select(ConsentRecord)
        .where(
            ConsentRecord.channel == channel,
            ConsentRecord.user_ref == user_ref,
            col(ConsentRecord.withdrawn_at).is_(None),
        )
        .order_by(col(ConsentRecord.id))
    )
    return list(session.exec(query))


def withdraw_consents(
    *,
    session: Session,
    channel: str,
    user_ref: str,
    purposes: tuple[str, ...],
    at: dt.datetime,
) -> list[ConsentRecord]:
    """Stamp the user's active consents for `purposes` as withdrawn; returns them."""
    rows = [
        c
        for c in active_consents(session=session, channel=channel, user_ref=user_ref)
        if c.purpose in purposes
    ]
    for row in rows:
        row.withdrawn_at = at
        session.add(row)
    return rows
