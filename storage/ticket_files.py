"""Files of a handoff: those the user sent (images, voice, documents), fetched through the
channel's media API and kept with the ticket for staff (WeChat's media expire after 3 days), and
those staff send back to the user (`sent_by`), delivered through the outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utcnow

__all__ = ("MAX_FILE_BYTES", "TicketFile", "add_file", "files_for", "get_file")

MAX_FILE_BYTES = 20 * 1024 * 1024  # Telegram's getFile limit; WeChat's media are smaller


class TicketFile(SQLModel, table=True):
    """One file attached to a ticket."""

    __tablename__ = "ticket_file"
    id: int | None = Field(default=None, primary_key=True)
    ticket_number: str = Field(max_length=20, index=True)
    channel: str = Field(max_length=20)
    kind: str = Field(max_length=20)  # image | voice | video | file | document ...
    sent_by: str | None = Field(default=None, max_length=80)  # staff who sent it; None = the user
    filename: str = Field(max_length=200)
    mime: str = Field(default="application/octet-stream", max_length=100)
    size: int = 0
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


def add_file(
    *,
    session: Session,
    ticket_number: str,
    channel: str,
    kind: str,
    filename: str,
    mime: str,
    content: bytes,
    sent_by: str | None = None,
) -> TicketFile:
    """Keep a file with its ticket: one the user sent (fetched), or one staff send back."""
    row = TicketFile(
        ticket_number=ticket_number,
        channel=channel,
        kind=kind,
        filename=filename[:200],
        mime=(mime or "application/octet-stream")[:100],
        size=len(content),
        content=content,
        sent_by=sent_by[:80] if sent_by else None,
    )
    session.add(row)
    session.flush()
    return row


def files_for(*, session: Session, ticket_number: str) -> list[TicketFile]:
    """A ticket's files, oldest first."""
    query = select(TicketFile).where(TicketFile.ticket_number == ticket_number)
    return list(session.exec(query.order_by(col(TicketFile.id))))


def get_file(*, session: Session, ticket_number: str, file_id: int) -> TicketFile | None:
    """One file of a ticket (None when it belongs to another ticket)."""
    row = session.get(TicketFile, file_id)
    return row if row is not None and row.ticket_number == ticket_number else None
