"""Outbound Telegram messages for the outbox (staff replies, reminders), paced and classified.

A payload is either a message `{"text": ..., "choices": [...]}`, a file
`{"document": {"filename", "mime", "content_b64"}, "caption": ...}` (a booking's .ics), sent
with sendDocument as a multipart upload (build it with `document_payload`), or a file staff send
back to the user (`{"file": id, "ticket": ...}`, bot/handoff/outfiles.py): read from the ticket's
files and sent with sendPhoto (JPEG/PNG) or sendDocument, by its file id when it came from this
bot (the staff group), else uploaded.

`TelegramSender.send` is synchronous like every `bot.delivery.worker.Sender`: the outbox worker calls it
from its own thread. Each send runs python-telegram-bot on a short-lived event loop.

Failures map onto the outbox's retry rules:
- 429 (flood control): wait `retry_after` in process when it is short (at most `max_wait` seconds)
  and try once more; otherwise `TemporaryFailure(retry_after=...)`, the worker reschedules the row.
- 403 (bot blocked, kicked, user deactivated) and 400 (chat not found, bad request):
  `PermanentFailure` with Telegram's reason; the row is marked failed and never retried.
- 413 (a file larger than Telegram takes): `PermanentFailure`; PTB reports it as a
  NetworkError, which would otherwise be retried for a day.
- Timeouts and network errors: `TemporaryFailure`, retried with backoff.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from telegram import Bot, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from bot.core.messages import Reply
from bot.core.settings import Settings
from bot.delivery.worker import PermanentFailure, TemporaryFailure
from bot.handoff.outfiles import CheckedFile, is_file_payload, load_file
from handlers.telegram.render import choices_from_payload, render

__all__ = (
    "MAX_CAPTION",
    "RateLimiter",
    "TelegramSender",
    "api_urls",
    "chat_id_of",
    "document_of",
    "document_payload",
    "retry_seconds",
    "send_document",
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
MAX_CAPTION = 1024  # characters of a document's caption (Bot API limit)
PHOTO_MIMES = ("image/jpeg", "image/png")  # sendPhoto; a GIF would lose its animation
_WRONG_FILE_ID = "wrong file identifier"


def api_urls(settings: Settings) -> tuple[str, str]:
    """The Bot API base URL and file base URL (`{token}` is filled in by python-telegram-bot)."""
    base = settings.telegram_api_url
    files = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base
    return base, files


def chat_id_of(recipient: str) -> int | str:
    """An outbox recipient as a Telegram chat id: numeric ids as int, "@channel" names as is."""
    try:
        return int(recipient)
    except ValueError:
        return recipient


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (PTB gives a timedelta, or an int without PTB_TIMEDELTA)."""
    value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def document_payload(
    filename: str, mime: str, content: bytes, caption: str, **extra: Any
) -> dict[str, Any]:
    """An outbox payload for a file; the bytes travel base64-encoded (the payload is JSON)."""
    data = base64.b64encode(content).decode("ascii")
    document = {"filename": filename, "mime": mime, "content_b64": data}
    return {"document": document, "caption": caption, **extra}


def document_of(payload: Mapping[str, Any]) -> tuple[str, str, bytes] | None:
    """(filename, mime, content) of a file payload; None for a message; PermanentFailure if
    it cannot be read."""
    document = payload.get("document")
    if document is None:
        return None
    try:
        name, mime = str(document["filename"]), str(document.get("mime") or "")
        content = base64.b64decode(document["content_b64"], validate=True)
    except (KeyError, TypeError, binascii.Error) as exc:
        # A row that cannot be decoded now never will be: fail it visibly.
        raise PermanentFailure(f"telegram: unreadable document payload ({exc})") from exc
    if not name or not content:
        raise PermanentFailure("telegram: empty document")
    return name, mime, content


async def send_document(
    bot: Bot, chat_id: int | str, filename: str, mime: str, content: bytes, caption: str = ""
) -> None:
    """Upload `content` as a file named `filename` (multipart sendDocument)."""
    # A fresh InputFile per call, so a retry uploads the whole file again.
    file = InputFile(content, filename=filename)
    file.mimetype = mime or file.mimetype  # else guessed from the name (.ics: text/calendar)
    await bot.send_document(chat_id=chat_id, document=file, caption=caption[:MAX_CAPTION] or None)


