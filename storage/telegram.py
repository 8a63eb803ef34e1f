"""Telegram button payloads longer than the 64 bytes `callback_data` allows, kept under a token.

The token is derived from the payload, so every worker computes the same one and a second insert
is a no-op; any worker can resolve a button pressed on a keyboard another worker sent.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from storage.models import utcnow

__all__ = ("TOKEN_PREFIX", "TelegramCallback", "callback_payload", "callback_token")

TOKEN_PREFIX = "~"  # core payloads look like "prefix:args" and never start with it


class TelegramCallback(SQLModel, table=True):
    """One long button payload and the short token sent as its `callback_data`."""

    __tablename__ = "telegram_callback"
    token: str = Field(primary_key=True, max_length=32)
    payload: str = Field(max_length=2000)
    created_at: dt.datetime = Field(default_factory=utcnow)


def _token(payload: str) -> str:
    digest = hashlib.sha256(payload.encode()).digest()[:15]
    return TOKEN_PREFIX + base64.urlsafe_b64encode(digest).decode()


def callback_token(*, session: Session, payload: str) -> str:
    """The token standing for `payload`, stored on first use."""
    token = _token(payload)
    if session.get(TelegramCallback, token) is None:
        try:
            with session.begin_nested():
                session.add(TelegramCallback(token=token, payload=payload))
        except IntegrityError:
            pass  # another worker stored the same payload under the same token
    return token


def callback_payload(*, session: Session, token: str) -> str | None:
    """The payload a token stands for, or None when unknown."""
    row = session.get(TelegramCallback, token)
    return row.payload if row is not None else None
