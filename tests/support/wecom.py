"""A fake WeCom group robot endpoint for httpx.MockTransport: records posts, scripts failures."""

from __future__ import annotations

import json

import httpx

from bot.core.settings import Settings
from handlers.notify.notifiers import WeComSender
from tests.support.handoff import with_notifiers

__all__ = ("FakeWeCom",)


class FakeWeCom:
    """`posts` are (url, json body); `script` holds answers or exceptions for the next posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, object]]] = []
        self.script: list[httpx.Response | Exception] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        self.posts.append((str(request.url), json.loads(request.content)))
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})

    def texts(self) -> list[str]:
        return [str(body["text"]["content"]) for _url, body in self.posts]  # type: ignore[index]

    def sender(self, settings: Settings) -> WeComSender:
        """A real WeComSender whose HTTP goes to this fake."""
        if not settings.wecom_webhook_url:
            settings = with_notifiers(settings)
        return WeComSender(settings, transport=httpx.MockTransport(self))