class RateLimiter:
    """Paces sends below Telegram's limits: ~30 messages/s overall, 1/s per chat, 20/min per group.

    `reserve(chat)` books the next free moment and returns how long to wait for it; thread-safe,
    so several senders in one process share it.
    """

    def __init__(
        self,
        *,
        per_second: float = 30.0,
        chat_interval: float = 1.0,
        group_interval: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second, self.chat_interval, self.group_interval = (
            per_second,
            chat_interval,
            group_interval,
        )
        self._clock = clock
        self._lock = threading.Lock()
        self._next_any = 0.0
        self._next_chat: dict[str, float] = {}

    def reserve(self, chat: str) -> float:
        """Seconds to wait before sending to `chat`."""
        with self._lock:
            now = self._clock()
            interval = self.group_interval if chat.startswith("-") else self.chat_interval
            # The overall slot and the chat's slot are booked separately, so a chat that must
            # wait does not hold back messages to other chats.
            at_any = max(now, self._next_any)
            at = max(at_any, self._next_chat.get(chat, 0.0))
            self._next_any = at_any + 1.0 / self.per_second
            self._next_chat[chat] = at + interval
            if len(self._next_chat) > 10_000:  # forget chats whose slot has passed
                self._next_chat = {k: v for k, v in self._next_chat.items() if v > now}
            return at - now


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Called from async code (a test, a handler): run on a loop of our own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class TelegramSender:
    """Delivers outbox payloads to a chat: messages with their keyboard, or files (.ics)."""

    name = "telegram"

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        limiter: RateLimiter | None = None,
        max_wait: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if settings.telegram_token is None:
            raise ValueError("TelegramSender needs TMBOT_TELEGRAM_TOKEN")
        self._token = settings.telegram_token.get_secret_value()
        self._urls = api_urls(settings)
        self._staff_chat = settings.telegram_staff_chat
        self.engine = engine
        self.limiter = limiter or RateLimiter(
            chat_interval=settings.telegram_chat_interval,
            group_interval=settings.telegram_group_interval,
        )
        self.max_wait = max_wait
        self._sleep = sleep

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        """Send one message (split if longer than Telegram allows) or one file; raise a
        DeliveryError."""
        if is_file_payload(payload):
            file = load_file(self.engine, payload)
            known = str(payload.get("telegram_file_id") or "") or None
            _run(self._deliver_staff_file(chat_id_of(recipient), file, known))
            return
        document = document_of(payload)
        if document is not None:
            caption = str(payload.get("caption") or "")
            _run(self._deliver_document(chat_id_of(recipient), *document, caption))
            return
        text = str(payload.get("text") or "").strip()
        if not text:
            raise PermanentFailure("telegram: empty message")
        choices = choices_from_payload(payload.get("choices"))
        to_staff = self._staff_chat is not None and chat_id_of(recipient) == self._staff_chat
        rendered = render([Reply(text, choices)], self.engine, numbered=not to_staff)[0]
        _run(self._deliver(chat_id_of(recipient), rendered.texts, rendered.markup))

    def _bot(self, request: HTTPXRequest) -> Bot:
        return Bot(
            self._token,
            base_url=self._urls[0],
            base_file_url=self._urls[1],
            request=request,
            get_updates_request=request,
        )

    async def _deliver(
        self, chat_id: int | str, texts: tuple[str, ...], markup: InlineKeyboardMarkup | None
    ) -> None:
        request = HTTPXRequest(connection_pool_size=2)
        bot = self._bot(request)
        try:
            for i, text in enumerate(texts):
                last = i == len(texts) - 1
                reply_markup = markup if last else None
                send = partial(
                    bot.send_message, chat_id=chat_id, text=text, reply_markup=reply_markup
                )
                await self._attempt(chat_id, send)
        finally:
            await request.shutdown()

    async def _deliver_document(
        self, chat_id: int | str, filename: str, mime: str, content: bytes, caption: str
    ) -> None:
        request = HTTPXRequest(connection_pool_size=2)
        bot = self._bot(request)
        try:
            await self._attempt(
                chat_id, lambda: send_document(bot, chat_id, filename, mime, content, caption)
            )
        finally:
            await request.shutdown()

    async def _deliver_staff_file(
        self, chat_id: int | str, file: CheckedFile, known: str | None
    ) -> None:
        request = HTTPXRequest(connection_pool_size=2)
        bot = self._bot(request)
        photo = file.mime in PHOTO_MIMES

        async def send(what: str | InputFile) -> object:
            if photo:
                return await bot.send_photo(chat_id=chat_id, photo=what)
            return await bot.send_document(chat_id=chat_id, document=what)

        def upload() -> InputFile:
            data = InputFile(file.content, filename=file.filename)
            data.mimetype = file.mime
            return data

        try:
            if known:  # the same bot received it: no upload needed
                try:
                    await self._attempt(chat_id, lambda: send(known))
                    return
                except PermanentFailure as exc:
                    if _WRONG_FILE_ID not in str(exc).lower():
                        raise
                    logger.info("telegram: file id refused, uploading the file instead")
            await self._attempt(chat_id, lambda: send(upload()))
        finally:
            await request.shutdown()

    async def _attempt(self, chat_id: int | str, call: Callable[[], Awaitable[object]]) -> None:
        """One paced API call with the retry rules above; messages and files share them."""
        for attempt in (1, 2):
            await self._sleep(self.limiter.reserve(str(chat_id)))
            try:
                await call()
                return
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                if attempt == 1 and wait <= self.max_wait:
                    logger.info("telegram: flood control, waiting %.0f s", wait)
                    await self._sleep(wait)
                    continue
                raise TemporaryFailure(
                    f"telegram: flood control, retry in {wait:.0f} s", retry_after=wait
                ) from exc
            except Forbidden as exc:  # blocked by the user, kicked from the group ...
                raise PermanentFailure(f"telegram: {exc.message}") from exc
            except BadRequest as exc:  # chat not found, text refused: retrying cannot help
                raise PermanentFailure(f"telegram: {exc.message}") from exc
            except InvalidToken as exc:  # a configuration error: retry once it is fixed
                raise TemporaryFailure("telegram: the bot token was rejected") from exc
            except NetworkError as exc:  # timeouts, connection errors, Telegram 5xx
                if "entity too large" in exc.message.lower():  # 413: the file never fits
                    raise PermanentFailure(f"telegram: file too large ({exc.message})") from exc
                raise TemporaryFailure(f"telegram: {exc.message}") from exc
