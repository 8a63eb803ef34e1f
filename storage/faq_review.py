"""What the FAQ admin keeps besides entries: handled unanswered questions and pending imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, or_
from sqlmodel import Field, Session, SQLModel, col, select

from knowledge.pii import mask_pii
from storage.models import QuestionLog, utcnow

__all__ = (
    "HandledQuestion",
    "PendingImport",
    "UnansweredQuestion",
    "handled_keys",
    "mark_handled",
    "unanswered_questions",
)

_ASKING_INTENTS = ("faq", "suggest", "unknown", "tool")
_HANDOFF_LOOKBACK = dt.timedelta(minutes=30)


class HandledQuestion(SQLModel, table=True):
    """A phrasing from the unanswered list an admin dealt with; later asks show up again."""

    __tablename__ = "faq_handled_question"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=500, unique=True)  # knowledge.review.comparable(text)
    upto_log_id: int  # question_log rows up to this id count as handled
    action: str = Field(max_length=20)  # dismissed | alternate | new_entry
    entry_id: str | None = Field(default=None, max_length=80)
    by: str = Field(max_length=64)
    at: dt.datetime = Field(default_factory=utcnow)


class PendingImport(SQLModel, table=True):
    """A validated upload waiting for the admin to confirm its preview."""

    __tablename__ = "faq_import"
    id: int | None = Field(default=None, primary_key=True)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    filename: str = Field(default="", max_length=200)
    base_version: int  # corpus version the preview was computed against
    entries: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    applied_at: dt.datetime | None = None


@dataclass(frozen=True)
class UnansweredQuestion:
    """One question users did not get a good answer to."""

    log_id: int
    text: str
    at: dt.datetime
    reason: str  # unknown | suggested | not_useful | handoff
    lang: str
    channel: str
    faq_id: str | None
    score: float


def _reason(row: QuestionLog) -> str | None:
    if row.intent == "handoff":
        return "handoff" if row.outcome == "opened" else None
    if row.feedback == "not_useful":
        return "not_useful"
    return row.outcome if row.outcome in ("unknown", "suggested") else None


def unanswered_questions(
    *, session: Session, since: dt.datetime, limit: int = 5000
) -> list[UnansweredQuestion]:
    """Low-confidence answers, answers marked 没用 and questions that went to a person, newest
    first. For a handoff the user's question just before it is used ("人工" says nothing)."""
    query = (
        select(QuestionLog)
        .where(
            col(QuestionLog.created_at) >= since,
            or_(
                col(QuestionLog.intent).in_([*_ASKING_INTENTS, "handoff"]),
                col(QuestionLog.feedback) == "not_useful",
            ),
        )
        .order_by(col(QuestionLog.id).desc())
        .limit(limit)
    )
    rows = list(session.exec(query))
    out: dict[int, UnansweredQuestion] = {}
    for i, row in enumerate(rows):
        reason = _reason(row)
        if reason is None or row.id is None:
            continue
        source = row
        if reason == "handoff":
            earlier = (
                r
                for r in rows[i + 1 :]
                if r.channel == row.channel
                and r.user_ref == row.user_ref
                and r.intent in _ASKING_INTENTS
                and row.created_at - r.created_at <= _HANDOFF_LOOKBACK
            )
            source = next(earlier, row)
        if source.id is None or source.id in out:
            continue
        out[source.id] = UnansweredQuestion(
            log_id=source.id,
            text=mask_pii(source.question),  # never a phone / e-mail on its way to the FAQ
            at=source.created_at,
            reason=reason,
            lang=source.lang,
            channel=source.channel,
            faq_id=source.faq_id,
            score=source.score,
        )
    return sorted(out.values(), key=lambda q: -q.log_id)


def handled_keys(*, session: Session) -> dict[str, int]:
    """Handled phrasing key → the last question_log id it covers."""
    return {h.key: h.upto_log_id for h in session.exec(select(HandledQuestion))}


def mark_handled(
    *,
    session: Session,
    keys: list[str],
    upto_log_id: int,
    action: str,
    by: str,
    entry_id: str | None = None,
) -> int:
    """Record that these phrasings were dealt with up to `upto_log_id`; returns how many."""
    existing = {
        h.key: h
        for h in session.exec(select(HandledQuestion).where(col(HandledQuestion.key).in_(keys)))
    }
    for key in dict.fromkeys(k[:500] for k in keys if k):
        row = existing.get(key) or HandledQuestion(key=key, upto_log_id=0, action=action, by=by)
        row.upto_log_id = max(row.upto_log_id, upto_log_id)
        row.action, row.by, row.entry_id, row.at = action, by, entry_id, utcnow()
        session.add(row)
    return len(keys)
