"""Shared key/value storage for WeChat API credentials (the access token), with expiry and a
refresh lock, so every worker uses one token and only one of them fetches a new one.

WeChat invalidates the previous token on each fetch; per-process caches make workers knock each
other's tokens out (errcode 40001).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from storage.models import utcnow

__all__ = ("WechatKv", "kv_get", "kv_lock", "kv_set", "kv_unlock")


class WechatKv(SQLModel, table=True):
    """One cached credential: value, expiry, and who is refreshing it until when."""

    __tablename__ = "wechat_kv"
    key: str = Field(primary_key=True, max_length=120)
    value: str | None = Field(default=None, max_length=1000)
    expires_at: dt.datetime | None = None
    lock_until: dt.datetime | None = None
    updated_at: dt.datetime = Field(default_factory=utcnow)


def _ensure(session: Session, key: str) -> None:
    if session.get(WechatKv, key) is None:
        try:
            with session.begin_nested():
                session.add(WechatKv(key=key))
        except IntegrityError:
            pass  # another worker created it


def kv_get(engine: Engine, key: str) -> WechatKv | None:
    """The row for `key`, expired or not."""
    with Session(engine, expire_on_commit=False) as session:
        return session.get(WechatKv, key)


def kv_set(engine: Engine, key: str, value: str | None, expires_at: dt.datetime | None) -> None:
    """Store a value (None clears it)."""
    with Session(engine) as session:
        _ensure(session, key)
        session.exec(
            update(WechatKv)
            .where(col(WechatKv.key) == key)
            .values(value=value, expires_at=expires_at, updated_at=utcnow())
        )
        session.commit()


def kv_lock(engine: Engine, key: str, now: dt.datetime, hold: dt.timedelta) -> bool:
    """Take the refresh lock of `key` until now + hold; False when another worker holds it."""
    with Session(engine) as session:
        _ensure(session, key)
        result = session.exec(
            update(WechatKv)
            .where(
                col(WechatKv.key) == key,
                (col(WechatKv.lock_until).is_(None)) | (col(WechatKv.lock_until) < now),
            )
            .values(lock_until=now + hold)
        )
        session.commit()
        return bool(result.rowcount == 1)


def kv_unlock(engine: Engine, key: str) -> None:
    """Release the refresh lock."""
    with Session(engine) as session:
        session.exec(update(WechatKv).where(col(WechatKv.key) == key).values(lock_until=None))
        session.commit()
