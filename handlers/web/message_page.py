"""The page behind a WeChat notice's link: the whole message staff sent (signed, expiring link).

A subscription notice carries 20 characters; its link opens this page, which shows every part
of the message. No login: the token (bot/delivery/links.py) is the permission, and it expires.
"""

from __future__ import annotations

import html

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlmodel import col, select

from bot.delivery.links import verify_message
from handlers.web.deps import RuntimeDep, SessionDep
from storage.outbox import OutboxMessage

__all__ = ("router",)

router = APIRouter()

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>body{{font:16px/1.6 sans-serif;max-width:40em;margin:1em auto;padding:0 1em}}
p{{white-space:pre-wrap}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""


@router.get("/m/{token}", response_class=HTMLResponse)
def message_page(token: str, runtime: RuntimeDep, session: SessionDep) -> HTMLResponse:
    """The whole message, or 404 for a wrong or expired link."""
    settings = runtime.settings
    key = verify_message(settings.secret_key, token, runtime.conversation.clock.now())
    rows = []
    if key is not None:
        query = select(OutboxMessage).where(col(OutboxMessage.message_key) == key)
        rows = sorted(session.exec(query), key=lambda r: r.part)
    if not rows:
        body = "<p>链接无效或已过期，请在公众号中发送任意消息查看回复。\n" + (
            "This link is invalid or has expired: send the account any message to get the "
            "reply.</p>"
        )
        return HTMLResponse(
            _PAGE.format(title="链接已失效 / Link expired", body=body), status_code=404
        )
    text = "\n".join(str(r.payload.get("text") or "") for r in rows)
    body = f"<p>{html.escape(text)}</p>"
    headers = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}
    return HTMLResponse(
        _PAGE.format(title="工作人员回复 / Reply from staff", body=body), headers=headers
    )
