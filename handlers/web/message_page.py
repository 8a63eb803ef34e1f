"""The page behind a signed, expiring link: the whole message staff sent, or the file they sent.

A WeChat subscription notice carries 20 characters; its link opens this page, which shows every
part of the message. A file staff send back (bot/handoff/outfiles.py) that the channel cannot
carry (a PDF to a WeChat Official Account, any file in the web chat) is a link to this page too:
it names the file, shows an image, and offers the download (`/m/TOKEN/file`). No login: the
token (bot/delivery/links.py) is the permission, and it expires.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from bot.delivery.links import verify_message
from bot.handoff.outfiles import IMAGE_MIMES, human_size, is_file_payload
from handlers.web.deps import RuntimeDep, SessionDep
from storage.outbox import OutboxMessage
from storage.ticket_files import TicketFile, get_file

__all__ = ("router",)

router = APIRouter()

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>body{{font:16px/1.6 sans-serif;max-width:40em;margin:1em auto;padding:0 1em}}
p{{white-space:pre-wrap}} img{{max-width:100%;height:auto;border:1px solid #ddd}}
a.dl{{display:inline-block;padding:.6em 1.2em;background:#1d4ed8;color:#fff;border-radius:6px;
text-decoration:none}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""


_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "X-Robots-Tag": "noindex"}
_EXPIRED = "<p>链接无效或已过期，请在公众号中发送任意消息查看回复。\n" + (
    "This link is invalid or has expired: send the account any message to get the reply.</p>"
)


def _rows(token: str, runtime: RuntimeDep, session: Session) -> list[OutboxMessage]:
    settings = runtime.settings
    key = verify_message(settings.secret_key, token, runtime.conversation.clock.now())
    if key is None:
        return []
    query = select(OutboxMessage).where(col(OutboxMessage.message_key) == key)
    return sorted(session.exec(query), key=lambda r: r.part)


def _file(rows: list[OutboxMessage], session: Session) -> TicketFile | None:
    for row in rows:
        if is_file_payload(row.payload):
            ticket, file_id = str(row.payload.get("ticket") or ""), int(row.payload["file"])
            return get_file(session=session, ticket_number=ticket, file_id=file_id)
    return None


def _expired() -> HTMLResponse:
    page = _PAGE.format(title="链接已失效 / Link expired", body=_EXPIRED)
    return HTMLResponse(page, status_code=404, headers=_HEADERS)


@router.get("/m/{token}", response_class=HTMLResponse)
def message_page(token: str, runtime: RuntimeDep, session: SessionDep) -> HTMLResponse:
    """The whole message (or the file's download page), or 404 for a wrong or expired link."""
    rows = _rows(token, runtime, session)
    if not rows:
        return _expired()
    if any(is_file_payload(r.payload) for r in rows):
        file = _file(rows, session)
        if file is None:  # erased with the user's data
            return _expired()
        name = html.escape(file.filename)
        body = f"<p>{name} · {human_size(file.size)}</p>"
        if file.mime in IMAGE_MIMES:
            body += f'<p><img src="/m/{token}/file?inline=1" alt="{name}"></p>'
        body += (
            f'<p><a class="dl" href="/m/{token}/file" download>下载 Download</a></p>'
            "<p>链接有效期有限，请及时保存。 / The link expires: save the file.</p>"
        )
        page = _PAGE.format(title="工作人员发来的文件 / A file from staff", body=body)
        return HTMLResponse(page, headers=_HEADERS)
    text = "\n".join(str(r.payload.get("text") or "") for r in rows)
    body = f"<p>{html.escape(text)}</p>"
    return HTMLResponse(
        _PAGE.format(title="工作人员回复 / Reply from staff", body=body), headers=_HEADERS
    )


@router.get("/m/{token}/file")
def message_file(
    token: str,
    runtime: RuntimeDep,
    session: SessionDep,
    inline: bool = Query(False),
) -> Response:
    """The file of a file message; `inline` shows an image in the page (other types are always
    downloads: nothing staff upload is ever rendered as a page of this site)."""
    file = _file(_rows(token, runtime, session), session)
    if file is None:
        return _expired()
    shown = inline and file.mime in IMAGE_MIMES
    disposition = "inline" if shown else "attachment"
    headers = {
        **_HEADERS,
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(file.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return Response(bytes(file.content), media_type=file.mime, headers=headers)
