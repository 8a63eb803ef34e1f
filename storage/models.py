"""Table models of the conversation core and the FAQ corpus (other features add their own modules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = (
    "ChatMessage",
    "ConversationState",
    "FaqRecord",
    "FaqRevision",
    "Meta",
    "ProcessedDelivery",
    "QuestionLog",
    "utcnow",
)

# Stable constraint names on SQLite and PostgreSQL alike (Alembic batch mode needs them).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC (SQLModel refuses naive datetimes)."""
    return dt.datetime.now(dt.UTC)


class FaqRecord(SQLModel, table=True):
    """The live copy of one corpus entry; `data` is the whole FaqEntry as JSON."""

    __tablename__ = "faq_entry"
    id: str = Field(primary_key=True, max_length=80)
    theme: str = Field(max_length=60, index=True)
    topic: str | None = Field(default=None, max_length=80, index=True)
    status: str = Field(default="published", max_length=20, index=True)
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    revision: int = 1
    updated_at: dt.datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="system", max_length=80)


class FaqRevision(SQLModel, table=True):
    """Every saved version of an entry, for history, diff and rollback."""

    __tablename__ = "faq_revision"
    __table_args__ = (UniqueConstraint("entry_id", "revision"),)
    id: int | None = Field(default=None, primary_key=True)
    entry_id: str = Field(max_length=80, index=True)
    revision: int
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    author: str = Field(default="system", max_length=80)
    note: str = Field(default="", max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow)


class Meta(SQLModel, table=True):
    """Small shared key/value facts, e.g. the corpus version every worker watches."""

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(default="", max_length=2000)


class ConversationState(SQLModel, table=True):
    """Per-user conversation state, shared by all worker processes."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("channel", "user_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    user_ref: str = Field(max_length=128)
    lang: str = Field(default="zh", max_length=5)
    lang_fixed: bool = False  # the user chose a language; do not re-detect
    status: str = Field(default="bot", max_length=10)  # bot | human | closed
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class ChatMessage(SQLModel, table=True):
    """One line of a conversation's transcript (in = from the user, out = from tmbot or staff)."""

    __tablename__ = "chat_message"
    __table_args__ = (Index("ix_chat_message_user", "channel", "user_ref", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    user_ref: str = Field(max_length=128)
    direction: str = Field(max_length=5)  # in | out
    sender: str = Field(default="bot", max_length=80)  # user | bot | staff:<name>
    text: str
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)  # daily figures


class QuestionLog(SQLModel, table=True):
    """Every question with the entry chosen, its score and the outcome (analytics, unanswered)."""

    __tablename__ = "question_log"
    # Feedback (有用/没用) rates the user's latest question: found by channel and user.
    __table_args__ = (Index("ix_question_log_user", "channel", "user_ref"),)
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    channel: str = Field(max_length=20)
    user_ref: str = Field(max_length=128)
    question: str = Field(max_length=2000)
    lang: str = Field(max_length=5)
    intent: str = Field(max_length=20, index=True)
    outcome: str = Field(max_length=20, index=True)  # answered | suggested | unknown | ...
    faq_id: str | None = Field(default=None, max_length=80)
    topic: str | None = Field(default=None, max_length=80)
    score: float = 0.0
    feedback: str | None = Field(default=None, max_length=20)  # useful | not_useful
    tool: str | None = Field(
        default=None, max_length=40
    )  # renewal | fee_madrid | ... (intent tool)


class ProcessedDelivery(SQLModel, table=True):
    """A channel delivery id seen once; a retry finds it and gets the stored reply."""

    __tablename__ = "processed_delivery"
    __table_args__ = (UniqueConstraint("channel", "delivery_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    delivery_id: str = Field(max_length=128)
    response: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: dt.datetime = Field(default_factory=utcnow)
