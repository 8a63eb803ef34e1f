"""One delivery model for every channel: a message is one outbox row per part.

`queue_message` cuts a text into the parts its channel accepts (bot/delivery/parts.py) and
queues each as its own row (sent once, retried alone, in order behind earlier rows to the same
user; see storage/outbox.py). `message_states` folds the rows back into what staff should see:
queued, waiting for the user, sent, failed with the reason, in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from bot.delivery.parts import limit_for, split_parts
from storage.outbox import OutboxMessage, enqueue

__all__ = (
    "STATE_LABELS",
    "MessageState",
    "QueuedMessage",
    "latest_states",
    "message_states",
    "queue_message",
    "state_of",
)

# What staff see for a message: (zh, en).
STATE_LABELS: dict[str, tuple[str, str]] = {
    "queued": ("排队中", "queued"),
    "waiting": ("等待用户发消息后送达", "waiting for the user to write"),
    "sent": ("已送达", "delivered"),
    "notice": ("已发订阅通知（含全文链接）", "sent as a subscription notice with a link"),
    "failed": ("发送失败", "failed"),
}


@dataclass(frozen=True)
class QueuedMessage:
    """A message just queued: its key and its parts' texts."""

    key: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class MessageState:
    """A message as staff see it."""

    key: str
    channel: str
    text: str
    state: str  # a key of STATE_LABELS
    reason: str
    parts: int
    sent_parts: int
    # When the current run of temporary failures of an unsent part began (None: not failing).
    failing_since: dt.datetime | None = None

    def label(self, lang: str = "both") -> str:
        """The state in `lang` ("zh", "en"), or both languages."""
        zh, en = STATE_LABELS[self.state]
        if self.parts > 1 and self.state in ("queued", "waiting"):
            zh += f"（{self.sent_parts}/{self.parts} 段已发）"
            en += f" ({self.sent_parts}/{self.parts} parts sent)"
        text = {"zh": zh, "en": en}.get(lang, f"{zh} / {en}")
        return f"{text}: {self.reason}" if self.state == "failed" and self.reason else text


def queue_message(
    *,
    session: Session,
    channel: str,
    recipient: str,
    text: str,
    extra: Mapping[str, Any] | None = None,
    ref_kind: str | None = None,
    ref_id: str | None = None,
    key: str | None = None,
    now: dt.datetime | None = None,
) -> QueuedMessage:
    """Queue `text` to `recipient` on `channel`, one outbox row per part.

    `extra` goes into every part's payload except `choices`, which only the last part carries
    (buttons under the end of the message). Each part's dedupe key is `msg:KEY:i`, so queuing
    the same key twice queues nothing new.
    """
    key = key or f"{ref_kind or 'msg'}:{ref_id or ''}:{uuid.uuid4().hex[:12]}"
    parts = split_parts(text, limit_for(channel)) or [text.strip()]
    extra = dict(extra or {})
    choices = extra.pop("choices", None)
    for i, part in enumerate(parts):
        payload: dict[str, Any] = {"text": part, **extra, "message": key}
        if len(parts) > 1:
            payload["part"] = f"{i + 1}/{len(parts)}"
        if choices and i == len(parts) - 1:
            payload["choices"] = choices
        enqueue(
            session=session,
            sender=channel,
            recipient=recipient,
            payload=payload,
            ref_kind=ref_kind,
            ref_id=ref_id,
            dedupe_key=f"msg:{key}:{i}"[:200],
            message_key=key,
            part=i,
            parts=len(parts),
            not_before=now,
        )
    return QueuedMessage(key=key, parts=tuple(parts))


def state_of(rows: Iterable[OutboxMessage]) -> tuple[str, str]:
    """(state, reason) of a message from its parts' rows."""
    rows = list(rows)
    failed = [r for r in rows if r.status == "failed"]
    if failed:
        return "failed", failed[0].last_error or ""
    waiting = [r for r in rows if r.status == "waiting"]
    if waiting:
        return "waiting", waiting[0].last_error or ""
    if rows and all(r.status == "sent" for r in rows):
        return ("notice" if any(r.sent_via == "notice" for r in rows) else "sent"), ""
    return "queued", next((r.last_error for r in rows if r.last_error), "") or ""


def message_states(
    *, session: Session, ref_kind: str, ref_id: str, senders: Iterable[str] | None = None
) -> list[MessageState]:
    """The messages queued under a reference (e.g. a ticket), oldest first."""
    query = select(OutboxMessage).where(
        OutboxMessage.ref_kind == ref_kind,
        OutboxMessage.ref_id == ref_id,
        col(OutboxMessage.message_key).is_not(None),
    )
    if senders is not None:
        query = query.where(col(OutboxMessage.sender).in_(list(senders)))
    return _fold(session.exec(query.order_by(col(OutboxMessage.id))))


def latest_states(
    *, session: Session, ref_kind: str, ref_ids: list[str]
) -> dict[str, MessageState]:
    """The newest message of each reference (the queue's delivery column), one query."""
    if not ref_ids:
        return {}
    query = select(OutboxMessage).where(
        OutboxMessage.ref_kind == ref_kind,
        col(OutboxMessage.ref_id).in_(ref_ids),
        col(OutboxMessage.message_key).is_not(None),
    )
    latest: dict[str, MessageState] = {}
    by_ref: dict[str, list[OutboxMessage]] = {}
    for row in session.exec(query.order_by(col(OutboxMessage.id))):
        by_ref.setdefault(str(row.ref_id), []).append(row)
    for ref, rows in by_ref.items():
        states = _fold(rows)
        if states:
            latest[ref] = states[-1]
    return latest


def _fold(rows: Iterable[OutboxMessage]) -> list[MessageState]:
    grouped: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        grouped.setdefault(row.message_key or "", []).append(row)
    states = []
    for key, rows in grouped.items():
        rows.sort(key=lambda r: r.part)
        state, reason = state_of(rows)
        states.append(
            MessageState(
                key=key,
                channel=rows[0].sender,
                text="\n".join(str(r.payload.get("text") or "") for r in rows),
                state=state,
                reason=reason,
                parts=rows[0].parts,
                sent_parts=sum(1 for r in rows if r.status == "sent"),
                failing_since=min(
                    (r.failing_since for r in rows if r.failing_since and r.status != "sent"),
                    default=None,
                ),
            )
        )
    return states
