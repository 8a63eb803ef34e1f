"""`POST /telegram/webhook` and the PTB Application's life inside the FastAPI app."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from bot.core.runtime import Runtime

if TYPE_CHECKING:
    from handlers.telegram.adapter import PTBApp

# python-telegram-bot (35 MiB a process) is imported only when TMBOT_TELEGRAM_TOKEN is set.

__all__ = ("TelegramChannel", "router", "telegram_lifespan")

logger = logging.getLogger(__name__)
router = APIRouter()
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_MAX_BODY = 1_000_000  # a Telegram update is a few KB


class TelegramChannel:
    """The webhook's PTB Application; started lazily again if Telegram was down at startup."""

    def __init__(self, runtime: Runtime) -> None:
        from handlers.telegram.adapter import build_application

        self.runtime = runtime
        self.application: PTBApp = build_application(runtime)
        self._lock = asyncio.Lock()

    async def ready(self) -> bool:
        """Initialize (getMe) and start the Application once; False while Telegram is unreachable."""
        from telegram.error import TelegramError

        async with self._lock:
            if self.application.running:
                return True
            try:
                await self.application.initialize()
                await self.application.start()
            except TelegramError as exc:
                logger.error("Telegram is not reachable (%s); webhook answers 503 until it is", exc)
                return False
            logger.info("telegram bot @%s ready", self.application.bot.username)
            return True

    async def stop(self) -> None:
        """Stop and shut down the Application (idempotent)."""
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()


@asynccontextmanager
async def telegram_lifespan(app: FastAPI, runtime: Runtime) -> AsyncIterator[None]:
    """Run the Telegram channel for the app's lifetime, when TMBOT_TELEGRAM_TOKEN is set."""
    if not runtime.settings.telegram_enabled:
        app.state.telegram = None
        yield
        return
    if runtime.settings.telegram_secret is None:
        logger.warning("TMBOT_TELEGRAM_SECRET is not set: /telegram/webhook refuses every update")
    channel = TelegramChannel(runtime)
    app.state.telegram = channel
    await channel.ready()
    try:
        yield
    finally:
        await channel.stop()


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> JSONResponse:
    """Receive one Telegram update (sent by Telegram after `tmbot telegram set-webhook`)."""
    channel: TelegramChannel | None = getattr(request.app.state, "telegram", None)
    if channel is None:
        return _error(404, "Telegram is not configured: set TMBOT_TELEGRAM_TOKEN")
    secret = channel.runtime.settings.telegram_secret
    given = request.headers.get(SECRET_HEADER, "")
    # compare_digest: the time taken must not reveal how much of the secret matched.
    if secret is None or not hmac.compare_digest(
        given.encode(), secret.get_secret_value().encode()
    ):
        return _error(403, f"wrong or missing {SECRET_HEADER} header")
    body = await request.body()
    if len(body) > _MAX_BODY:
        return _error(413, "update too large")
    try:
        data = json.loads(body)
    except ValueError:
        return _error(400, "body is not JSON: expected a Telegram Update object")
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return _error(400, "expected a Telegram Update object with an integer update_id")
    if not await channel.ready():
        return _error(503, "Telegram is not reachable yet; retry later")
    from telegram import Update

    try:
        update = Update.de_json(data, channel.application.bot)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        logger.warning("malformed Telegram update %s: %r", data.get("update_id"), exc)
        return _error(400, "malformed Telegram Update object")
    # Handled inside the request (deterministic; handler errors go to the error hook, not here).
    await channel.application.process_update(update)
    return JSONResponse({"ok": True})
