"""The outbox: every message tmbot must deliver later (staff notices, relayed replies, reminders).

Rows are claimed with a lease so two workers never send the same row, and a failed send is
rescheduled with backoff rather than dropped.

A message of several parts (a long staff reply) is one row per part, sharing `message_key`;
each part is sent once and retried alone. Rows to one recipient go out strictly in order: a
row is not claimed while an earlier row to the same sender and recipient is unsent (pending,
sending or waiting). `waiting` rows wait for the user (WeChat's 48-hour window) and are
released by `release_waiting` when the user writes again.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Index,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    exists,
    insert,
    or_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, SQLModel, col, select

from storage.light import scope_now
from storage.models import utcnow
from storage.raw_sql import Done, execute, insert_values

__all__ = (
    "LEASE",
    "RETRY_FOR",
    "UNSENT",
    "OutboxMessage",
    "claim_backlog",
    "claim_due",
    "enqueue",
    "enqueue_many",
    "enqueue_new",
    "has_unsent",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "mark_waiting",
    "release_statement",
    "release_waiting",
    "renew_lease",
    "retry_now",
)

# Statuses that hold back later rows to the same recipient.
UNSENT = ("pending", "sending", "waiting")
# `next_attempt_at` of a row due at once: due for any worker clock (tests run the worker on a
# fixed clock; production's clocks agree anyway).
ASAP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# A temporary failure is retried for this long from its first failure before the row fails.
RETRY_FOR = dt.timedelta(hours=24)
# A claim lasts this long unless its worker renews it (the worker's heartbeat renews it while
# the send runs), so a dead worker's rows come back within seconds.
LEASE = dt.timedelta(seconds=30)


class OutboxMessage(SQLModel, table=True):
    """One pending or finished delivery through a named sender (telegram, wechat, web, email ...)."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_recipient", "sender", "recipient", "status"),
        Index("ix_outbox_message_key", "message_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    sender: str = Field(max_length=30)  # which Sender delivers it
    recipient: str = Field(max_length=200)  # chat id, openid, e-mail address, webhook key name
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # pending | sending | waiting (for the user to write) | sent | failed
    status: str = Field(default="pending", max_length=12)
    attempts: int = 0
    max_attempts: int = 8
    next_attempt_at: dt.datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, max_length=1000)
    ref_kind: str | None = Field(default=None, max_length=30)  # ticket | booking | ...
    ref_id: str | None = Field(default=None, max_length=64)
    dedupe_key: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow)
    sent_at: dt.datetime | None = None
    message_key: str | None = Field(default=None, max_length=120)  # the message this part is of
    part: int = 0  # 0-based part number within the message
    parts: int = 1
    sent_via: str | None = Field(default=None, max_length=30)  # e.g. "notice" (WeChat 订阅通知)
    # When the current run of temporary failures began (None once sent); shown to staff.
    failing_since: dt.datetime | None = None


def enqueue(
    *,
    session: Session,
    sender: str,
    recipient: str,
    payload: dict[str, Any],
    ref_kind: str | None = None,
    ref_id: str | None = None,
    dedupe_key: str | None = None,
    not_before: dt.datetime | None = None,
    message_key: str | None = None,
    part: int = 0,
    parts: int = 1,
) -> OutboxMessage:
    """Queue a delivery in the caller's transaction (so it exists iff the change it reports does)."""
    row = OutboxMessage(
        sender=sender,
        recipient=recipient,
        payload=payload,
        ref_kind=ref_kind,
        ref_id=ref_id,
        dedupe_key=dedupe_key,
        next_attempt_at=not_before or ASAP,
        message_key=message_key,
        part=part,
        parts=parts,
    )
    session.add(row)
    session.flush()
    return row


_NEW_KEYS: tuple[str, ...] = ("sender", "recipient", "payload", "ref_kind", "ref_id", "dedupe_key")
_NEW_KEYS += ("next_attempt_at", "status", "attempts", "max_attempts", "created_at")


