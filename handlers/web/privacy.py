"""The privacy notice at /privacy (both languages, as the station wrote it), its editor at
/admin/privacy (admins, audited), and the web chat user's own data as a JSON download."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from bot.privacy.service import notice_text
from handlers.web.auth import AdminUser, audit, require_admin
from handlers.web.csrf import check_csrf
from handlers.web.deps import SessionDep
from handlers.web.pages import flash, render
from storage.erasers import export_user
from storage.privacy import current_notice, save_notice

__all__ = ("router",)

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
_WEB_ID = r"^[A-Za-z0-9_-]+$"  # the web chat's random id (handlers/web/chat.py)


@router.get("/privacy")
def privacy_page(request: Request, session: SessionDep) -> Response:
    """The notice in force, Chinese and English, open to everyone."""
    notice = current_notice(session=session)
    return render(
        request,
        "privacy/notice.html",
        text_zh=notice_text(session=session, lang="zh"),
        text_en=notice_text(session=session, lang="en"),
        notice=notice,
    )


@router.get("/privacy/data")
def my_data(
    session: SessionDep,
    user_id: Annotated[str, Query(min_length=8, max_length=64, pattern=_WEB_ID)],
) -> Response:
    """Everything held about one web chat user, as a file (the id is the page's own secret)."""
    data = export_user(session=session, channel="web", user_ref=user_id)
    body = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    return Response(
        body,
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/admin/privacy", dependencies=[Depends(require_admin)])
def edit_notice(request: Request, session: SessionDep) -> Response:
    """The notice in both languages, for an admin to edit."""
    notice = current_notice(session=session)
    return render(
        request,
        "privacy/edit.html",
        text_zh=notice_text(session=session, lang="zh"),
        text_en=notice_text(session=session, lang="en"),
        notice=notice,
    )


@router.post("/admin/privacy")
def save_notice_form(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    text_zh: Annotated[str, Form(min_length=20, max_length=20_000)],
    text_en: Annotated[str, Form(min_length=20, max_length=20_000)],
) -> Response:
    """Put a new version of the notice in force (consents given later refer to it)."""
    notice = save_notice(session=session, text_zh=text_zh, text_en=text_en, by=user.username)
    audit(session, user, "privacy.notice", f"privacy_notice:{notice.id}", {}, request)
    flash(
        request, f"隐私说明已更新（第 {notice.id} 版）/ Privacy notice saved (version {notice.id})"
    )
    return RedirectResponse("/admin/privacy", status_code=303)
