"""Photos, voice and files a Telegram user sends during a handoff: fetched with getFile and
attached to the ticket for staff (outbox sender `telegram_media`, queued by bot/handoff/files.py;
a failed download is retried with backoff like any delivery)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Engine
from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.request import HTTPXRequest

from bot.core.ports import Clock, SystemClock
from bot.core.settings import Settings
from bot.delivery.worker import PermanentFailure, TemporaryFailure
from bot.handoff.files import attach_to_ticket
from handlers.telegram.sender import _run, api_urls
from storage.ticket_files import MAX_FILE_BYTES

__all__ = ("TelegramMediaFetcher",)


class TelegramMediaFetcher:
    """Outbox sender `telegram_media`: downloads one file id into the ticket's files."""

    name = "telegram_media"

    def __init__(self, settings: Settings, engine: Engine, *, clock: Clock | None = None) -> None:
        if settings.telegram_token is None:
            raise ValueError("TelegramMediaFetcher needs TMBOT_TELEGRAM_TOKEN")
        self.settings = settings
        self.engine = engine
        self.clock = clock or SystemClock()

    async def _download(self, file_id: str) -> bytes:
        assert self.settings.telegram_token is not None
        base, files = api_urls(self.settings)
        request = HTTPXRequest(connection_pool_size=2)
        bot = Bot(
            self.settings.telegram_token.get_secret_value(),
            base_url=base,
            base_file_url=files,
            request=request,
        )
        try:
            file = await bot.get_file(file_id)
            if file.file_size and file.file_size > MAX_FILE_BYTES:
                raise PermanentFailure(f"file too large ({file.file_size} bytes)")
            return bytes(await file.download_as_bytearray())
        finally:
            await request.shutdown()

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        """Fetch `payload["file_id"]` for ticket `recipient`; tell staff it is attached."""
        file_id = str(payload.get("file_id") or "")
        if not file_id:
            raise PermanentFailure("no file id")
        try:
            content = _run(self._download(file_id))
        except (BadRequest, Forbidden) as exc:  # unknown or too big a file: retrying cannot help
            raise PermanentFailure(f"telegram: {exc.message}") from exc
        except TelegramError as exc:
            raise TemporaryFailure(f"telegram: {exc.message}") from exc
        kind, name = str(payload.get("kind") or "file"), str(payload.get("file_name") or "file")
        attach_to_ticket(
            engine=self.engine,
            settings=self.settings,
            now=self.clock.now(),
            ticket_number=recipient,
            channel="telegram",
            kind=kind,
            filename=name,
            mime=str(payload.get("mime") or ""),
            content=content,
        )