def _values(rows: list[dict[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """Column values of new pending rows from `enqueue`'s keywords (`dedupe_key` required)."""
    return [
        {
            "sender": r["sender"],
            "recipient": r["recipient"],
            "payload": r["payload"],
            "ref_kind": r.get("ref_kind"),
            "ref_id": r.get("ref_id"),
            "dedupe_key": r["dedupe_key"],
            "next_attempt_at": r.get("not_before") or ASAP,
            "status": "pending",
            "attempts": 0,
            "max_attempts": 8,
            "created_at": now,
        }
        for r in rows
    ]


def enqueue_many(*, session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Queue many deliveries in one statement (keys of `enqueue`, `dedupe_key` required);
    returns the new row id by dedupe key. For bulk senders such as a reminder pass."""
    if not rows:
        return {}
    values = _values(rows, utcnow())
    # Core executemany: one statement, no per-row ORM objects.
    table: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
    stmt = insert(table).returning(table.c.id, table.c.dedupe_key)  # type: ignore[attr-defined]
    return {key: row_id for row_id, key in session.execute(stmt, values)}


def claim_due(
    *, session: Session, now: dt.datetime, limit: int = 20, lease: dt.timedelta | None = None
) -> list[OutboxMessage]:
    """Claim due rows for this worker; a row whose worker died is reclaimed after the lease."""
    lease = lease or LEASE
    earlier = aliased(OutboxMessage)
    # In order per recipient: nothing overtakes an earlier row that has not gone out yet —
    # except one scheduled for later and never tried (a booking reminder due tomorrow).
    blocked = exists().where(
        and_(
            col(earlier.sender) == col(OutboxMessage.sender),
            col(earlier.recipient) == col(OutboxMessage.recipient),
            col(earlier.id) < col(OutboxMessage.id),
            col(earlier.status).in_(UNSENT),
            or_(
                col(earlier.status) != "pending",
                col(earlier.attempts) > 0,
                col(earlier.next_attempt_at) <= now,
            ),
        )
    )
    due = (
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.status).in_(["pending", "sending"]),
            col(OutboxMessage.next_attempt_at) <= now,
            ~blocked,
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    ids = [row_id for row_id in session.exec(due) if row_id is not None]
    return _claim(
        session,
        ids,
        still=(
            col(OutboxMessage.status).in_(["pending", "sending"]),
            col(OutboxMessage.next_attempt_at) <= now,
        ),
        values={
            "status": "sending",
            "next_attempt_at": now + lease,
            "attempts": OutboxMessage.attempts + 1,
        },
    )


def _claim(
    session: Session, ids: list[int], *, still: tuple[Any, ...], values: dict[str, Any]
) -> list[OutboxMessage]:
    # Compare-and-set per row: only the worker whose UPDATE still matches `still` owns the row.
    claimed = []
    for row_id in ids:
        result = session.exec(  # type: ignore[call-overload]
            update(OutboxMessage).where(col(OutboxMessage.id) == row_id, *still).values(**values)
        )
        if result.rowcount == 1:
            claimed.append(row_id)
    session.commit()
    if not claimed:
        return []
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(claimed)))
    return sorted(rows, key=lambda r: r.id or 0)


def claim_backlog(
    *, session: Session, row: OutboxMessage, now: dt.datetime, lease: dt.timedelta, limit: int
) -> list[OutboxMessage]:
    """Claim the due rows queued after `row` to the same sender and recipient (to send them
    combined with it), in order; a row another worker holds is skipped."""
    ids = session.exec(
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.sender) == row.sender,
            col(OutboxMessage.recipient) == row.recipient,
            col(OutboxMessage.status) == "pending",
            col(OutboxMessage.next_attempt_at) <= now,
            col(OutboxMessage.id) > (row.id or 0),
        )
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    ).all()
    return _claim(
        session,
        [i for i in ids if i is not None],
        still=(col(OutboxMessage.status) == "pending",),
        values={"status": "sending", "next_attempt_at": now + lease},
    )


def mark_sent(
    *, session: Session, row: OutboxMessage, now: dt.datetime, via: str | None = None
) -> None:
    """The delivery succeeded (`via`: how, when not the plain channel message)."""
    row.status, row.sent_at, row.last_error, row.sent_via = "sent", now, None, via
    row.failing_since = None
    session.add(row)


def mark_waiting(*, session: Session, row: OutboxMessage, reason: str) -> None:
    """The user cannot be reached now (WeChat window closed): wait until they write again."""
    row.status, row.last_error = "waiting", reason[:1000]
    row.attempts = max(row.attempts - 1, 0)  # waiting is not a failed attempt
    session.add(row)


def release_waiting(*, session: Session, sender: str, recipient: str, now: dt.datetime) -> int:
    """The user wrote: their waiting rows are due now, in their order. Returns how many."""
    params = {"b_sender": sender, "b_recipient": recipient, "b_now": now}
    return int(_execute(session, "release_waiting", params).rowcount or 0)


def release_statement(dialect: str) -> Any:
    """`release_waiting`'s UPDATE (parameters b_sender, b_recipient, b_now), for a statement
    that runs it with another (storage/wechat.py `reopen_window`)."""
    return _statements(dialect)["release_waiting"]


def has_unsent(
    *, session: Session, sender: str, recipient: str, now: dt.datetime | None = None
) -> bool:
    """Whether something queued for the recipient has not gone out yet (a new answer waits);
    rows scheduled for later and never tried do not count."""
    session.flush()  # rows queued in this transaction count (a no-op when nothing is pending)
    params = {"b_sender": sender, "b_recipient": recipient, "b_now": now or utcnow()}
    return _execute(session, "has_unsent", params).first() is not None


def enqueue_new(*, session: Session, rows: list[dict[str, Any]]) -> None:
    """Queue rows (keys of `enqueue`, `dedupe_key` required), skipping any whose dedupe key was
    queued before: no savepoint and no exception for a retry's rows."""
    # One by one: ids (the send order) follow the list's order.
    for row in _values(rows, scope_now(session)):
        _execute(session, "insert_new", row)


def _execute(session: Session, name: str, params: dict[str, Any]) -> Done:
    return execute(session, _statements, name, params)


@cache
def _statements(dialect: str) -> dict[str, Any]:
    """The statements every WeChat message runs, built once per dialect and run below the ORM
    (storage/raw_sql.py): building and executing ORM statements cost more than running them."""
    table: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
    c = table.c
    mine = (c.sender == bindparam("b_sender"), c.recipient == bindparam("b_recipient"))
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    return {
        "release_waiting": update(table)
        .where(*mine, c.status == "waiting")
        .values(status="pending", next_attempt_at=bindparam("b_now")),
        "has_unsent": select(c.id)
        .where(
            *mine,
            or_(*(c.status == status for status in UNSENT)),  # no IN list: compiled once
            or_(c.status != "pending", c.attempts > 0, c.next_attempt_at <= bindparam("b_now")),
        )
        .limit(1),
        "insert_new": upsert(table)
        .values(insert_values(table, _NEW_KEYS))
        .on_conflict_do_nothing(index_elements=[c.dedupe_key]),
    }


def mark_retry(
    *,
    session: Session,
    row: OutboxMessage,
    now: dt.datetime,
    error: str,
    delay: dt.timedelta,
    retry_for: dt.timedelta = RETRY_FOR,
) -> None:
    """A temporary failure: try again after `delay`; the row fails only when it has been
    failing for `retry_for` (24 hours), however many attempts that took."""
    row.last_error = error[:1000]
    if row.failing_since is None:
        row.failing_since = now
    if now - _aware(row.failing_since) >= retry_for:
        row.status = "failed"
    else:
        row.status, row.next_attempt_at = "pending", now + delay
    session.add(row)


def retry_now(*, session: Session, sender: str, now: dt.datetime) -> int:
    """The sender answered again: its rows that were backing off are due at once (in order)."""
    result = session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(
            col(OutboxMessage.sender) == sender,
            col(OutboxMessage.status) == "pending",
            col(OutboxMessage.failing_since).is_not(None),
            col(OutboxMessage.next_attempt_at) > now,
        )
        .values(next_attempt_at=now)
    )
    return int(result.rowcount or 0)


def renew_lease(*, session: Session, row_id: int, until: dt.datetime) -> bool:
    """Extend a claim its worker still holds (the heartbeat while a send runs)."""
    result = session.exec(  # type: ignore[call-overload]
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.status) == "sending")
        .values(next_attempt_at=until)
    )
    session.commit()
    return bool(result.rowcount)


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def mark_failed(*, session: Session, row: OutboxMessage, error: str) -> None:
    """A permanent failure (user blocked the bot, 48-hour window closed): never retried."""
    row.status, row.last_error = "failed", error[:1000]
    session.add(row)
