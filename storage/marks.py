"""Enterprises' own registered marks and the renewal reminders sent for them.

A mark belongs either to a chat user (`owner_channel` web/telegram/wechat, `owner_ref` their id)
or to the station's import list (`owner_channel` "station", `owner_ref` "station"). The reminder
rows make "one reminder per mark, term and milestone" a database rule: two housekeeping passes
racing on the same due reminder insert one row, the loser gets an IntegrityError.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, UniqueConstraint, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utcnow

__all__ = (
    "STATION",
    "Mark",
    "MarkReminder",
    "claim_reminders",
    "delete_mark",
    "delete_owner_marks",
    "find_mark",
    "marks_of",
    "reminders_of",
    "set_consent",
)

STATION = "station"  # owner_channel / owner_ref of marks imported by staff


class Mark(SQLModel, table=True):
    """One registered mark to watch: its term, owner, contact and reminder state."""

    __tablename__ = "tm_mark"
    __table_args__ = (
        UniqueConstraint("owner_channel", "owner_ref", "registration_number"),
        Index("ix_tm_mark_expiry", "status", "expiry_date"),
    )
    id: int | None = Field(default=None, primary_key=True)
    owner_channel: str = Field(max_length=20)  # web | telegram | wechat | station
    owner_ref: str = Field(max_length=128)
    chat_ref: str | None = Field(default=None, max_length=128)  # where to write, when not owner_ref
    lang: str = Field(default="zh", max_length=5)
    registration_number: str = Field(max_length=20)
    name: str = Field(max_length=200)
    classes: str = Field(default="", max_length=200)  # "9;35;42"
    registration_date: dt.date | None = None
    expiry_date: dt.date  # from the certificate, or computed from the registration date
    enterprise: str = Field(default="", max_length=200)  # station imports
    contact: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    consent: bool = False  # the owner agreed to reminders on their channel
    consent_at: dt.datetime | None = None
    status: str = Field(default="active", max_length=10)  # active | renewed | stopped
    renewed_at: dt.datetime | None = None
    renewed_by: str | None = Field(default=None, max_length=100)  # "user" or a staff username
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)

    @property
    def class_list(self) -> list[int]:
        """The Nice classes as numbers."""
        return [int(c) for c in self.classes.split(";") if c.strip().isdigit()]


class MarkReminder(SQLModel, table=True):
    """One milestone of one term of a mark: sent (queued), or a call task for staff."""

    __tablename__ = "tm_mark_reminder"
    __table_args__ = (UniqueConstraint("mark_id", "expiry_date", "milestone"),)
    id: int | None = Field(default=None, primary_key=True)
    mark_id: int = Field(foreign_key="tm_mark.id", index=True, ondelete="CASCADE")
    expiry_date: dt.date  # the term this milestone belongs to
    milestone: str = Field(max_length=12)  # window | 6m | 2m | 2w | expiry | grace-2m | grace-2w
    due_date: dt.date
    channel: str = Field(max_length=20)  # sender name, or "call" (staff phone the enterprise)
    outbox_id: int | None = None
    done_at: dt.datetime | None = None  # call tasks: when staff ticked them off
    done_by: str | None = Field(default=None, max_length=100)
    created_at: dt.datetime = Field(default_factory=utcnow)


def marks_of(*, session: Session, channel: str, user_ref: str) -> list[Mark]:
    """A user's marks (or the station's list), soonest expiry first."""
    query = select(Mark).where(Mark.owner_channel == channel, Mark.owner_ref == user_ref)
    return list(session.exec(query.order_by(col(Mark.expiry_date), col(Mark.id))))


def find_mark(*, session: Session, channel: str, user_ref: str, number: str) -> Mark | None:
    """One owner's mark by registration number."""
    query = select(Mark).where(
        Mark.owner_channel == channel,
        Mark.owner_ref == user_ref,
        Mark.registration_number == number,
    )
    return session.exec(query).first()


def set_consent(
    *, session: Session, channel: str, user_ref: str, granted: bool, now: dt.datetime
) -> int:
    """Record the owner's yes / no to reminders on all their marks; returns how many."""
    rows = marks_of(session=session, channel=channel, user_ref=user_ref)
    for mark in rows:
        mark.consent, mark.consent_at, mark.updated_at = granted, now, now
        session.add(mark)
    return len(rows)


def reminders_of(*, session: Session, mark_id: int) -> list[MarkReminder]:
    """A mark's reminder history, oldest first."""
    query = select(MarkReminder).where(MarkReminder.mark_id == mark_id)
    return list(session.exec(query.order_by(col(MarkReminder.due_date), col(MarkReminder.id))))


def delete_owner_marks(*, session: Session, channel: str, user_ref: str) -> int:
    """Delete a user's marks and their reminder history (deletion with the user's data)."""
    ids = [m.id for m in marks_of(session=session, channel=channel, user_ref=user_ref)]
    if not ids:
        return 0
    session.exec(delete(MarkReminder).where(col(MarkReminder.mark_id).in_(ids)))  # type: ignore[call-overload]
    session.exec(delete(Mark).where(col(Mark.id).in_(ids)))  # type: ignore[call-overload]
    return len(ids)


def delete_mark(*, session: Session, mark: Mark) -> None:
    """Remove one mark with its reminder history."""
    session.exec(delete(MarkReminder).where(col(MarkReminder.mark_id) == mark.id))  # type: ignore[call-overload]
    session.delete(mark)


def claim_reminders(*, session: Session, rows: list[dict[str, Any]]) -> set[int]:
    """Insert reminder rows, skipping those that exist (another pass was first); returns the
    mark ids whose row this call inserted. The unique constraint decides, so two workers
    racing on the same reminder cannot both win."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        make(MarkReminder.__table__)  # type: ignore[arg-type,attr-defined]
        .on_conflict_do_nothing(index_elements=["mark_id", "expiry_date", "milestone"])
        .returning(MarkReminder.__table__.c.mark_id)  # type: ignore[attr-defined]
    )
    return {mark_id for (mark_id,) in session.execute(stmt, rows)}
