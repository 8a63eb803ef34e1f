"""The senders this process can deliver outbox rows through, built from settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Engine

from bot.core.ports import Clock, SystemClock
from bot.core.settings import Settings
from bot.delivery.links import message_path
from bot.delivery.worker import PermanentFailure, Sender
from bot.handoff.outfiles import is_file_payload
from storage.conversations import add_message
from storage.db import session_scope

__all__ = ("WebChatSender", "build_senders")


class WebChatSender:
    """The web chat has no push channel: a message is delivered by adding it to the transcript,
    which the page polls (`GET /api/chat/updates`). A file staff send is a line naming it with a
    signed, expiring link to it (the page shows an image inline, other files as a download)."""

    name = "web"

    def __init__(
        self, engine: Engine, settings: Settings | None = None, clock: Clock | None = None
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock or SystemClock()

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        text = str(payload["text"])
        if is_file_payload(payload):
            if self.settings is None or not payload.get("message"):
                raise PermanentFailure("web: cannot link a file without the server's settings")
            path = message_path(
                self.settings.secret_key,
                str(payload["message"]),
                self.clock.now(),
                self.settings.wechat_link_days,
            )
            text = f"{text}\n{path}/file"
        with session_scope(self.engine) as session:
            add_message(
                session=session,
                channel="web",
                user_ref=recipient,
                direction="out",
                text=text,
                sender=str(payload.get("sender", "staff")),
            )


def build_senders(settings: Settings, engine: Engine, clock: Clock | None = None) -> list[Sender]:
    """Every sender whose channel is configured; channels add theirs here. `clock`: the
    conversation's (links to files expire on it, WeChat's window is judged on it)."""
    senders: list[Sender] = [WebChatSender(engine, settings, clock)]
    if settings.telegram_enabled:
        from handlers.telegram.sender import TelegramSender

        senders.append(TelegramSender(settings, engine))
        from handlers.telegram.media import TelegramMediaFetcher

        senders.append(TelegramMediaFetcher(settings, engine))
    if settings.wechat_appid and settings.wechat_secret.get_secret_value():
        from handlers.wechat.sender import WeChatSender

        senders.append(WeChatSender(settings, engine, clock=clock))
        from handlers.wechat.media import WeChatMediaFetcher

        senders.append(WeChatMediaFetcher(settings, engine, clock=clock))
    if settings.wecom_webhook_url or settings.smtp_host:  # staff notifiers (handoff)
        from handlers.notify.notifiers import EmailSender, WeComSender

        if settings.wecom_webhook_url:
            senders.append(WeComSender(settings))
        if settings.smtp_host:
            senders.append(EmailSender(settings))
    return senders
