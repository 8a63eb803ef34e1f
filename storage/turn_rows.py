"""A turn's append-only rows (the user's line, reply lines, question log, delivery record) as
core inserts.

They are written once and never read back within the turn, so building ORM objects for them (a
SQLModel instance each, identity map, unit of work) is cost without use: the turn writes them
with plain INSERTs. Transcript ids stay in order: the user's line is held until the session's
first flush (a skill's own rows, e.g. a handoff notice, come after it) or the turn's end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import event, insert
from sqlmodel import Session

from storage.models import ChatMessage, ProcessedDelivery, QuestionLog, utcnow

__all__ = ("hold_user_line", "write_turn_rows")

_MESSAGES = insert(ChatMessage.__table__)  # type: ignore[attr-defined]
_QUESTIONS = insert(QuestionLog.__table__)  # type: ignore[attr-defined]
_DELIVERIES = insert(ProcessedDelivery.__table__)  # type: ignore[attr-defined]
_HELD = "tmbot.user_line"


def _line(
    channel: str,
    user_ref: str,
    direction: str,
    sender: str,
    text: str,
    *,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    # PostgreSQL text cannot hold NUL; a transcript line must never fail on what was said.
    clean = text[:8000].replace("\x00", "")
    return {
        "channel": channel,
        "user_ref": user_ref,
        "direction": direction,
        "sender": sender,
        "text": clean,
        "created_at": at or utcnow(),
    }


def hold_user_line(*, session: Session, channel: str, user_ref: str, text: str) -> None:
    """The user's transcript line, written before anything else the session writes."""
    session.info[_HELD] = _line(channel, user_ref, "in", "user", text)


def _write_held(session: Session) -> None:
    row = session.info.pop(_HELD, None)
    if row is not None:
        session.connection().execute(_MESSAGES, [row])


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
        session.connection().execute(_MESSAGES, [held])
        held = None
    session.flush()
    now = now or utcnow()
    rows = [_line(channel, user_ref, "out", "bot", text, at=now) for text in replies]
    if held is not None:
        rows.insert(0, held)
    if rows:
        session.execute(_MESSAGES, rows)
    if question is not None:
        row = {"channel": channel, "user_ref": user_ref, "created_at": now, "feedback": None}
        row.update(question)
        row["question"] = str(row.get("question", ""))[:2000].replace("\x00", "")
        session.execute(_QUESTIONS, [row])
    if delivery is not None:
        delivery_id, response = delivery
        session.execute(
            _DELIVERIES,
            [
                {
                    "channel": channel,
                    "delivery_id": delivery_id,
                    "response": response,
                    "created_at": now,
                }
            ],
        )
