"""A turn's transaction and its append-only rows (the user's line, reply lines, question log,
delivery record) as core inserts.

They are written once and never read back within the turn, so building ORM objects for them (a
SQLModel instance each, identity map, unit of work) is cost without use: the turn writes them
with plain INSERTs, run below SQLAlchemy's execution path (storage/raw_sql.py). Transcript ids
stay in order: the user's line is held until the session's first flush (a skill's own rows,
e.g. a handoff notice, come after it) or the turn's end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, event, insert
from sqlalchemy.sql import Executable
from sqlmodel import Session

from storage.light import LightSession, scope_now
from storage.models import ChatMessage, ProcessedDelivery, QuestionLog
from storage.raw_sql import execute, execute_many, insert_values

__all__ = ("TurnSession", "hold_user_line", "write_turn_rows")

_HELD = "tmbot.user_line"
_LINE_KEYS = ("channel", "user_ref", "direction", "sender", "text", "created_at")
_QUESTION_KEYS: tuple[str, ...] = (
    "channel",
    "user_ref",
    "created_at",
    "feedback",
    "question",
    "lang",
    "intent",
)
_QUESTION_KEYS += ("outcome", "faq_id", "topic", "score", "tool")
_DELIVERY_KEYS = ("channel", "delivery_id", "response", "created_at")


@cache
def _statements(_dialect: str) -> dict[str, Executable]:
    def into(model: Any, keys: tuple[str, ...]) -> Executable:
        table: Table = model.__table__
        return insert(table).values(insert_values(table, keys))

    return {
        "line": into(ChatMessage, _LINE_KEYS),
        "question": into(QuestionLog, _QUESTION_KEYS),
        "delivery": into(ProcessedDelivery, _DELIVERY_KEYS),
    }


def _line(
    channel: str,
    user_ref: str,
    direction: str,
    sender: str,
    text: str,
    at: dt.datetime,
) -> dict[str, Any]:
    # PostgreSQL text cannot hold NUL; a transcript line must never fail on what was said.
    clean = text[:8000].replace("\x00", "")
    return {
        "channel": channel,
        "user_ref": user_ref,
        "direction": direction,
        "sender": sender,
        "text": clean,
        "created_at": at,
    }


def hold_user_line(*, session: Session, channel: str, user_ref: str, text: str) -> None:
    """The user's transcript line, written before anything else the session writes."""
    session.info[_HELD] = _line(channel, user_ref, "in", "user", text, scope_now(session))


def _write_held(session: Session) -> None:
    row = session.info.pop(_HELD, None)
    if row is not None:
        execute(session, _statements, "line", row)


class TurnSession(LightSession):
    """A turn's transaction (storage/light.py, no ORM session unless a skill uses one) whose
    flush writes the user's held line first even when the ORM has nothing to write: a skill
    flushes to read this turn's own line back (a ticket's transcript range, the privacy
    summary, a redacted contact line)."""

    __slots__ = ()

    def flush(self) -> None:
        _write_held(cast(Session, self))
        super().flush()


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: object, _instances: object) -> None:
    _write_held(session)


@event.listens_for(Session, "after_rollback")
def _drop_held(session: Session) -> None:
    session.info.pop(_HELD, None)


def write_turn_rows(
    *,
    session: Session,
    channel: str,
    user_ref: str,
    replies: Sequence[str],
    question: dict[str, Any] | None,
    delivery: tuple[str, dict[str, Any]] | None,
    now: dt.datetime | None = None,
) -> None:
    """The bot's reply lines, the question log row and the delivery record of one turn.

    `now` is the turn's clock (the conversation's), so "the question asked a minute ago" is
    found by the same clock that asks. A delivery id another worker recorded first fails here
    with IntegrityError, like a flush.
    """
    # Transcript order is id order: the user's line, any skill's rows, the replies. Without a
    # skill's rows the user's line goes in one statement with the replies.
    held = session.info.pop(_HELD, None)
    if held is not None and (session.new or session.dirty or session.deleted):
        execute(session, _statements, "line", held)
        held = None
    session.flush()
    now = now or scope_now(session)
    rows = [_line(channel, user_ref, "out", "bot", text, now) for text in replies]
    if held is not None:
        rows.insert(0, held)
    if len(rows) == 1:
        execute(session, _statements, "line", rows[0])
    else:
        execute_many(session, _statements, "line", rows)
    if question is not None:
        row = {"channel": channel, "user_ref": user_ref, "created_at": now, "feedback": None}
        row.update(question)
        row["question"] = str(row.get("question", ""))[:2000].replace("\x00", "")
        execute(session, _statements, "question", row)
    if delivery is not None:
        delivery_id, response = delivery
        row = {"channel": channel, "delivery_id": delivery_id, "response": response}
        row["created_at"] = now
        execute(session, _statements, "delivery", row)
