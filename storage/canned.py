"""Canned replies for the staff console, kept in the database so admins edit them in both
languages; each may be limited to some channels (a request for photos is useless on the web
chat, which cannot send pictures). Seeded by migration 0011 from the former built-in set."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utcnow

__all__ = ("CannedReply", "canned_for", "get_canned", "list_canned", "save_canned")


class CannedReply(SQLModel, table=True):
    """One reusable reply; `channels` is a comma list, empty for every channel."""

    __tablename__ = "canned_reply"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    label: str = Field(max_length=60)
    text_zh: str = Field(max_length=2000)
    text_en: str = Field(max_length=2000)
    channels: str = Field(default="", max_length=60)
    position: int = 0
    active: bool = True
    updated_by: str = Field(default="system", max_length=80)
    updated_at: dt.datetime = Field(default_factory=utcnow)

    def text(self, lang: str) -> str:
        """The reply in the user's language ('en', otherwise Chinese)."""
        return self.text_en if lang == "en" else self.text_zh

    def fits(self, channel: str) -> bool:
        """Whether the reply makes sense on `channel`."""
        allowed = [c.strip() for c in self.channels.split(",") if c.strip()]
        return not allowed or channel in allowed


def list_canned(*, session: Session) -> list[CannedReply]:
    """Every canned reply, in button order."""
    query = select(CannedReply).order_by(col(CannedReply.position), col(CannedReply.id))
    return list(session.exec(query))


def canned_for(*, session: Session, channel: str) -> list[CannedReply]:
    """The active replies offered on a ticket of `channel`."""
    return [c for c in list_canned(session=session) if c.active and c.fits(channel)]


def get_canned(*, session: Session, key: str) -> CannedReply | None:
    """The reply with this key."""
    return session.exec(select(CannedReply).where(CannedReply.key == key)).first()


def save_canned(*, session: Session, reply: CannedReply, author: str) -> CannedReply:
    """Insert or update a reply, stamped with its editor."""
    reply.updated_by, reply.updated_at = author, utcnow()
    session.add(reply)
    session.flush()
    return reply
