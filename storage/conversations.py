"""Per-user conversation state, transcripts, the question log and delivery de-duplication."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, inspect, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import ChatMessage, ConversationState, ProcessedDelivery, QuestionLog, utcnow

__all__ = (
    "add_message",
    "claim_delivery",
    "find_delivery",
    "get_state",
    "last_message_id",
    "log_question",
    "mark_suggestion_chosen",
    "pushed_since",
    "record_delivery",
    "save_state",
    "transcript",
    "transcript_after",
)


def get_state(*, session: Session, channel: str, user_ref: str) -> ConversationState:
    """The user's state row, created on first contact."""
    query, params = _state_query(), {"b_channel": channel, "b_user_ref": user_ref}
    state = session.exec(query, params=params).first()
    if state is None:
        # Another worker may create it between our read and write: then theirs is read.
        state = (
            _create_state(session, channel, user_ref) or session.exec(query, params=params).one()
        )
    return state


@cache
def _state_query() -> SelectOfScalar[ConversationState]:
    # Built once: building it per turn cost more than running it.
    return select(ConversationState).where(
        col(ConversationState.channel) == bindparam("b_channel"),
        col(ConversationState.user_ref) == bindparam("b_user_ref"),
    )


def _create_state(session: Session, channel: str, user_ref: str) -> ConversationState | None:
    # INSERT ... ON CONFLICT DO NOTHING RETURNING id, no ORM flush; the object is then attached
    # as if it had been read (None when another worker's row won). In a savepoint, as before:
    # on SQLite, where no transaction is open yet, its RELEASE commits the row at once, so the
    # turn does not hold the file's write lock while it thinks.
    state = ConversationState(channel=channel, user_ref=user_ref, data={})
    values = {c: getattr(state, c) for c in _STATE_COLUMNS}
    with session.begin_nested():
        new_id = _execute(session, "create_state", values).scalar()
    if new_id is None:
        return None
    state.id = new_id
    make_transient_to_detached(state)
    session.add(state)
    return state


def save_state(*, session: Session, state: ConversationState) -> None:
    """Write the state row now: its JSON data (always: the turn counter moves) and whichever of
    the other columns changed in this session, so a concurrent change to another column (staff
    taking the conversation over) stays; the row then leaves the session, already written."""
    if state.id is None or state not in session:
        flag_modified(state, "data")  # not written yet: the ORM writes it at the flush
        state.updated_at = utcnow()
        session.add(state)
        return
    attrs = inspect(state).attrs
    changed = tuple(c for c in _STATE_CHANGING if attrs[c].history.has_changes())
    state.updated_at = utcnow()
    values = {f"b_{c}": getattr(state, c) for c in (*changed, "data", "updated_at")}
    values["b_id"] = state.id
    _execute(session, changed, values)
    session.expunge(state)


_STATE_COLUMNS: tuple[str, ...] = ("channel", "user_ref", "lang", "lang_fixed", "status", "data")
_STATE_COLUMNS += ("created_at", "updated_at")
_STATE_CHANGING = ("lang", "lang_fixed", "status")  # data and updated_at are always written


def _execute(session: Session, name: str | tuple[str, ...], params: dict[str, Any]) -> Any:
    connection = session.connection()  # no autoflush: these rows are not the ORM's to order
    return connection.execute(_statement(connection.dialect.name, name), params)


@cache
def _statement(dialect: str, name: str | tuple[str, ...]) -> Any:
    """`create_state`, or the UPDATE of the state's data, updated_at and the columns `name`."""
    table: Table = ConversationState.__table__  # type: ignore[attr-defined]
    if name == "create_state":
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        return (
            insert(table)
            .on_conflict_do_nothing(index_elements=[table.c.channel, table.c.user_ref])
            .returning(table.c.id)
        )
    columns = (*name, "data", "updated_at")
    return (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({c: bindparam(f"b_{c}") for c in columns})
    )


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
    """The record of a delivery already answered, if any."""
    query = select(ProcessedDelivery).where(
        ProcessedDelivery.channel == channel, ProcessedDelivery.delivery_id == delivery_id
    )
    return session.exec(query).first()


def record_delivery(
    *, session: Session, channel: str, delivery_id: str, response: dict[str, Any]
) -> None:
    """Record a delivery with the reply sent, so a retry gets the identical reply.

    Inserted with the turn's other writes: when a retry of it committed first, the unique
    constraint fails the whole turn's commit and the caller answers with the stored reply.
    """
    session.add(ProcessedDelivery(channel=channel, delivery_id=delivery_id, response=response))
