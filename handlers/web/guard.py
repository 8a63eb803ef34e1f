"""Limits a public station needs: request bodies capped before parsing, requests per address
throttled (429 with Retry-After), and validation errors that never echo the input back.

A pure ASGI middleware, so an oversized body is refused before FastAPI reads it. Counting is
`limits`' moving window, in memory per worker by default (`rate_store.py`) or shared through Redis when
`TMBOT_RATE_LIMIT_STORAGE` names it (``redis://127.0.0.1:6379``).
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.core.settings import Settings
from handlers.web import form_errors
from handlers.web.rate_store import rate_storage

__all__ = ("install",)

logger = logging.getLogger(__name__)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Path prefix -> which limit applies; the first match wins. Webhooks come from the platforms'
# few addresses, so their per-address limit is high; the chat API is per visitor.
_RULES: tuple[tuple[str, str], ...] = (
    ("/api/chat", "chat"),
    ("/wechat", "webhook"),
    ("/telegram/webhook", "webhook"),
    ("/login", "login"),
)
_UPLOAD_PREFIXES = ("/admin/faq/import", "/admin/experts/import", "/staff/")


class _TooLarge(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(413, "request body too large / 请求内容过大")


class Guard:
    """Body-size cap and per-address rate limits in front of the app."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_bytes
        self.max_upload = settings.max_upload_bytes
        self.storage = rate_storage(settings.rate_limit_storage)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.items: dict[str, RateLimitItem] = {
            "chat": parse(settings.rate_limit_chat),
            "webhook": parse(settings.rate_limit_webhook),
            "login": parse(settings.rate_limit_login),
        }
        self.identity_item = parse(settings.rate_limit_identity)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        cap = self.max_upload if path.startswith(_UPLOAD_PREFIXES) else self.max_body
        length = _content_length(scope)
        if length is not None and length > cap:
            await _plain(send, 413, "request body too large / 请求内容过大", {})
            return
        kind = next((k for prefix, k in _RULES if path.startswith(prefix)), None)
        if kind and scope.get("method") == "POST":
            client = scope.get("client") or ("?", 0)
            keys = [(self.items[kind], kind, str(client[0]))]
            who = _identity(scope, kind)
            if who:  # the web visitor's cookie or the WeChat user's openid
                keys.append((self.identity_item, f"{kind}-id", who))
            for item, *key in keys:
                if not self.limiter.hit(item, *key):
                    reset, _ = self.limiter.get_window_stats(item, *key)
                    wait = max(1, math.ceil(reset - time.time()))
                    logger.warning("rate limit %s hit by %s on %s", item, key[1][:12], path)
                    await _plain(
                        send, 429, "too many requests / 请求过于频繁", {"retry-after": str(wait)}
                    )
                    return
        await self.app(scope, _capped(receive, cap), send)


def _identity(scope: Scope, kind: str) -> str | None:
    # Who is asking, where the request says so before its body is read: the chat's visitor
    # cookie (its value, signed or not: a forged one is counted too), WeChat's `openid` query
    # parameter on message pushes.
    if kind == "chat":
        for name, value in scope.get("headers") or []:
            if name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    key, _, val = part.strip().partition("=")
                    if key == "tmbot_chat" and val:
                        return val[:80]
    if kind == "webhook" and scope.get("path", "").startswith("/wechat"):
        for part in scope.get("query_string", b"").decode("latin-1").split("&"):
            key, _, val = part.partition("=")
            if key == "openid" and val:
                return val[:80]
    return None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _capped(receive: Receive, cap: int) -> Receive:
    # A chunked body without Content-Length is counted as it arrives.
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise _TooLarge
        return message

    return wrapped


async def _plain(send: Send, status: int, text: str, headers: dict[str, str]) -> None:
    body = json.dumps({"detail": text}, ensure_ascii=False).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def install(app: FastAPI, settings: Settings) -> None:
    """Add the guard and an error handler that names fields but never echoes their values."""
    app.add_middleware(Guard, settings=settings)  # type: ignore[arg-type]

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if form_errors.is_page(request):  # a person on a staff page: bilingual, never JSON
            return form_errors.page(request, exc.errors())
        errors = [
            {
                "loc": list(e.get("loc", ())),
                "msg": str(e.get("msg", ""))[:200],
                "type": e.get("type"),
            }
            for e in exc.errors()[:20]
        ]
        return JSONResponse({"detail": errors}, status_code=422)
