"""Signed-in staff sessions kept on the server, so signing out ends a session for good.

The cookie only carries a random session id; a copied cookie stops working at logout because
the row is closed here. Only a hash of the id is stored (a database reader cannot sign in).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel, col

from storage.models import utcnow

__all__ = ("StaffSession", "end_session", "open_session", "session_is_open", "start_session")


class StaffSession(SQLModel, table=True):
    """One sign-in of a staff account; ended_at is set by logout."""

    __tablename__ = "staff_session"
    id: str = Field(primary_key=True, max_length=64)  # sha256 of the cookie's session id
    account_id: int = Field(foreign_key="staff_account.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    ended_at: dt.datetime | None = None


def _key(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def start_session(*, session: Session, account_id: int, now: dt.datetime) -> str:
    """A new session id for the cookie (its hash is stored)."""
    sid = secrets.token_urlsafe(32)
    session.add(StaffSession(id=_key(sid), account_id=account_id, created_at=now))
    return sid


def open_session(*, session: Session, sid: object, account_id: int) -> StaffSession | None:
    """The open session row behind a cookie's id for this account, if any."""
    if not isinstance(sid, str) or not sid or len(sid) > 100:
        return None
    row = session.get(StaffSession, _key(sid))
    if row is None or row.ended_at is not None or row.account_id != account_id:
        return None
    return row


def session_is_open(*, session: Session, sid: object, account_id: int) -> bool:
    """Whether the cookie's session is still open for this account."""
    return open_session(session=session, sid=sid, account_id=account_id) is not None


def end_session(*, session: Session, sid: object, now: dt.datetime) -> None:
    """Close the session (logout): its cookie no longer signs anyone in."""
    if isinstance(sid, str) and sid:
        session.exec(  # type: ignore[call-overload]
            update(StaffSession)
            .where(col(StaffSession.id) == _key(sid), col(StaffSession.ended_at).is_(None))
            .values(ended_at=now)
        )
