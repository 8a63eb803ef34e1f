"""Per-user conversation state, transcripts, the question log and delivery de-duplication."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import class_mapper
from sqlalchemy.sql import Executable
from sqlmodel import Session, col, select

from storage.light import scope_now
from storage.models import ChatMessage, ConversationState, ProcessedDelivery, QuestionLog
from storage.raw_sql import as_loaded, commit_at_once, execute, insert_values

__all__ = (
    "TurnState",
    "add_message",
    "claim_delivery",
    "find_delivery",
    "get_state",
    "last_message_id",
    "log_question",
    "mark_suggestion_chosen",
    "pushed_since",
    "read_state",
    "record_delivery",
    "save_state",
    "state_statement",
    "state_update",
    "transcript",
    "transcript_after",
)


@dataclass(slots=True)
class TurnState:
    """The user's state row as a turn reads and writes it: plain attributes, no ORM tracking
    (an ORM object cost a turn about 0.3 M instructions: loading, attaching, instrumented
    reads and writes, expunging), and not its two timestamps, which no turn reads (reading one
    from SQLite parses a string). `save_state` writes it back."""

    id: int
    channel: str
    user_ref: str
    lang: str
    lang_fixed: bool
    status: str
    data: dict[str, Any]
    read: tuple[Any, ...] = ()  # _STATE_CHANGING's values as read: what save_state compares


def read_state(*, session: Session, channel: str, user_ref: str) -> TurnState:
    """The user's state row for a turn, created on first contact."""
    state = TurnState(*_state_row(session, channel, user_ref, "read_turn"))
    state.read = _changing(state)
    return state


def get_state(*, session: Session, channel: str, user_ref: str) -> ConversationState:
    """The user's state row as an ORM object in the session, created on first contact (for
    staff and page actions that change one column and let the ORM write it)."""
    row = _state_row(session, channel, user_ref, "read")
    known = session.identity_map.get(_MAPPER.identity_key_from_primary_key((row[0],)))
    if known is not None:
        return known  # type: ignore[no-any-return]  # read before in this session, as the ORM
    state = as_loaded(ConversationState, _ALL_COLUMNS, row)
    session.add(state)
    return state


def _state_row(session: Session, channel: str, user_ref: str, read: str) -> tuple[Any, ...]:
    # The columns of `read` (_READS) of the user's row.
    # Read below the ORM (storage/raw_sql.py); a missing row is created with INSERT ... ON
    # CONFLICT DO NOTHING RETURNING id. Another worker may create it between our read and
    # write: then theirs is read. On SQLite, where no transaction is open yet, the new row is
    # committed at once, so the turn does not hold the file's write lock while it thinks. The
    # values are the model's defaults, taken without building a SQLModel instance first (its
    # __init__ cost four times the row's INSERT).
    params = {"b_channel": channel, "b_user_ref": user_ref}
    row = execute(session, _statements, read, params).first()
    if row is not None:
        return row
    values = {c: make() if make else value for c, value, make in _DEFAULTS}
    values["channel"], values["user_ref"] = channel, user_ref
    with commit_at_once(session):
        created = execute(session, _statements, "create", values).first()
    if created is not None:
        return (created[0], *(values[c] for c in _READS[read][1:]))
    row = execute(session, _statements, read, params).first()
    assert row is not None  # the row that refused ours
    return row


def save_state(*, session: Session, state: TurnState) -> None:
    """Write the turn's state row: its JSON data (always: the turn counter moves) and whichever
    of the other columns changed since it was read, so a concurrent change to another column
    (staff taking the conversation over) stays."""
    changed, values = state_update(session=session, state=state)
    execute(session, _statements, changed, values)


def state_update(*, session: Session, state: TurnState) -> tuple[tuple[str, ...], dict[str, Any]]:
    """What `save_state` runs: the columns it writes besides the data and updated_at (the key
    of its UPDATE in `state_statement`), and the UPDATE's parameters (named b_<column>)."""
    pairs = zip(_STATE_CHANGING, state.read, _changing(state), strict=True)
    changed = tuple(c for c, old, new in pairs if old != new)
    values = {f"b_{c}": getattr(state, c) for c in (*changed, "data")}
    values["b_updated_at"], values["b_id"] = scope_now(session), state.id
    return changed, values


