"""The report's underlying figures as a spreadsheet: one row per month, and the year's totals."""

from __future__ import annotations

import io

from bot.stats.figures import MONTH_FIELDS
from bot.stats.report import ReportData

__all__ = ("MONTH_HEADERS", "report_xlsx")

MONTH_HEADERS = {
    "questions": "问题 questions",
    "answered": "直接解答 answered",
    "suggested": "给出建议 suggested",
    "unknown": "未能解答 unknown",
    "tool_uses": "工具计算 tool uses",
    "conversations": "对话 conversations",
    "messages": "消息 messages",
    "tickets": "工单 tickets",
    "bookings": "预约 bookings",
    "attended": "到场 attended",
    "csat_avg": "满意度 CSAT",
}


def report_xlsx(data: ReportData) -> bytes:
    """Sheet 各月数据 (monthly figures with a total row) and 年度汇总 (the year's figures)."""
    # Imported here: openpyxl (30 MiB) is loaded by the processes that build a report only.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "各月数据 Monthly"
    ws.append(["月份 month", *(MONTH_HEADERS[k] for k in MONTH_FIELDS)])
    for m in data.months:
        ws.append([m["month"], *(m[k] for k in MONTH_FIELDS)])
    total_row: list[object] = ["合计 total"]
    for k in MONTH_FIELDS:
        total_row.append(None if k == "csat_avg" else sum(m[k] for m in data.months))
    ws.append(total_row)
    for cell in (*ws[1], *ws[ws.max_row]):
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 12
    summary = wb.create_sheet("年度汇总 Summary")
    summary.append(["指标 figure", str(data.year)])
    f = data.figures
    for key in (
        "conversations",
        "users",
        "enterprises",
        "questions",
        "answered",
        "suggested",
        "suggested_chosen",
        "unknown",
        "tool_uses",
        "tickets",
        "first_response_median_minutes",
        "first_response_p90_minutes",
        "within_sla_share",
        "resolution_median_hours",
        "bookings",
        "attended",
        "no_show",
        "cancelled",
        "csat_avg",
        "csat_count",
    ):
        summary.append([key, f[key]])
    summary.column_dimensions["A"].width = 32
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
