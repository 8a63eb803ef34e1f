"""The privacy notice at /privacy (both languages, as the station wrote it), its editor at
/admin/privacy (admins, audited), and the web chat user's own data as a JSON download."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from bot.privacy.service import notice_text
from handlers.web.auth import AdminUser, audit, require_admin
from handlers.web.csrf import check_csrf
from handlers.web.deps import SessionDep, SettingsDep
from handlers.web.pages import flash, render
from handlers.web.visitor import COOKIE, read_visitor
from storage.erasers import export_user
from storage.errors import NotFound
from storage.privacy import current_notice, save_notice

__all__ = ("router",)

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


@router.get("/privacy")
def privacy_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The notice in force, Chinese and English, open to everyone (linked from the chat page)."""
    notice = current_notice(session=session)
    return render(
        request,
        "privacy/notice.html",
        text_zh=notice_text(session=session, lang="zh"),
        text_en=notice_text(session=session, lang="en"),
        notice=notice,
        station_zh=settings.station_name_zh,
    )


@router.get("/privacy/data")
def my_data(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Everything held about this web chat visitor (their signed cookie), as a file."""
    visitor = read_visitor(request.cookies.get(COOKIE), settings.secret_key)
    if visitor is None:
        raise NotFound("no web chat conversation in this browser")
    data = export_user(session=session, channel="web", user_ref=visitor)
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
