"""The FAQ admin: list and search entries, create, edit, publish or retire, history, diff, rollback.

Every save goes through `storage.faq.save_entry`, which records a revision and moves the corpus
version; each worker's IndexProvider sees the new version on its next message and rebuilds, so
an edit answers users at once without a restart.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from handlers.admin.forms import (
    blank_form,
    check_related,
    diff_table,
    entry_from_form,
    form_from_entry,
    revision_text,
)
from handlers.web.auth import AdminUser, audit, require_admin
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render, station_today
from knowledge.review import stale_entries
from knowledge.schema import FaqEntry
from storage.errors import CorpusError, NotFound
from storage.faq import get_record, get_revision, list_records, list_revisions, save_entry
from storage.models import FaqRecord

__all__ = ("admin_router", "router")

router = APIRouter(
    prefix="/admin",
    dependencies=[Depends(require_admin), Depends(check_csrf)],
    include_in_schema=False,
)
STATUSES = ("draft", "published", "retired")
PAGE_SIZE = 100


def _record(session: Session, entry_id: str) -> FaqRecord:
    record = get_record(session=session, entry_id=entry_id)
    if record is None:
        raise NotFound(f"no FAQ entry {entry_id!r}")
    return record


def _matches(record: FaqRecord, needle: str) -> bool:
    entry = record.data
    hay = [record.id, *entry.get("tags", [])]
    for part in ("question", "answer"):
        hay += [entry.get(part, {}).get("zh", ""), entry.get(part, {}).get("en", "")]
    alternates = entry.get("alternates", {})
    hay += alternates.get("zh", []) + alternates.get("en", [])
    return any(needle in text.lower() for text in hay)


@router.get("")
def admin_home() -> Response:
    """The admin starts at the entry list."""
    return RedirectResponse("/admin/faq", status_code=303)


@router.get("/faq")
def entry_list(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    q: str = "",
    topic: str = "",
    theme: str = "",
    status: str = "",
    editor: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """Entries filtered by text (both languages), topic, theme, status and last editor."""
    records = list_records(session=session)
    today = station_today(runtime)
    entries = [FaqEntry.model_validate(r.data) for r in records]
    stale = {e.id for e, _ in stale_entries(entries, today, runtime.settings.corpus_max_age_days)}
    facets: dict[str, Any] = {
        "topics": sorted({r.topic for r in records if r.topic}),
        "themes": sorted({r.theme for r in records}),
        "editors": sorted({r.updated_by for r in records}),
    }
    needle = q.strip().lower()
    rows = [
        r
        for r in records
        if (not needle or _matches(r, needle))
        and (not topic or r.topic == topic)
        and (not theme or r.theme == theme)
        and (not status or r.status == status)
        and (not editor or r.updated_by == editor)
    ]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(
        request,
        "admin/list.html",
        rows=shown,
        total=len(rows),
        page=page,
        pages=pages,
        stale=stale,
        statuses=STATUSES,
        filters={"q": q, "topic": topic, "theme": theme, "status": status, "editor": editor},
        tz=runtime.settings.timezone,
        **facets,
    )


def _edit_page(
    request: Request,
    session: SessionDep,
    values: dict[str, str],
    *,
    record: FaqRecord | None,
    error: str = "",
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
) -> Response:
    records = list_records(session=session)
    return render(
        request,
        "admin/edit.html",
        status_code,
        values=values,
        record=record,
        error=error,
        statuses=STATUSES,
        themes=sorted({r.theme for r in records}),
        topics=sorted({r.topic for r in records if r.topic}),
        extra=extra or {},
    )


@router.get("/faq/new")
def new_entry_page(
    request: Request,
    session: SessionDep,
    question: str = "",
    rep: str = "",
    upto: int = 0,
) -> Response:
    """A blank entry, or one prefilled from an unanswered question."""
    from knowledge.normalize import detect_lang

    prefill = {f"question_{detect_lang(question) or 'zh'}": question} if question else {}
    extra = {"rep": rep, "upto": upto} if rep else {}
    return _edit_page(request, session, blank_form(**prefill), record=None, extra=extra)


@router.post("/faq/new")
async def create_entry(request: Request, session: SessionDep, user: AdminUser) -> Response:
    """Create an entry (its first revision)."""
    form = dict((await request.form()).items())
    upto = str(form.get("upto") or "0")
    extra = {"rep": str(form.get("rep") or ""), "upto": int(upto) if upto.isdigit() else 0}
    try:
        entry = entry_from_form(form)
        if get_record(session=session, entry_id=entry.id) is not None:
            raise CorpusError(f"id: {entry.id} is already used; choose another id")
        check_related(entry, {r.id for r in list_records(session=session)})
    except CorpusError as exc:
        values = {k: str(v) for k, v in form.items()}
        return _edit_page(
            request, session, values, record=None, error=str(exc), status_code=400, extra=extra
        )
    note = str(form.get("note") or "created")[:500]
    save_entry(session=session, entry=entry, author=user.username, note=note)
    audit(session, user, "faq.create", f"faq:{entry.id}", {"status": entry.status}, request)
    if extra["rep"]:
        from handlers.admin.review import handle_group

        upto_id = extra["upto"]
        assert isinstance(upto_id, int)
        handle_group(session, str(extra["rep"]), upto_id, "new_entry", user, entry.id)
    flash(request, f"已创建 Created {entry.id} ({entry.status})")
    return RedirectResponse(f"/admin/faq/{entry.id}", status_code=303)


@router.get("/faq/{entry_id}")
def edit_page(request: Request, session: SessionDep, entry_id: str) -> Response:
    """The edit form of one entry."""
    record = _record(session, entry_id)
    values = form_from_entry(FaqEntry.model_validate(record.data))
    values["base_revision"] = str(record.revision)
    return _edit_page(request, session, values, record=record)


@router.post("/faq/{entry_id}")
async def save(request: Request, session: SessionDep, user: AdminUser, entry_id: str) -> Response:
    """Save an edit as a new revision; refuses to overwrite a revision saved meanwhile."""
    record = _record(session, entry_id)
    form = dict((await request.form()).items())
    values = {k: str(v) for k, v in form.items()}
    base = str(form.get("base_revision") or "")
    if base != str(record.revision):
        values["base_revision"] = str(record.revision)
        error = (
            f"{record.updated_by} 已保存了第 {record.revision} 版。请核对后再保存。 / "
            f"{record.updated_by} saved revision {record.revision} meanwhile: check the history, "
            "then save again to overwrite it with your text."
        )
        return _edit_page(request, session, values, record=record, error=error, status_code=409)
    try:
        entry = entry_from_form(form, entry_id=entry_id)
        check_related(entry, {r.id for r in list_records(session=session)})
    except CorpusError as exc:
        return _edit_page(request, session, values, record=record, error=str(exc), status_code=400)
    before = record.revision
    note = str(form.get("note") or "")[:500]
    record = save_entry(session=session, entry=entry, author=user.username, note=note)
    if record.revision == before:
        flash(request, "没有改动。 / Nothing changed.", "warn")
    else:
        detail = {"revision": record.revision, "status": entry.status, "note": note}
        audit(session, user, "faq.save", f"faq:{entry_id}", detail, request)
        flash(request, f"已保存第 {record.revision} 版 / Saved revision {record.revision}")
    return RedirectResponse(f"/admin/faq/{entry_id}", status_code=303)


@router.post("/faq/{entry_id}/status")
def set_status(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    entry_id: str,
    status: Annotated[str, Form(pattern="^(draft|published|retired)$")],
) -> Response:
    """Publish, unpublish (draft) or retire an entry."""
    record = _record(session, entry_id)
    entry = FaqEntry.model_validate({**record.data, "status": status})
    record = save_entry(
        session=session, entry=entry, author=user.username, note=f"status: {status}"
    )
    audit(session, user, f"faq.{status}", f"faq:{entry_id}", {"revision": record.revision}, request)
    flash(request, f"{entry_id}: {status}")
    return RedirectResponse(f"/admin/faq/{entry_id}", status_code=303)


@router.get("/faq/{entry_id}/history")
def history(request: Request, session: SessionDep, runtime: RuntimeDep, entry_id: str) -> Response:
    """Every revision of an entry, newest first, with diff and rollback."""
    record = _record(session, entry_id)
    revisions = list_revisions(session=session, entry_id=entry_id)
    return render(
        request,
        "admin/history.html",
        record=record,
        revisions=revisions,
        tz=runtime.settings.timezone,
    )


@router.get("/faq/{entry_id}/diff")
def diff(
    request: Request,
    session: SessionDep,
    entry_id: str,
    a: Annotated[int, Query(ge=1)],
    b: Annotated[int, Query(ge=1)],
) -> Response:
    """Two revisions side by side."""
    record = _record(session, entry_id)
    old = get_revision(session=session, entry_id=entry_id, revision=a)
    new = get_revision(session=session, entry_id=entry_id, revision=b)
    if old is None or new is None:
        raise NotFound(f"{entry_id} has no revision {a if old is None else b}")
    table = diff_table(
        revision_text(old.data),
        revision_text(new.data),
        f"r{a} · {old.author}",
        f"r{b} · {new.author}",
    )
    return render(request, "admin/diff.html", record=record, old=old, new=new, table=table)


@router.post("/faq/{entry_id}/rollback")
def rollback(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    entry_id: str,
    revision: Annotated[int, Form(ge=1)],
) -> Response:
    """Make an earlier revision current again (as a new revision; history is never rewritten)."""
    _record(session, entry_id)
    old = get_revision(session=session, entry_id=entry_id, revision=revision)
    if old is None:
        raise NotFound(f"{entry_id} has no revision {revision}")
    entry = FaqEntry.model_validate(old.data)
    record = save_entry(
        session=session, entry=entry, author=user.username, note=f"rollback to r{revision}"
    )
    detail = {"to": revision, "revision": record.revision}
    audit(session, user, "faq.rollback", f"faq:{entry_id}", detail, request)
    flash(
        request,
        f"已回滚到第 {revision} 版 / Rolled back to revision {revision} (now r{record.revision})",
    )
    return RedirectResponse(f"/admin/faq/{entry_id}", status_code=303)


def admin_router() -> APIRouter:
    """Every admin page: FAQ entries, review pages, import/export, the audit log and accounts
    (with the page where anyone signed in changes their own password)."""
    from handlers.admin import review as admin_review
    from handlers.admin import transfer as admin_transfer
    from handlers.admin import users as admin_users

    combined = APIRouter()
    parts = (router, admin_review.router, admin_transfer.router)
    for part in (*parts, admin_users.router, admin_users.account_router):
        combined.include_router(part)
    return combined
