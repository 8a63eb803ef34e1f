"""A turn's transaction and its append-only rows (the user's line, reply lines, question log,
delivery record) as core inserts.

They are written once and never read back within the turn, so building ORM objects for them (a
SQLModel instance each, identity map, unit of work) is cost without use: the turn writes them
with plain INSERTs, run below SQLAlchemy's execution path (storage/raw_sql.py). Transcript ids
stay in order: the user's line is held until the session's first flush (a skill's own rows,
e.g. a handoff notice, come after it) or the turn's end.

On PostgreSQL a turn without an ORM session writes its state row and all these rows in one
statement (the INSERT of the lines, the others in data-modifying WITH clauses): one statement
and round trip instead of four or five, each of which cost the server a backend's wake-up,
bind and executor start, and the worker the same on its side. Nothing in the statement reads
what another part writes, so running them together changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, event, insert
from sqlalchemy.sql import Executable
from sqlmodel import Session

from storage.conversations import TurnState, save_state, state_statement, state_update
from storage.light import LightSession, scope_now
from storage.models import ChatMessage, ProcessedDelivery, QuestionLog
from storage.raw_sql import execute, execute_many, insert_values, light_dialect

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
    return {
        "line": _into(ChatMessage, _LINE_KEYS),
        "question": _into(QuestionLog, _QUESTION_KEYS),
        "delivery": _into(ProcessedDelivery, _DELIVERY_KEYS),
    }


# (state columns written, lines, question logged, delivery recorded)
_Shape = tuple[tuple[str, ...], int, bool, bool]


class _TurnWrites(dict[_Shape, Executable]):
    """PostgreSQL's one statement of a turn's writes, by shape (made on first use): the INSERT
    of the lines (parameters l<i>_<column>) with the state's UPDATE (b_<column>), the question
    log's INSERT (q_<column>) and the delivery's (d_<column>) in its WITH clause."""

    def __init__(self, dialect: str) -> None:
        super().__init__()
        self.dialect = dialect

    def __missing__(self, shape: _Shape) -> Executable:
        changed, lines, asked, delivered = shape
        ctes = [state_statement(self.dialect, changed).cte("turn_state")]  # type: ignore[attr-defined]
        if asked:
            ctes.append(_into(QuestionLog, _QUESTION_KEYS, "q_").cte("turn_question"))
        if delivered:
            ctes.append(_into(ProcessedDelivery, _DELIVERY_KEYS, "d_").cte("turn_delivery"))
        table: Table = ChatMessage.__table__  # type: ignore[attr-defined]
        rows = [insert_values(table, _LINE_KEYS, f"l{i}_") for i in range(lines)]
        statement = insert(table).values(rows).add_cte(*ctes)
        self[shape] = statement
        return statement


def _into(model: Any, keys: tuple[str, ...], prefix: str = "") -> Any:
    table: Table = model.__table__
    return insert(table).values(insert_values(table, keys, prefix))


@cache
def _together(dialect: str) -> _TurnWrites:
    return _TurnWrites(dialect)


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
    state: TurnState | None = None,
) -> None:
    """The bot's reply lines, the question log row and the delivery record of one turn, and
    `state` (`save_state`, first) when given.

    `now` is the turn's clock (the conversation's), so "the question asked a minute ago" is
    found by the same clock that asks. A delivery id another worker recorded first fails here
    with IntegrityError, like a flush.
    """
    # One statement on PostgreSQL, in a light scope without an ORM session (whose pending
    # objects are flushed between the state and the lines).
    together = state is not None and light_dialect(session) == "postgresql"
    if state is not None and not together:
        save_state(session=session, state=state)
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
    if together:
        assert state is not None
        _write_together(session, state, rows, channel, user_ref, question, delivery, now)
        return
    if len(rows) == 1:
        execute(session, _statements, "line", rows[0])
    else:
        execute_many(session, _statements, "line", rows)
    if question is not None:
        execute(session, _statements, "question", _asked(channel, user_ref, question, now))
    if delivery is not None:
        execute(session, _statements, "delivery", _delivered(channel, delivery, now))


def _asked(
    channel: str, user_ref: str, question: dict[str, Any], now: dt.datetime
) -> dict[str, Any]:
    row = {"channel": channel, "user_ref": user_ref, "created_at": now, "feedback": None}
    row.update(question)
    row["question"] = str(row.get("question", ""))[:2000].replace("\x00", "")
    return row


def _delivered(
    channel: str, delivery: tuple[str, dict[str, Any]], now: dt.datetime
) -> dict[str, Any]:
    delivery_id, response = delivery
    return {"channel": channel, "delivery_id": delivery_id, "response": response, "created_at": now}


def _write_together(
    session: Session,
    state: TurnState,
    lines: list[dict[str, Any]],
    channel: str,
    user_ref: str,
    question: dict[str, Any] | None,
    delivery: tuple[str, dict[str, Any]] | None,
    now: dt.datetime,
) -> None:
    changed, values = state_update(session=session, state=state)
    for i, line in enumerate(lines):
        values.update({f"l{i}_{key}": value for key, value in line.items()})
    if question is not None:
        asked = _asked(channel, user_ref, question, now)
        values.update({f"q_{key}": value for key, value in asked.items()})
    if delivery is not None:
        delivered = _delivered(channel, delivery, now)
        values.update({f"d_{key}": value for key, value in delivered.items()})
    shape = (changed, len(lines), question is not None, delivery is not None)
    execute(session, _together, shape, values)
