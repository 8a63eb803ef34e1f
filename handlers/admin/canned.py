"""Admins edit the staff console's canned replies, in Chinese and English, and choose the
channels each one is offered on. Mistakes come back on the page in both languages."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from handlers.web.auth import AdminUser, audit, require_admin
from handlers.web.csrf import check_csrf
from handlers.web.deps import SessionDep
from handlers.web.pages import flash, render
from storage.canned import CannedReply, get_canned, list_canned, save_canned

__all__ = ("router",)

router = APIRouter(
    prefix="/admin/canned",
    dependencies=[Depends(require_admin), Depends(check_csrf)],
    include_in_schema=False,
)
CHANNELS = ("web", "telegram", "wechat")
TEXT_MAX = 2000
_KEY_RE = re.compile(r"^[a-z0-9_]{2,40}$")
Field = Annotated[str, Form(max_length=20_000)]  # limits are checked with a message


def _problems(key: str, label: str, zh: str, en: str) -> list[str]:
    problems = []
    if not _KEY_RE.match(key):
        problems.append("编号须为2–40个小写字母、数字或下划线 / key: 2–40 of a-z, 0-9, _")
    if not label.strip() or len(label) > 60:
        problems.append("按钮文字必填，最多60字 / label: required, at most 60 characters")
    for name, text in (("中文 Chinese", zh), ("英文 English", en)):
        if not text.strip():
            problems.append(f"{name}: 不能为空 / must not be empty")
        elif len(text) > TEXT_MAX:
            problems.append(f"{name}: 最多 {TEXT_MAX} 字 / at most {TEXT_MAX} characters")
    return problems


@router.get("")
def canned_page(request: Request, session: SessionDep) -> Response:
    """Every canned reply with its edit form, and a form for a new one."""
    return render(
        request, "admin/canned.html", rows=list_canned(session=session), channels=CHANNELS
    )


@router.post("")
def save(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    key: Annotated[str, Form(max_length=60)] = "",
    label: Field = "",
    text_zh: Field = "",
    text_en: Field = "",
    channels: Annotated[list[str] | None, Form()] = None,
    position: Annotated[str, Form(max_length=6)] = "0",
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Create or update the reply named by `key`."""
    key = key.strip()
    problems = _problems(key, label, text_zh, text_en)
    if problems:
        for line in problems:
            flash(request, line, "error")
        return RedirectResponse("/admin/canned", status_code=303)
    reply = get_canned(session=session, key=key) or CannedReply(
        key=key, label="", text_zh="", text_en=""
    )
    reply.label, reply.text_zh, reply.text_en = label.strip(), text_zh.strip(), text_en.strip()
    reply.channels = ",".join(c for c in CHANNELS if c in (channels or []))
    reply.position = int(position) if position.lstrip("-").isdigit() else 0
    reply.active = active in ("true", "on", "1")
    save_canned(session=session, reply=reply, author=user.username)
    audit(session, user, "canned.save", f"canned:{key}", {"active": reply.active}, request)
    flash(request, f"已保存快捷回复 {key} / Canned reply saved")
    return RedirectResponse("/admin/canned", status_code=303)
