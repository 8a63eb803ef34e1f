"""A turn's append-only rows (reply lines, question log, delivery record) as core inserts.

They are written once and never read back within the turn, so building ORM objects for them (a
SQLModel instance each, identity map, unit of work) is cost without use: the turn writes them
with plain INSERTs, after flushing its pending ORM rows so transcript ids stay in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from storage.models import ChatMessage, ProcessedDelivery, QuestionLog, utcnow

__all__ = ("write_turn_rows",)

_MESSAGES = insert(ChatMessage.__table__)  # type: ignore[attr-defined]
_QUESTIONS = insert(QuestionLog.__table__)  # type: ignore[attr-defined]
_DELIVERIES = insert(ProcessedDelivery.__table__)  # type: ignore[attr-defined]


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
    session.flush()  # the user's line (and any skill's rows) first: transcript order is id order
    now = now or utcnow()
    if replies:
        # PostgreSQL text cannot hold NUL; a transcript line must never fail on what was said.
        rows = [
            {
                "channel": channel,
                "user_ref": user_ref,
                "direction": "out",
                "sender": "bot",
                "text": text[:8000].replace("\x00", ""),
                "created_at": now,
            }
            for text in replies
        ]
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
