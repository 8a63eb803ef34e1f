"""Admin pages for experts: list, create and edit (validated by storage.experts.ExpertIn),
weekly availability as one rule per line, and dated exceptions (leave, extra hours)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from bot.booking.experts_io import describe_error
from bot.booking.format import topic_label
from handlers.web.auth import AdminUser, audit, require_admin
from handlers.web.csrf import check_csrf
from handlers.web.deps import SessionDep
from handlers.web.pages import flash, render
from storage.accounts import get_account
from storage.errors import NotFound
from storage.experts import (
    LANGUAGES,
    MODES,
    SPECIALTIES,
    AvailabilityException,
    Expert,
    ExpertIn,
    format_rule,
    list_experts,
    rules_of,
    save_expert,
)

__all__ = ("router",)

router = APIRouter(
    prefix="/admin/experts",
    dependencies=[Depends(require_admin), Depends(check_csrf)],
    include_in_schema=False,
)
TEXT_FIELDS = (
    "name",
    "name_en",
    "organisation",
    "organisation_en",
    "location",
    "bio_zh",
    "bio_en",
    "email",
    "telegram_chat",
    "account",
)


def _expert(session: SessionDep, expert_id: int) -> Expert:
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise NotFound(f"no expert {expert_id}")
    return expert


def _form_of(session: SessionDep, expert: Expert | None) -> dict[str, Any]:
    if expert is None:
        return {"mode": "on_site", "languages": ["zh"], "specialties": [], "active": True}
    form: dict[str, Any] = expert.model_dump()
    assert expert.id is not None
    rules = rules_of(session=session, expert_id=expert.id)
    form["availability"] = "\n".join(format_rule(r) for r in rules)
    return form


def _page(
    request: Request, session: SessionDep, expert: Expert | None, form: dict[str, Any], **extra: Any
) -> Response:
    exceptions: list[AvailabilityException] = []
    if expert is not None:
        query = select(AvailabilityException).where(AvailabilityException.expert_id == expert.id)
        exceptions = list(session.exec(query.order_by(col(AvailabilityException.day))))
    return render(
        request,
        "experts/form.html",
        expert=expert,
        form=form,
        exceptions=exceptions,
        specialties=[(s, topic_label(s, "zh"), topic_label(s, "en")) for s in SPECIALTIES],
        modes=MODES,
        languages=LANGUAGES,
        **extra,
    )


async def _read_form(request: Request) -> dict[str, Any]:
    data = await request.form()
    form: dict[str, Any] = {k: str(data.get(k, "")).strip() for k in TEXT_FIELDS}
    form["specialties"] = [str(v) for v in data.getlist("specialties")]
    form["languages"] = [str(v) for v in data.getlist("languages")]
    form["mode"] = str(data.get("mode", "on_site"))
    form["active"] = data.get("active") == "true"
    form["availability"] = str(data.get("availability", ""))
    return form


def _validate(form: dict[str, Any]) -> tuple[ExpertIn | None, str]:
    rules = [line for line in form["availability"].splitlines() if line.strip()]
    try:
        return ExpertIn.model_validate({**form, "availability": rules}), ""
    except ValidationError as exc:
        return None, describe_error(exc)


def _account_error(session: SessionDep, form: dict[str, Any]) -> str:
    """The login field must name an existing account (the expert then sees their bookings)."""
    name = str(form.get("account") or "").strip()
    if name and get_account(session=session, username=name) is None:
        return f"登录账号 {name!r} 不存在，请先在“账号”页创建 / No account {name!r}: create it on the Users page first"
    return ""


@router.get("")
def experts(request: Request, session: SessionDep) -> Response:
    """Every expert with specialties, mode and weekly availability."""
    rows = list_experts(session=session, active_only=False)
    rules = {
        e.id: [format_rule(r) for r in rules_of(session=session, expert_id=e.id or 0)] for e in rows
    }
    return render(
        request, "experts/list.html", rows=rows, rules=rules, topic=lambda t: topic_label(t, "zh")
    )


@router.get("/new")
def new_form(request: Request, session: SessionDep) -> Response:
    """An empty expert form."""
    return _page(request, session, None, _form_of(session, None))


@router.post("/new")
async def create(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Create an expert; a form with mistakes comes back with the reason."""
    form = await _read_form(request)
    data, error = _validate(form)
    error = error or _account_error(session, form)
    if data is None or error:
        return _page(request, session, None, form, error=error, status_code=400)
    expert = save_expert(session=session, data=data, expert_id=0)
    audit(session, user, "expert.create", f"expert:{expert.id}", {"name": data.name}, request)
    flash(request, f"已添加专家 {data.name} / Expert added")
    return RedirectResponse(f"/admin/experts/{expert.id}", status_code=303)