def state_statement(dialect: str, changed: tuple[str, ...]) -> Executable:
    """The UPDATE of `state_update`'s columns (for a statement that runs it with others)."""
    return _statements(dialect)[changed]


_STATE_COLUMNS: tuple[str, ...] = ("channel", "user_ref", "lang", "lang_fixed", "status", "data")
_STATE_COLUMNS += ("created_at", "updated_at")
_ALL_COLUMNS = ("id", *_STATE_COLUMNS)
_READS = {"read": _ALL_COLUMNS, "read_turn": _ALL_COLUMNS[:-2]}  # a turn's: no timestamps
_STATE_CHANGING = ("lang", "lang_fixed", "status")  # data and updated_at are always written
_changing = attrgetter(*_STATE_CHANGING)
_MAPPER = class_mapper(ConversationState)
# (column, default, default factory) of a new state row, as the model's __init__ fills them.
_DEFAULTS: tuple[tuple[str, Any, Callable[[], Any] | None], ...] = tuple(
    (c, field.default, field.default_factory)  # type: ignore[misc]  # no factory takes data
    for c in _STATE_COLUMNS
    for field in (ConversationState.model_fields[c],)
)


@cache
def _statements(dialect: str) -> _StateStatements:
    return _StateStatements(dialect)


class _StateStatements(dict[Any, Executable]):
    """The reads of _READS, `create`, and the UPDATE of the data, updated_at and the columns of
    a tuple key (made on first use: eight combinations)."""

    def __init__(self, dialect: str) -> None:
        table: Table = ConversationState.__table__  # type: ignore[attr-defined]
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        mine = (
            table.c.channel == bindparam("b_channel"),
            table.c.user_ref == bindparam("b_user_ref"),
        )
        super().__init__(
            {
                name: core_select(*(table.c[c] for c in columns)).where(*mine)
                for name, columns in _READS.items()
            },
            create=insert(table)
            .values(insert_values(table, _STATE_COLUMNS))
            .on_conflict_do_nothing(index_elements=[table.c.channel, table.c.user_ref])
            .returning(table.c.id),
        )
        self.table = table

    def __missing__(self, columns: tuple[str, ...]) -> Executable:
        columns = (*columns, "data", "updated_at")
        statement = (
            update(self.table)
            .where(self.table.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in columns})
        )
        self[columns[:-2]] = statement
        return statement


def add_message(
    *, session: Session, channel: str, user_ref: str, direction: str, text: str, sender: str
) -> ChatMessage:
    """Append one line to the user's transcript."""
    # PostgreSQL text cannot hold NUL; a transcript line must never fail on what a user sent.
    clean = text[:8000].replace("\x00", "")
    msg = ChatMessage(
        channel=channel, user_ref=user_ref, direction=direction, sender=sender, text=clean
    )
    session.add(msg)
    return msg


def transcript(
    *, session: Session, channel: str, user_ref: str, limit: int = 50
) -> list[ChatMessage]:
    """The user's last `limit` transcript lines, oldest first."""
    return transcript_after(
        session=session, channel=channel, user_ref=user_ref, after=0, limit=limit
    )


def transcript_after(
    *, session: Session, channel: str, user_ref: str, after: int = 0, limit: int = 50
) -> list[ChatMessage]:
    """The user's last `limit` transcript lines with an id above `after`, oldest first."""
    query = (
        select(ChatMessage)
        .where(
            ChatMessage.channel == channel,
            ChatMessage.user_ref == user_ref,
            col(ChatMessage.id) > after,
        )
        .order_by(col(ChatMessage.id).desc())
        .limit(limit)
    )
    return list(reversed(session.exec(query).all()))


