"""Helpers for handoff tests: notifier settings, ticket look-ups, outbox rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, col, select

from bot.core.ports import Clock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from bot.delivery.worker import OutboxWorker
from bot.handoff.delivered import observer_for
from storage.models import ChatMessage, ConversationState
from storage.outbox import OutboxMessage
from storage.tickets import Ticket, ticket_transcript

__all__ = ("conversation_status", "outbox_rows", "ticket_lines", "tickets", "with_notifiers")

WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-key-123"


def with_notifiers(settings: Settings, **extra: object) -> Settings:
    """`settings` with a Telegram staff group, a WeCom robot and two staff e-mail addresses."""
    update: dict[str, object] = {
        "telegram_staff_chat": -1001111111111,
        "wecom_webhook_url": WECOM_URL,
        "smtp_host": "127.0.0.1",
        "smtp_port": 2525,
        "smtp_security": "none",
        "smtp_from": "tmbot@station.example.cn",
        "staff_emails": "duty@station.example.cn, lead@station.example.cn",
        **extra,
    }
    return settings.model_copy(update=update)


def tickets(runtime: Runtime) -> list[Ticket]:
    """Every ticket, oldest first."""
    with Session(runtime.engine) as session:
        return list(session.exec(select(Ticket).order_by(col(Ticket.id))))


def ticket_lines(runtime: Runtime, number: str) -> list[ChatMessage]:
    """A ticket's transcript."""
    with Session(runtime.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == number)).one()
        return ticket_transcript(session=session, ticket=ticket)


def outbox_rows(runtime: Runtime, sender: str | None = None) -> list[OutboxMessage]:
    """Queued deliveries, oldest first (optionally only one sender's)."""
    with Session(runtime.engine) as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if sender:
            query = query.where(OutboxMessage.sender == sender)
        return list(session.exec(query))


def conversation_status(runtime: Runtime, user: str, channel: str = "test") -> str:
    """bot | human | closed."""
    with Session(runtime.engine) as session:
        state = session.exec(
            select(ConversationState).where(
                ConversationState.channel == channel, ConversationState.user_ref == user
            )
        ).one()
        return state.status


class RecordingSender:
    """A channel that delivers everything and remembers it (for channels with no fake server)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[tuple[str, dict[str, object]]] = []

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        self.sent.append((recipient, dict(payload)))


def deliver_all(
    runtime: Runtime, clock: Clock, channels: Sequence[str] = ("test", "telegram", "web")
) -> dict[str, RecordingSender]:
    """Run the outbox once as the server does (observer included), every channel succeeding."""
    senders = {name: RecordingSender(name) for name in channels}
    worker = OutboxWorker(
        runtime.engine, senders, clock=clock, observer=observer_for(runtime.settings)
    )
    worker.run_once()
    return senders
