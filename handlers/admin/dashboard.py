"""The station's dashboard (/admin/dashboard) and annual work report (/admin/report).

Admins and staff see every figure of a period against the previous one and a month-by-month
chart of the year; an expert account sees only its own consultations. Figures come from
bot/stats (the same module as `tmbot stats` and the report): aggregates only, no user data.
The report page keeps the admin's 存在问题 / 下一步打算 text with history and serves the
.docx and .xlsx.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import Session, select

# The charts and the annual report's modules are imported by the requests that use them: a
# worker that never serves the dashboard does not hold them (about 0.8 MiB).
from bot.stats import compute, monthly, period_for, station_today
from bot.stats.periods import Period
from handlers.web.auth import AdminUser, ExpertUser, audit
from handlers.web.csrf import check_csrf
from handlers.web.deps import RuntimeDep, SessionDep
from handlers.web.pages import flash, render
from storage.accounts import StaffAccount
from storage.errors import NotFound
from storage.experts import Expert
from storage.stats import narrative_history, save_narrative

__all__ = ("router",)

router = APIRouter(prefix="/admin", dependencies=[Depends(check_csrf)], include_in_schema=False)
PERIODS = (
    ("week", "本周", "this week"),
    ("month", "本月", "this month"),
    ("quarter", "本季度", "this quarter"),
    ("year", "本年", "this year"),
    ("custom", "自定义", "custom"),
)
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Dashboard cards: (figure, zh, en, higher is better?) — None: neither (e.g. volume).
CARDS = (
    ("conversations", "对话", "Conversations", True),
    ("users", "用户", "Users", True),
    ("enterprises", "企业", "Enterprises", True),
    ("messages", "消息", "Messages", None),
    ("questions", "问题", "Questions", True),
    ("answered", "直接解答", "Answered", True),
    ("suggested", "给出建议", "Suggestions", None),
    ("suggested_chosen", "选择建议后解答", "Answered after a suggestion", True),
    ("unknown", "未能解答", "Not answered", False),
    ("tool_uses", "工具计算", "Tool computations", True),
    ("tickets", "人工工单", "Tickets", None),
    (
        "first_response_median_minutes",
        "首次响应中位数（分钟）",
        "First response median (min)",
        False,
    ),
    ("within_sla_share", "时限内响应", "Within SLA", True),
    ("csat_avg", "满意度", "CSAT (1-5)", True),
    ("bookings", "专家预约", "Bookings made", True),
    ("attended", "已到场咨询", "Consultations held", True),
)
EXPERT_CARDS = (
    ("bookings", "预约", "Bookings made", True),
    ("consultations", "咨询（未取消）", "Consultations (not cancelled)", True),
    ("attended", "已到场", "Attended", True),
    ("no_show", "未到场", "No-show", False),
    ("cancelled", "已取消", "Cancelled", False),
    ("upcoming", "待进行", "Upcoming", None),
)


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "within_sla_share":
        return f"{100 * value:.0f}%"
    from bot.stats.report import fmt_num

    return fmt_num(value)


def _delta(current: Any, previous: Any, better: bool | None) -> tuple[str, str]:
    """The change against the previous period as text and a CSS class (up / down / flat)."""
    if current is None or previous is None:
        return "—", "flat"
    diff = current - previous
    if not diff:
        return "±0", "flat"
    text = f"{'+' if diff > 0 else ''}{100 * diff / previous:.0f}%" if previous else "新 new"
    if better is None:
        return text, "flat"
    return text, "good" if (diff > 0) == better else "bad"


def _cards(cards: tuple, current: dict[str, Any], previous: dict[str, Any]) -> list[dict]:
    out = []
    for key, zh, en, better in cards:
        change, trend = _delta(current.get(key), previous.get(key), better)
        out.append(
            {
                "key": key,
                "zh": zh,
                "en": en,
                "value": _shown(key, current.get(key)),
                "previous": _shown(key, previous.get(key)),
                "delta": change,
                "trend": trend,
            }
        )
    return out


def _own_expert(session: Session, user: StaffAccount) -> int:
    """The expert id of an expert account (-1 when none is linked: no rows)."""
    expert = session.exec(select(Expert).where(Expert.account == user.username)).first()
    return expert.id if expert is not None and expert.id is not None else -1


def _period(runtime: RuntimeDep, kind: str, start: dt.date | None, end: dt.date | None) -> Period:
    today = station_today(runtime.conversation.clock.now(), runtime.settings.timezone)
    if kind == "custom" and start and end:
        return period_for("custom", today, start, end)
    return period_for(kind if kind != "custom" else "month", today)


PeriodQuery = Annotated[str, Query(pattern="^(week|month|quarter|year|custom)$")]


def _figures(
    session: Session, runtime: RuntimeDep, user: StaffAccount, period: Period
) -> tuple[dict[str, Any], dict[str, Any], int | None]:
    expert = _own_expert(session, user) if user.role == "expert" else None
    tz, now = runtime.settings.timezone, runtime.conversation.clock.now()
    current = compute(session, tz, period, now=now, expert_id=expert)
    previous = compute(
        session, tz, period.previous(), now=now, expert_id=expert, with_unanswered=False
    )
    return current, previous, expert


@router.get("/dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: ExpertUser,
    period: PeriodQuery = "month",
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
) -> Response:
    """Figures of the chosen period against the previous one, and the year month by month."""
    from bot.stats.charts import ACTIVITY_SERIES, QUESTION_SERIES, chart_svg
    from bot.stats.labels import label

    chosen = _period(runtime, period, date_from, date_to)
    current, previous, expert = _figures(session, runtime, user, chosen)
    context: dict[str, Any] = {
        "periods": PERIODS,
        "chosen": chosen,
        "previous_period": chosen.previous(),
        "current": current,
        "label": label,
        "expert_view": expert is not None,
    }
    if expert is not None:
        context["cards"] = _cards(EXPERT_CARDS, current, previous)
        return render(request, "admin/dashboard.html", **context)
    year = chosen.end.year
    months = monthly(session, runtime.settings.timezone, year, now=runtime.conversation.clock.now())
    context |= {
        "cards": _cards(CARDS, current, previous),
        "year": year,
        "months": months,
        # Our own matplotlib output (numbers only): safe to inline.
        "question_svg": Markup(chart_svg("questions", months)),
        "activity_svg": Markup(chart_svg("activity", months)),
        "question_series": QUESTION_SERIES,
        "activity_series": ACTIVITY_SERIES,
        "unanswered_days": max(1, (chosen.end - chosen.start).days + 1),
    }
    return render(request, "admin/dashboard.html", **context)


@router.get("/dashboard/data")
def dashboard_data(
    session: SessionDep,
    runtime: RuntimeDep,
    user: ExpertUser,
    period: PeriodQuery = "month",
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
) -> JSONResponse:
    """The dashboard's figures as JSON (the same as `tmbot stats --json`), with the previous
    period's."""
    chosen = _period(runtime, period, date_from, date_to)
    current, previous, _expert = _figures(session, runtime, user, chosen)
    return JSONResponse({"current": current, "previous": previous})


