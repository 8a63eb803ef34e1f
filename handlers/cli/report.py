"""`tmbot stats` (the dashboard's figures as JSON) and `tmbot report annual` (.docx + .xlsx)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlmodel import Session

from bot.core.ports import Clock, SystemClock
from bot.core.settings import Settings, get_settings
from bot.stats import compute, period_for, station_today
from bot.stats.report import report_data
from bot.stats.report_docx import report_docx
from bot.stats.report_xlsx import report_xlsx
from storage.db import make_engine

__all__ = ("register", "report_app")

report_app = typer.Typer(help="The station's annual work report.", no_args_is_help=True)
clock: Clock = SystemClock()  # tests put a FixedClock here

# The plain-text summary of `tmbot stats` (without --json): key, zh, en.
_SUMMARY = (
    ("conversations", "对话", "conversations"),
    ("users", "用户", "users"),
    ("enterprises", "企业", "enterprises"),
    ("questions", "问题", "questions"),
    ("answered", "直接解答", "answered"),
    ("suggested", "给出建议", "suggested"),
    ("unknown", "未能解答", "not answered"),
    ("tool_uses", "工具计算", "tool uses"),
    ("tickets", "工单", "tickets"),
    ("first_response_median_minutes", "首次响应中位数（分钟）", "first response median (min)"),
    ("csat_avg", "满意度", "CSAT"),
    ("bookings", "专家预约", "bookings"),
    ("attended", "已到场", "attended"),
)


def _settings() -> Settings:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from bot.core.runtime import prepare_database

    settings = get_settings()
    prepare_database(settings, make_engine(settings.database_url))
    return settings


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        typer.echo(f"{name}: 日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD: {value}", err=True)
        raise typer.Exit(2) from None


def stats(
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    period: Annotated[
        str, typer.Option(help="week, month, quarter or year to date (without --from/--to).")
    ] = "month",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """The dashboard's figures for a period (station days, both included)."""
    settings = _settings()
    now = clock.now()
    today = station_today(now, settings.timezone)
    start, end = _date(date_from, "--from"), _date(date_to, "--to")
    if start or end:
        chosen = period_for("custom", today, start or end, end or start)
    else:
        try:
            chosen = period_for(period, today)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            figures = compute(session, settings.timezone, chosen, now=now)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{chosen.start} – {chosen.end}")
    for key, zh, en in _SUMMARY:
        value: Any = figures[key]
        typer.echo(f"{zh} {en}: {'—' if value is None else value}")


@report_app.command("annual")
def annual(
    year: Annotated[int, typer.Option(help="The report's year.")],
    out: Annotated[Path, typer.Option(help="The .docx to write; the .xlsx goes beside it.")],
) -> None:
    """Write the year's work report (工作进展, 工作成效, 存在问题, 下一步打算) and its figures."""
    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            data = report_data(
                session,
                tz=settings.timezone,
                year=year,
                now=clock.now(),
                station_zh=settings.station_name_zh,
                station_en=settings.station_name_en,
            )
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    docx_path = out if out.suffix == ".docx" else out.with_suffix(".docx")
    xlsx_path = docx_path.with_suffix(".xlsx")
    docx_path.parent.mkdir(parents=True, exist_ok=True)
    docx_path.write_bytes(report_docx(data))
    xlsx_path.write_bytes(report_xlsx(data))
    typer.echo(f"{docx_path}\n{xlsx_path}")


def register(app: typer.Typer) -> None:
    """Add `stats` and `report` to the tmbot command line."""
    app.command("stats")(stats)
    app.add_typer(report_app, name="report")
