"""The senders this process can deliver outbox rows through, built from settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Engine

from bot.core.settings import Settings
from bot.delivery.worker import Sender
from storage.conversations import add_message
from storage.db import session_scope

__all__ = ("WebChatSender", "build_senders")


class WebChatSender:
    """The web chat has no push channel: a message is delivered by adding it to the transcript,
    which the page polls (`GET /api/chat/updates`)."""

    name = "web"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        with session_scope(self.engine) as session:
            add_message(
                session=session,
                channel="web",
                user_ref=recipient,
                direction="out",
                text=str(payload["text"]),
                sender=str(payload.get("sender", "staff")),
            )


def build_senders(settings: Settings, engine: Engine) -> list[Sender]:
    """Every sender whose channel is configured; channels add theirs here."""
    senders: list[Sender] = [WebChatSender(engine)]
    if settings.telegram_enabled:
        from handlers.telegram.sender import TelegramSender

        senders.append(TelegramSender(settings, engine))
        from handlers.telegram.media import TelegramMediaFetcher

        senders.append(TelegramMediaFetcher(settings, engine))
    if settings.wechat_appid and settings.wechat_secret.get_secret_value():
        from handlers.wechat.sender import WeChatSender

        senders.append(WeChatSender(settings, engine))
        from handlers.wechat.media import WeChatMediaFetcher

        senders.append(WeChatMediaFetcher(settings, engine))
    if settings.wecom_webhook_url or settings.smtp_host:  # staff notifiers (handoff)
        from handlers.notify.notifiers import EmailSender, WeComSender

        if settings.wecom_webhook_url:
            senders.append(WeComSender(settings))
        if settings.smtp_host:
            senders.append(EmailSender(settings))
    return senders