def _years(today: dt.date) -> list[int]:
    return list(range(today.year, today.year - 6, -1))


@router.get("/report")
def report_page(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    _user: AdminUser,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    """The year's report: its main figures, the narrative sections with history, downloads."""
    from bot.stats.report import SECTIONS, report_data
    from bot.stats.report_docx import key_rows

    now = runtime.conversation.clock.now()
    today = station_today(now, runtime.settings.timezone)
    year = year or today.year
    if year > today.year:
        year = today.year
    data = report_data(
        session,
        tz=runtime.settings.timezone,
        year=year,
        now=now,
        station_zh=runtime.settings.station_name_zh,
        station_en=runtime.settings.station_name_en,
    )
    sections = [
        {
            "key": key,
            "zh": zh,
            "en": en,
            "text": data.narratives.get(key, ""),
            "history": narrative_history(session=session, year=year, section=key),
        }
        for key, zh, en in SECTIONS
    ]
    return render(
        request,
        "admin/report.html",
        year=year,
        years=_years(today),
        data=data,
        rows=key_rows(data),
        sections=sections,
        tz=runtime.settings.timezone,
    )


@router.post("/report/{year}/narrative")
def save_report_narrative(
    request: Request,
    session: SessionDep,
    user: AdminUser,
    year: int,
    section: Annotated[str, Form(pattern="^(problems|plans)$")],
    text: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    """Save a new version of 存在问题 or 下一步打算 (earlier versions stay in the history)."""
    row = save_narrative(
        session=session, year=year, section=section, text=text.strip(), author=user.username
    )
    audit(
        session,
        user,
        "report.narrative",
        f"report:{year}:{section}",
        {"version": row.id, "chars": len(row.text)},
        request,
    )
    flash(request, "已保存 Saved")
    return RedirectResponse(f"/admin/report?year={year}#{section}", status_code=303)


def _download(session: Session, runtime: RuntimeDep, year: int, kind: str) -> Response:
    from bot.stats.report import report_data
    from bot.stats.report_docx import report_docx
    from bot.stats.report_xlsx import report_xlsx

    now = runtime.conversation.clock.now()
    try:
        data = report_data(
            session,
            tz=runtime.settings.timezone,
            year=year,
            now=now,
            station_zh=runtime.settings.station_name_zh,
            station_en=runtime.settings.station_name_en,
        )
    except ValueError as exc:  # a year not started yet, or no year at all
        raise NotFound(f"no report for {year}") from exc
    body, mime = (report_docx(data), _DOCX) if kind == "docx" else (report_xlsx(data), _XLSX)
    name = f"station-report-{year}.{kind}"
    return Response(
        body,
        media_type=mime,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/report/{year}.docx")
def report_docx_download(
    session: SessionDep, runtime: RuntimeDep, _user: AdminUser, year: int
) -> Response:
    """The Word report of `year`."""
    return _download(session, runtime, year, "docx")


@router.get("/report/{year}.xlsx")
def report_xlsx_download(
    session: SessionDep, runtime: RuntimeDep, _user: AdminUser, year: int
) -> Response:
    """The monthly figures of `year` as a spreadsheet."""
    return _download(session, runtime, year, "xlsx")