@router.get("/{expert_id}")
def edit_form(request: Request, expert_id: int, session: SessionDep) -> Response:
    """The expert's form, with the dated exceptions."""
    expert = _expert(session, expert_id)
    return _page(request, session, expert, _form_of(session, expert))


@router.post("/{expert_id}")
async def update(
    request: Request, expert_id: int, session: SessionDep, user: AdminUser
) -> Response:
    """Save the expert and replace the weekly rules (booked slots stay booked)."""
    expert = _expert(session, expert_id)
    form = await _read_form(request)
    data, error = _validate(form)
    error = error or _account_error(session, form)
    if data is None or error:
        return _page(request, session, expert, form, error=error, status_code=400)
    save_expert(session=session, data=data, expert_id=expert_id)
    audit(session, user, "expert.update", f"expert:{expert_id}", {"name": data.name}, request)
    flash(request, f"已保存 {data.name} / Saved")
    return RedirectResponse(f"/admin/experts/{expert_id}", status_code=303)


@router.post("/{expert_id}/exceptions")
def add_exception(
    request: Request,
    expert_id: int,
    session: SessionDep,
    user: AdminUser,
    day: Annotated[dt.date, Form()],
    kind: Annotated[str, Form(pattern="^(leave|extra)$")],
    start: Annotated[str, Form(max_length=5)] = "",
    end: Annotated[str, Form(max_length=5)] = "",
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Add a day off (whole or part) or extra hours on one date."""
    _expert(session, expert_id)
    try:
        times = [dt.time.fromisoformat(v.zfill(5)) if v else None for v in (start, end)]
    except ValueError:
        times = [None, dt.time(0)]  # reported below
    begin, finish = times
    if (begin is None) != (finish is None) or (begin and finish and finish <= begin):
        flash(
            request, "时间不完整或结束早于开始 / Give both times, the end after the start", "error"
        )
    elif kind == "extra" and begin is None:
        flash(request, "加开时段需要开始和结束时间 / Extra hours need a start and an end", "error")
    else:
        session.add(
            AvailabilityException(
                expert_id=expert_id, day=day, kind=kind, start=begin, end=finish, note=note
            )
        )
        audit(session, user, "expert.exception", f"expert:{expert_id}", {"day": str(day)}, request)
        flash(request, f"已添加 {day} {kind} / Added")
    return RedirectResponse(f"/admin/experts/{expert_id}", status_code=303)


@router.post("/{expert_id}/exceptions/{exception_id}/delete")
def delete_exception(
    request: Request, expert_id: int, exception_id: int, session: SessionDep, user: AdminUser
) -> Response:
    """Remove a dated exception."""
    row = session.get(AvailabilityException, exception_id)
    if row is None or row.expert_id != expert_id:
        raise NotFound(f"no exception {exception_id}")
    session.delete(row)
    audit(session, user, "expert.exception_delete", f"expert:{expert_id}", None, request)
    flash(request, "已删除 / Removed")
    return RedirectResponse(f"/admin/experts/{expert_id}", status_code=303)
