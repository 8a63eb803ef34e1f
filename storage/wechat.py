"""WeChat Official Account state: followers and their customer-service windows, deliveries being
answered under the 5-second rule, and subscription-notice (订阅通知) consent.

Window rules since 2023-06-12: after a user message tmbot may send up to 5 customer-service
messages within 48 hours; after a menu click, follow or scan, 3 within 1 minute. Counters are
taken with compare-and-set updates so two workers never overspend a window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import JSON, Column, UniqueConstraint, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.light import on_its_own, scope_now
from storage.models import utcnow
from storage.outbox import release_waiting
from storage.raw_sql import light_dialect
from storage.wechat_sql import execute

__all__ = (
    "EVENT_WINDOW",
    "MESSAGE_WINDOW",
    "WechatConsent",
    "WechatDelivery",
    "WechatUser",
    "claim_and_reopen",
    "claim_delivery",
    "defer_delivery",
    "finish_delivery",
    "get_delivery",
    "give_back_consent",
    "give_back_window_slot",
    "record_interaction",
    "record_subscribe_consent",
    "record_subscription",
    "release_delivery",
    "reopen_window",
    "revoke_subscribe_consent",
    "set_delivery_status",
    "take_consent",
    "take_window_slot",
    "window_closed_reason",
)

Interaction = Literal["message", "event"]
MESSAGE_WINDOW = (dt.timedelta(hours=48), 5)
EVENT_WINDOW = (dt.timedelta(minutes=1), 3)


class WechatUser(SQLModel, table=True):
    """One WeChat user of the account: follow status and customer-service window counters."""

    __tablename__ = "wechat_user"
    openid: str = Field(primary_key=True, max_length=64)
    subscribed: bool = True
    subscribed_at: dt.datetime | None = None
    unsubscribed_at: dt.datetime | None = None
    message_at: dt.datetime | None = None  # the user's last message opens 5 sends / 48 h
    message_sent: int = 0
    event_at: dt.datetime | None = None  # last menu click / follow / scan: 3 sends / 1 min
    event_sent: int = 0
    updated_at: dt.datetime = Field(default_factory=utcnow)


class WechatDelivery(SQLModel, table=True):
    """One inbound delivery being answered; `status` says who delivers the answer.

    running -> replied (answered passively in time) | deferred (answered `success`; the answer
    goes through the outbox) -> ready (answer computed) -> done (queued for sending).
    """

    __tablename__ = "wechat_delivery"
    __table_args__ = (UniqueConstraint("delivery_id"),)
    id: int | None = Field(default=None, primary_key=True)
    delivery_id: str = Field(max_length=128)
    openid: str = Field(max_length=64)
    status: str = Field(default="running", max_length=10)
    chunks: list[str] | None = Field(default=None, sa_column=Column(JSON))
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class WechatConsent(SQLModel, table=True):
    """A user's consent to receive subscription notices through one template."""

    __tablename__ = "wechat_consent"
    __table_args__ = (UniqueConstraint("openid", "template_id"),)
    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(max_length=64)
    template_id: str = Field(max_length=128)
    remaining: int = 0  # one-time consents not used yet (each 'accept' allows one notice)
    long_term: bool = False  # long-term subscription: no count
    updated_at: dt.datetime = Field(default_factory=utcnow)


def _user(session: Session, openid: str) -> WechatUser:
    user = session.get(WechatUser, openid)
    if user is None:
        user = WechatUser(openid=openid)
        try:
            with session.begin_nested():
                session.add(user)
        except IntegrityError:  # created by another worker meanwhile
            user = session.exec(select(WechatUser).where(WechatUser.openid == openid)).one()
    return user


def record_interaction(
    *, session: Session, openid: str, kind: Interaction, at: dt.datetime
) -> None:
    """Open (or re-open) a customer-service window; a retried delivery changes nothing."""
    execute(session, f"seen_{kind}", openid=openid, at=at, now=scope_now(session))