def pushed_since(
    *, session: Session, channel: str, user_ref: str, after: int, limit: int = 50
) -> list[ChatMessage]:
    """Lines sent to the user outside their own turns (staff, reminders) after id `after`."""
    query = (
        select(ChatMessage)
        .where(
            ChatMessage.channel == channel,
            ChatMessage.user_ref == user_ref,
            ChatMessage.direction == "out",
            ChatMessage.sender != "bot",
            col(ChatMessage.id) > after,
        )
        .order_by(col(ChatMessage.id))
        .limit(limit)
    )
    return list(session.exec(query).all())


def last_message_id(*, session: Session, channel: str, user_ref: str) -> int:
    """The id of the user's latest transcript line (0 without any)."""
    query = (
        select(ChatMessage.id)
        .where(ChatMessage.channel == channel, ChatMessage.user_ref == user_ref)
        .order_by(col(ChatMessage.id).desc())
        .limit(1)
    )
    return session.exec(query).first() or 0


def log_question(*, session: Session, **fields: Any) -> QuestionLog:
    """Record one question with its outcome."""
    fields["question"] = str(fields.get("question", ""))[:2000].replace("\x00", "")
    row = QuestionLog(**fields)
    session.add(row)
    return row


def mark_suggestion_chosen(
    *, session: Session, channel: str, user_ref: str, faq_id: str, topic: str | None, since: Any
) -> QuestionLog | None:
    """The user picked `faq_id` from the suggestions to their latest question (logged after
    `since`): record the choice on that question, so it counts as answered after a suggestion
    and a later 有用/没用 rates it."""
    query = (
        select(QuestionLog)
        .where(QuestionLog.channel == channel, QuestionLog.user_ref == user_ref)
        .order_by(col(QuestionLog.id).desc())
        .limit(1)
    )
    row = session.exec(query).first()
    if row is None or row.intent != "suggest" or row.outcome != "suggested":
        return None
    if row.created_at.replace(tzinfo=since.tzinfo) < since:
        return None
    row.outcome, row.faq_id, row.topic = "chosen", faq_id, topic
    session.add(row)
    return row


def claim_delivery(*, session: Session, channel: str, delivery_id: str) -> ProcessedDelivery | None:
    """Record a delivery id; returns None when it is new, or the earlier record for a retry.

    The unique constraint decides, so two workers receiving the same retry cannot both win.
    """
    row = ProcessedDelivery(channel=channel, delivery_id=delivery_id)
    try:
        with session.begin_nested():
            session.add(row)
        return None
    except IntegrityError:
        earlier = find_delivery(session=session, channel=channel, delivery_id=delivery_id)
        assert earlier is not None  # the constraint that refused us names this row
        return earlier


def find_delivery(*, session: Session, channel: str, delivery_id: str) -> ProcessedDelivery | None:
    """The record of a delivery already answered, if any (detached: it is only read)."""
    params = {"b_channel": channel, "b_delivery_id": delivery_id}
    row = execute(session, _deliveries, "find", params).first()
    return None if row is None else as_loaded(ProcessedDelivery, _DELIVERY_COLUMNS, row)


_DELIVERY_COLUMNS = ("id", "channel", "delivery_id", "response", "created_at")


@cache
def _deliveries(_dialect: str) -> dict[str, Executable]:
    # Every web chat message asks (its message id is a delivery id): below the ORM.
    table: Table = ProcessedDelivery.__table__  # type: ignore[attr-defined]
    find = core_select(*(table.c[c] for c in _DELIVERY_COLUMNS)).where(
        table.c.channel == bindparam("b_channel"),
        table.c.delivery_id == bindparam("b_delivery_id"),
    )
    return {"find": find}


def record_delivery(
    *, session: Session, channel: str, delivery_id: str, response: dict[str, Any]
) -> None:
    """Record a delivery with the reply sent, so a retry gets the identical reply.

    Inserted with the turn's other writes: when a retry of it committed first, the unique
    constraint fails the whole turn's commit and the caller answers with the stored reply.
    """
    session.add(ProcessedDelivery(channel=channel, delivery_id=delivery_id, response=response))
