"""What the annual work report says: the year's figures, month by month, and the narratives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from bot.stats.figures import compute, monthly, station_today
from bot.stats.periods import Period
from storage.stats import narrative_history

__all__ = ("SECTIONS", "ReportData", "fmt_num", "fmt_share", "report_data", "year_period")

# The narrative sections an admin writes, in the notice's order (key, heading zh, heading en).
SECTIONS = (
    ("problems", "存在问题", "Problems"),
    ("plans", "下一步打算", "Next steps"),
)


@dataclass
class ReportData:
    """Everything one year's report shows."""

    year: int
    period: Period
    station_zh: str
    station_en: str
    figures: dict[str, Any]
    months: list[dict[str, Any]]
    narratives: dict[str, str] = field(default_factory=dict)
    generated: dt.date | None = None


def year_period(year: int, today: dt.date) -> Period:
    """1 January to 31 December of `year`, or to today while the year runs."""
    start = dt.date(year, 1, 1)
    if start > today:
        raise ValueError(f"{year} has not started yet")
    return Period(start, min(dt.date(year, 12, 31), today), "year")


def report_data(
    session: Session, *, tz: str, year: int, now: dt.datetime, station_zh: str, station_en: str
) -> ReportData:
    """The figures, months and latest narratives of `year`."""
    today = station_today(now, tz)
    period = year_period(year, today)
    narratives = {}
    for key, _zh, _en in SECTIONS:
        history = narrative_history(session=session, year=year, section=key)
        narratives[key] = history[0].text if history else ""
    return ReportData(
        year=year,
        period=period,
        station_zh=station_zh,
        station_en=station_en,
        figures=compute(session, tz, period, now=now, top=20),
        months=monthly(session, tz, year, now=now),
        narratives=narratives,
        generated=today,
    )


def fmt_num(value: float | None) -> str:
    """1234567 -> '1,234,567'; None -> '—'."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def fmt_share(part: float, whole: float) -> str:
    """A share as a percentage with one decimal ('—' when there is no whole)."""
    return f"{100 * part / whole:.1f}%" if whole else "—"