def reopen_window(*, session: Session, openid: str, kind: Interaction, at: dt.datetime) -> None:
    """The user wrote (or clicked): `record_interaction`, then `release_waiting` (what waited
    in the outbox for the user is due now, first, in order). On PostgreSQL in a light scope,
    one statement (the release with the window's upsert in its WITH clause): neither reads
    what the other writes."""
    if light_dialect(session) != "postgresql":
        record_interaction(session=session, openid=openid, kind=kind, at=at)
        release_waiting(session=session, sender="wechat", recipient=openid, now=at)
        return
    now = scope_now(session)
    execute(session, f"reopen_{kind}", openid=openid, at=at, now=now, **_released(openid, at))


def _released(openid: str, at: dt.datetime) -> dict[str, Any]:
    """The parameters of the outbox's release (`release_waiting`) in a combined statement."""
    return {"b_sender": "wechat", "b_recipient": openid, "b_now": at}


def record_subscription(
    *, session: Session, openid: str, subscribed: bool, at: dt.datetime
) -> None:
    """A follow or unfollow event."""
    user = _user(session, openid)
    user.subscribed = subscribed
    if subscribed:
        user.subscribed_at = at
    else:
        user.unsubscribed_at = at
    user.updated_at = utcnow()
    session.add(user)


def _try_slot(session: Session, openid: str, kind: Interaction, now: dt.datetime) -> bool:
    span, limit = MESSAGE_WINDOW if kind == "message" else EVENT_WINDOW
    at_col, sent_col = (
        (WechatUser.message_at, WechatUser.message_sent)
        if kind == "message"
        else (WechatUser.event_at, WechatUser.event_sent)
    )
    result = session.exec(
        update(WechatUser)
        .where(
            col(WechatUser.openid) == openid,
            col(WechatUser.subscribed).is_(True),
            col(at_col) >= now - span,
            col(sent_col) < limit,
        )
        .values({sent_col: sent_col + 1})
    )
    return bool(result.rowcount == 1)


def take_window_slot(*, session: Session, openid: str, now: dt.datetime) -> Interaction | None:
    """Spend one customer-service message of the user's open window, or None when closed.

    The short event window is spent first so the 48-hour one lasts.
    """
    for kind in ("event", "message"):
        if _try_slot(session, openid, kind, now):
            return kind
    return None


def give_back_window_slot(*, session: Session, openid: str, kind: Interaction) -> None:
    """Return a slot whose send failed for a reason worth retrying."""
    sent_col = WechatUser.message_sent if kind == "message" else WechatUser.event_sent
    session.exec(
        update(WechatUser)
        .where(col(WechatUser.openid) == openid, col(sent_col) > 0)
        .values({sent_col: sent_col - 1})
    )


def window_closed_reason(*, session: Session, openid: str, now: dt.datetime) -> str:
    """Why no customer-service message can go to the user now (for staff)."""
    user = session.get(WechatUser, openid)
    if user is not None and not user.subscribed:
        return "WeChat user unfollowed the account"
    if user is None or user.message_at is None:
        if user is not None and user.event_at is not None:
            return "WeChat window of 3 messages within 1 minute of a menu click or follow passed"
        return "WeChat customer-service window closed: the user never wrote to the account"
    if user.message_at < now - MESSAGE_WINDOW[0]:
        return "WeChat 48-hour window passed"
    return "WeChat limit of 5 messages per user message reached"


def record_subscribe_consent(
    *, session: Session, openid: str, template_id: str, times: int = 1, long_term: bool = False
) -> WechatConsent:
    """The user accepted subscription notices of `template_id` (`times` one-time consents)."""
    query = select(WechatConsent).where(
        WechatConsent.openid == openid, WechatConsent.template_id == template_id
    )
    row = session.exec(query).first()
    if row is None:
        row = WechatConsent(openid=openid, template_id=template_id)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = session.exec(query).one()
    row.remaining += max(times, 0)
    row.long_term = row.long_term or long_term
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def revoke_subscribe_consent(*, session: Session, openid: str, template_id: str) -> None:
    """The user turned the template's notices off."""
    session.exec(
        update(WechatConsent)
        .where(col(WechatConsent.openid) == openid, col(WechatConsent.template_id) == template_id)
        .values(remaining=0, long_term=False, updated_at=utcnow())
    )


