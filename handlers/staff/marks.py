"""Staff radar of enterprises' marks: what enters the renewal window, what is in grace or lapsed,
reminder delivery, call tasks, a mark's history, renewal by staff, CSV export and list import.

Routes translate HTTP to bot.marks calls; contacts are shown to signed-in staff only.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from bot.marks import radar as radar_mod
from bot.marks.remind import tables_for
from bot.marks.schedule import Tables, status_on
from handlers.web.auth import StaffUser, audit, require_staff
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render, station_today
from storage.errors import NotFound
from storage.marks import Mark, MarkReminder

__all__ = ("router",)

router = APIRouter(
    prefix="/staff/marks",
    dependencies=[Depends(require_staff), Depends(check_csrf)],
    include_in_schema=False,
)
ViewQuery = Annotated[str, Query(pattern="^(radar|window|grace|lapsed|all)$")]
SearchQuery = Annotated[str, Query(max_length=100)]
MAX_UPLOAD = 20 * 1024 * 1024


def _tables(runtime: RuntimeDep) -> Tables:
    return tables_for(runtime.settings)


def _mark(session: SessionDep, mark_id: int) -> Mark:
    mark = session.get(Mark, mark_id)
    if mark is None:
        raise NotFound(f"no mark {mark_id}")
    return mark


@router.get("")
def marks_page(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    view: ViewQuery = "radar",
    q: SearchQuery = "",
) -> Response:
    """The radar: marks by enterprise with their next deadline and last reminder; call tasks."""
    today = station_today(runtime)
    rows = radar_mod.radar(session=session, today=today, tables=_tables(runtime), view=view, q=q)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.category] = counts.get(r.category, 0) + 1
    return render(
        request,
        "staff/marks.html",
        rows=rows,
        counts=counts,
        tasks=radar_mod.call_tasks(session=session),
        view=view,
        q=q,
        views=radar_mod.VIEWS,
        today=today,
        tz=ZoneInfo(runtime.settings.timezone),
        preview=None,
    )


@router.get("/export.csv")
def export_csv(
    session: SessionDep,
    runtime: RuntimeDep,
    view: ViewQuery = "radar",
    q: SearchQuery = "",
) -> Response:
    """The rows of the page as CSV."""
    today = station_today(runtime)
    rows = radar_mod.radar(session=session, today=today, tables=_tables(runtime), view=view, q=q)
    return Response(
        radar_mod.csv_bytes(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="marks-{view}-{today}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/import")
async def import_upload(
    request: Request,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File()],
    action: Annotated[str, Form(pattern="^(preview|import)$")] = "preview",
) -> Response:
    """Preview (nothing written) or import a CSV/XLSX list; any bad row: nothing written."""
    data = await file.read(MAX_UPLOAD + 1)
    name = file.filename or "upload.csv"
    today = station_today(runtime)
    dry_run = action == "preview" or len(data) > MAX_UPLOAD
    # Imported here: the file reader (about 0.9 MiB) is for the few staff uploads, not for
    # every worker.
    from bot.marks.importer import MarkFileError, import_marks

    try:
        report = import_marks(
            session=session,
            data=data if len(data) <= MAX_UPLOAD else b"",
            filename=name,
            today=today,
            now=runtime.conversation.clock.now(),
            tables=_tables(runtime),
            dry_run=dry_run,
        )
    except MarkFileError as exc:
        flash(request, f"无法读取 / Cannot read: {exc}", "error")
        return RedirectResponse("/staff/marks", status_code=303)
    if not dry_run and not report.errors:
        audit(session, user, "marks.import", f"file:{name}", report.as_dict(), request)
        flash(
            request,
            f"已导入 / Imported: 新增 created {report.created}, 更新 updated {report.updated}, "
            f"未变 unchanged {report.unchanged}",
        )
        return RedirectResponse("/staff/marks", status_code=303)
    return render(
        request,
        "staff/marks.html",
        status_code=400 if report.errors else 200,
        rows=[],
        counts={},
        tasks=[],
        view="radar",
        q="",
        views=radar_mod.VIEWS,
        today=today,
        tz=ZoneInfo(runtime.settings.timezone),
        preview={"name": name, "report": report, "sample": report.rows[:20]},
    )


@router.get("/{mark_id}")
def mark_page(request: Request, mark_id: int, session: SessionDep, runtime: RuntimeDep) -> Response:
    """One mark: owner, contact, term, next deadline and the whole reminder history."""
    mark = _mark(session, mark_id)
    today = station_today(runtime)
    rows = radar_mod.radar(
        session=session,
        today=today,
        tables=_tables(runtime),
        view="all",
        q=mark.registration_number,
    )
    row = next((r for r in rows if r.mark.id == mark.id), None)
    return render(
        request,
        "staff/mark.html",
        mark=mark,
        row=row,
        history=radar_mod.history(session=session, mark=mark),
        next_term=status_on(mark.expiry_date, today, _tables(runtime)).new_term_end,
        tz=ZoneInfo(runtime.settings.timezone),
    )


@router.post("/{mark_id}/renewed")
def renewed(
    request: Request,
    mark_id: int,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
    new_expiry: Annotated[dt.date | None, Form()] = None,
) -> Response:
    """Record the renewal; with the new expiry the mark is watched for its next term."""
    mark = _mark(session, mark_id)
    radar_mod.mark_renewed(
        session=session,
        mark=mark,
        new_expiry=new_expiry,
        by=user.username,
        now=runtime.conversation.clock.now(),
    )
    detail = {"new_expiry": str(new_expiry) if new_expiry else None}
    audit(session, user, "mark.renewed", f"mark:{mark.registration_number}", detail, request)
    flash(request, f"已记录续展 / Renewal recorded: {mark.registration_number}")
    return RedirectResponse(f"/staff/marks/{mark_id}", status_code=303)


@router.post("/tasks/{reminder_id}/done")
def task_done(
    request: Request,
    reminder_id: int,
    user: StaffUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    """Tick off a "call this enterprise" task."""
    task = session.get(MarkReminder, reminder_id)
    if task is None or task.channel != "call":
        raise NotFound(f"no call task {reminder_id}")
    task.done_at, task.done_by = runtime.conversation.clock.now(), user.username
    session.add(task)
    audit(session, user, "mark.called", f"mark_reminder:{reminder_id}", request=request)
    flash(request, "已记录电话提醒 / Call recorded")
    return RedirectResponse("/staff/marks", status_code=303)
