"""Per-user conversation state, transcripts, the question log and delivery de-duplication."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

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
    query = select(ConversationState).where(
        ConversationState.channel == channel, ConversationState.user_ref == user_ref
    )
    state = session.exec(query).first()
    if state is None:
        state = ConversationState(channel=channel, user_ref=user_ref, data={})
        try:
            with session.begin_nested():
                session.add(state)
        except IntegrityError:
            # Another worker created it between our read and write.
            state = session.exec(query).one()
    return state


def save_state(*, session: Session, state: ConversationState) -> None:
    """Persist changes to a state row, including in-place changes to its JSON data."""
    flag_modified(state, "data")
    state.updated_at = utcnow()
    session.add(state)


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