def take_consent(*, session: Session, openid: str, template_id: str) -> bool:
    """Use one consent for a notice; False when the user has none left."""
    base = (col(WechatConsent.openid) == openid, col(WechatConsent.template_id) == template_id)
    long_term = session.exec(
        select(WechatConsent.id).where(*base, col(WechatConsent.long_term).is_(True))
    ).first()
    if long_term is not None:
        return True
    result = session.exec(
        update(WechatConsent)
        .where(*base, col(WechatConsent.remaining) > 0)
        .values(remaining=WechatConsent.remaining - 1)
    )
    return bool(result.rowcount == 1)


def give_back_consent(*, session: Session, openid: str, template_id: str) -> None:
    """Return a one-time consent whose notice failed for a reason worth retrying."""
    session.exec(
        update(WechatConsent)
        .where(
            col(WechatConsent.openid) == openid,
            col(WechatConsent.template_id) == template_id,
            col(WechatConsent.long_term).is_(False),
        )
        .values(remaining=WechatConsent.remaining + 1)
    )


def claim_and_reopen(
    connection: Connection, *, delivery_id: str, openid: str, kind: Interaction, at: dt.datetime
) -> bool:
    """`claim_delivery` and, when claimed, `reopen_window`, as one statement that commits by
    itself (PostgreSQL) on `connection` (held, not in a transaction): a message's claim without
    the round trips of BEGIN, COMMIT and a second statement. A statement is atomic: the window
    opens and the outbox releases iff the claim is taken, as in one transaction."""
    with on_its_own(connection) as session:
        now = scope_now(session)
        params = {"delivery_id": delivery_id, "openid": openid, "at": at, "now": now}
        result = execute(session, f"claim_reopen_{kind}", **params, **_released(openid, at))
    return result.first() is not None


def claim_delivery(*, session: Session, delivery_id: str, openid: str) -> bool:
    """Start answering a delivery; False when another request (a retry) already did.

    INSERT ... ON CONFLICT DO NOTHING RETURNING: no savepoint, no exception, and a returned
    row is reliable where rowcount is not (psycopg).
    """
    now = scope_now(session)
    result = execute(session, "claim", delivery_id=delivery_id, openid=openid, now=now)
    return result.first() is not None


def get_delivery(*, session: Session, delivery_id: str) -> WechatDelivery | None:
    """The delivery's row, read fresh."""
    query = select(WechatDelivery).where(WechatDelivery.delivery_id == delivery_id)
    return session.exec(query.execution_options(populate_existing=True)).first()


def _cas(session: Session, delivery_id: str, old: str, new: str, **chunks: Any) -> bool:
    name = "cas_chunks" if chunks else "cas"
    now = scope_now(session)
    result = execute(session, name, d_id=delivery_id, old=old, new=new, now=now, **chunks)
    return bool(result.rowcount == 1)


def finish_delivery(*, session: Session, delivery_id: str, chunks: list[str]) -> bool:
    """Store the answer; True when it goes out passively, False when it was deferred."""
    if _cas(session, delivery_id, "running", "replied", chunks=chunks):
        return True
    _cas(session, delivery_id, "deferred", "ready", chunks=chunks)
    return False


def defer_delivery(*, session: Session, delivery_id: str) -> bool:
    """Give up answering passively; False when the answer was finished first."""
    return _cas(session, delivery_id, "running", "deferred")


def set_delivery_status(*, session: Session, delivery_id: str, old: str, new: str) -> bool:
    """Compare-and-set a delivery's status."""
    return _cas(session, delivery_id, old, new)


def release_delivery(*, session: Session, delivery_id: str) -> bool:
    """Drop a claim whose run failed before anything was answered, so WeChat's retry runs it."""
    from sqlalchemy import delete

    result = session.exec(  # type: ignore[call-overload]
        delete(WechatDelivery).where(
            col(WechatDelivery.delivery_id) == delivery_id, col(WechatDelivery.status) == "running"
        )
    )
    return bool(result.rowcount)
