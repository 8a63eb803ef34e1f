"""FAQ admin import and export (knowledge/ YAML, CSV, XLSX) and the audit log page.

An import is validated and previewed first (new, changed and unchanged entries, field by
field); only the admin's confirmation writes it, as one corpus change.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import delete
from sqlmodel import Session, col

from handlers.web.auth import AdminUser, audit, require_admin
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render, station_today
from knowledge.schema import FaqEntry
from storage.accounts import list_audit
from storage.errors import CorpusError, NotFound
from storage.faq import corpus_version, import_entries, list_records, load_entries
from storage.faq_review import PendingImport
from storage.models import utcnow

__all__ = ("router",)

router = APIRouter(
    prefix="/admin",
    dependencies=[Depends(require_admin), Depends(check_csrf)],
    include_in_schema=False,
)
MAX_UPLOAD = 10 * 1024 * 1024


@router.get("/transfer")
def transfer_page(request: Request) -> Response:
    """Export links and the import upload form. knowledge.exchange (the file formats) is
    imported by these pages only: a worker serving chat turns never loads it."""
    from knowledge.exchange import FORMATS

    return render(request, "admin/transfer.html", formats=list(FORMATS), error="")


@router.get("/export")
def export(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: AdminUser,
    fmt: Annotated[str, Query(alias="format", pattern="^(yaml|csv|xlsx)$")] = "yaml",
) -> Response:
    """Download every entry (any status) as a zip of YAML theme files, CSV or XLSX."""
    from knowledge.exchange import export_entries

    entries = load_entries(session=session)
    content, media, ext = export_entries(entries, fmt)
    audit(session, user, "faq.export", "faq:*", {"format": fmt, "entries": len(entries)}, request)
    name = f"tmbot-corpus-{station_today(runtime):%Y%m%d}.{ext}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(content, media_type=media, headers=headers)


def _changes(session: Session, entries: list[FaqEntry]) -> dict[str, Any]:
    current = {r.id: r.data for r in list_records(session=session)}
    new, changed, unchanged = [], [], 0
    for entry in entries:
        data = entry.model_dump(mode="json")
        before = current.get(entry.id)
        if before is None:
            new.append(entry)
        elif before != data:
            fields = [k for k in data if before.get(k) != data[k]]
            changed.append(
                {"entry": entry, "fields": fields, "status_before": before.get("status")}
            )
        else:
            unchanged += 1
    incoming = {e.id for e in entries}
    untouched = sorted(i for i in current if i not in incoming)
    return {"new": new, "changed": changed, "unchanged": unchanged, "untouched": untouched}


@router.post("/import")
async def import_preview(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Validate an upload and show what importing it would change (nothing is written yet)."""
    from knowledge.exchange import FORMATS, parse_upload

    data = await file.read(MAX_UPLOAD + 1)
    filename = (file.filename or "upload")[:200]
    try:
        if len(data) > MAX_UPLOAD:
            raise CorpusError(f"{filename}: larger than {MAX_UPLOAD // 2**20} MB")
        entries = parse_upload(filename, data)
    except CorpusError as exc:
        audit(
            session,
            user,
            "faq.import.invalid",
            "faq:*",
            {"file": filename, "error": str(exc)[:500]},
            request,
        )
        return render(request, "admin/transfer.html", 400, formats=list(FORMATS), error=str(exc))
    # Previews never confirmed are kept a day, then dropped with the next upload.
    stale = col(PendingImport.created_at) < utcnow() - dt.timedelta(days=1)
    session.exec(delete(PendingImport).where(stale))  # type: ignore[call-overload]
    pending = PendingImport(
        created_by=user.username,
        filename=filename,
        base_version=corpus_version(session=session),
        entries=[e.model_dump(mode="json") for e in entries],
    )
    session.add(pending)
    session.flush()
    return render(
        request,
        "admin/import_preview.html",
        pending=pending,
        total=len(entries),
        **_changes(session, entries),
    )


@router.post("/import/{import_id}/apply")
def import_apply(
    request: Request, session: SessionDep, user: AdminUser, import_id: int
) -> Response:
    """Write a previewed import, unless the corpus changed since the preview."""
    pending = session.get(PendingImport, import_id)
    if pending is None:
        raise NotFound(f"no pending import {import_id}")
    if pending.applied_at is not None:
        flash(request, "此导入已执行 / This import was already applied.", "warn")
        return RedirectResponse("/admin/faq", status_code=303)
    if pending.base_version != corpus_version(session=session):
        flash(
            request,
            "预览后语料已被修改，请重新上传预览。 / The corpus changed after the preview: "
            "upload the file again to see the current changes.",
            "error",
        )
        return RedirectResponse("/admin/transfer", status_code=303)
    entries = [FaqEntry.model_validate(d) for d in pending.entries]
    note = f"import {pending.filename}"
    changed = import_entries(session=session, entries=entries, author=user.username, note=note)
    pending.applied_at = utcnow()
    session.add(pending)
    detail = {"file": pending.filename, "entries": len(entries), "changed": changed}
    audit(session, user, "faq.import", "faq:*", detail, request)
    flash(request, f"已导入 Imported {pending.filename}: {changed} 条新建或修改 new or changed")
    return RedirectResponse("/admin/faq", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    actor: str = "",
    action: str = "",
    target: str = "",
) -> Response:
    """The newest audit log lines: who changed what, when, from where."""
    rows = list_audit(
        session=session,
        limit=300,
        actor=actor or None,
        action_prefix=action or None,
        target=target or None,
    )
    return render(
        request,
        "admin/audit.html",
        rows=rows,
        filters={"actor": actor, "action": action, "target": target},
        tz=runtime.settings.timezone,
    )
