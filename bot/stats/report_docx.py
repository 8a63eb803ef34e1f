"""The annual work report as a Word document, in the order CNIPA's notice asks for:
工作进展, 工作成效, 存在问题, 下一步打算, plus an appendix of topics and unanswered questions."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.stats.charts import (
    ACTIVITY_SERIES,
    QUESTION_SERIES,
    activity_chart,
    question_chart,
    to_png,
)
from bot.stats.labels import label_zh
from bot.stats.report import SECTIONS, ReportData, fmt_num, fmt_share

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

# python-docx is imported where a document is built: the dashboard page needs `key_rows` only.

__all__ = ("HEADINGS", "key_rows", "report_docx")

HEADINGS = ("一、工作进展", "二、工作成效", "三、存在问题", "四、下一步打算", "附录")
_BODY_FONT, _HEAD_FONT = "宋体", "黑体"


def _font(style: Any, name: str, size: int | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        style.font.size = Pt(size)


def key_rows(data: ReportData) -> list[tuple[str, str]]:
    """表1: the year's main figures (the same rows on the report page)."""
    f = data.figures
    return [
        ("咨询对话（次）", fmt_num(f["conversations"])),
        ("服务用户（人）", fmt_num(f["users"])),
        ("服务企业（家）", fmt_num(f["enterprises"])),
        ("收到问题（个）", fmt_num(f["questions"])),
        ("其中：直接解答", fmt_num(f["answered"])),
        (
            "　　　给出建议（其中选择建议后解答）",
            f"{fmt_num(f['suggested'])}（{fmt_num(f['suggested_chosen'])}）",
        ),
        ("　　　未能解答", fmt_num(f["unknown"])),
        ("　　　工具计算（续展、期限、费用、类别）", fmt_num(f["tool_uses"])),
        ("转人工工单（件）", fmt_num(f["tickets"])),
        ("首次响应时间中位数（分钟）", fmt_num(f["first_response_median_minutes"])),
        ("专家咨询预约（次）", fmt_num(f["bookings"])),
        ("已到场咨询（次）", fmt_num(f["attended"])),
        ("服务满意度（5分制，评价数）", f"{fmt_num(f['csat_avg'])}（{fmt_num(f['csat_count'])}）"),
    ]


def _table(
    doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]], caption: str
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph(caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = text
            if i > 0:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _chart(doc: DocxDocument, png: bytes, series: Sequence[tuple[str, ...]], caption: str) -> None:
    from docx.shared import Cm, RGBColor

    doc.add_picture(io.BytesIO(png), width=Cm(15.5))
    legend = doc.add_paragraph()
    legend.add_run(caption + "　")
    for _field, colour, zh, _en in series:
        run = legend.add_run("■")
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
        legend.add_run(f"{zh}　")


def _progress(doc: DocxDocument, data: ReportData) -> None:
    f = data.figures
    channels = "、".join(label_zh("channel", c) for c in f["by_channel"]) or "各渠道"
    doc.add_paragraph(
        f"{data.year}年，本站通过{channels}为企业和社会公众提供商标品牌咨询服务，共接待咨询对话"
        f"{fmt_num(f['conversations'])}次，服务用户{fmt_num(f['users'])}人、企业"
        f"{fmt_num(f['enterprises'])}家，收到问题{fmt_num(f['questions'])}个，转人工工单"
        f"{fmt_num(f['tickets'])}件，专家咨询预约{fmt_num(f['bookings'])}次。"
    )
    _table(doc, ("指标", "数值"), key_rows(data), "表1  年度主要工作数据")
    rows = [
        (
            label_zh("channel", ch),
            fmt_num(v["questions"]),
            fmt_num(v["users"]),
            fmt_num(v["messages"]),
        )
        for ch, v in f["by_channel"].items()
    ]
    _table(doc, ("渠道", "问题", "用户", "消息"), rows, "表2  各渠道服务情况")
    month_rows = [
        (
            f"{m['month']}月",
            *(
                fmt_num(m[k])
                for k in (
                    "questions",
                    "answered",
                    "suggested",
                    "unknown",
                    "tool_uses",
                    "conversations",
                    "tickets",
                    "bookings",
                    "attended",
                )
            ),
        )
        for m in data.months
    ]
    header = (
        "月份",
        "问题",
        "直接解答",
        "给出建议",
        "未能解答",
        "工具计算",
        "对话",
        "工单",
        "预约",
        "到场",
    )
    _table(doc, header, month_rows, "表3  各月工作数据")
    doc.add_paragraph()
    _chart(
        doc, to_png(question_chart(data.months)), QUESTION_SERIES, "图1  各月问题数量（按解答情况）"
    )
    _chart(doc, to_png(activity_chart(data.months)), ACTIVITY_SERIES, "图2  各月人工服务与专家咨询")


def _results(doc: DocxDocument, data: ReportData) -> None:
    f = data.figures
    tools = f["tools"]
    renewals = tools.get("renewal", 0) + tools.get("fee_renewal", 0)
    madrid_tools = tools.get("fee_madrid", 0) + tools.get("madrid_dependency", 0)
    madrid_questions = next((t["count"] for t in f["top_themes"] if t["theme"] == "madrid"), 0)
    solved = f["answered"] + f["suggested_chosen"]
    rated = f["feedback"]["useful"] + f["feedback"]["not_useful"]
    lines = [
        f"（一）服务企业。全年服务企业{fmt_num(f['enterprises'])}家、用户{fmt_num(f['users'])}人。",
        f"（二）解答问题。收到问题{fmt_num(f['questions'])}个，解答{fmt_num(solved)}个"
        f"（直接解答{fmt_num(f['answered'])}个，选择建议后解答{fmt_num(f['suggested_chosen'])}个），"
        f"解答率{fmt_share(solved, f['questions'] - f['tool_uses'])}；另完成工具计算"
        f"{fmt_num(f['tool_uses'])}次。",
        f"（三）专家咨询。预约专家咨询{fmt_num(f['bookings'])}次，已到场咨询{fmt_num(f['attended'])}次，"
        f"未到场{fmt_num(f['no_show'])}次，取消{fmt_num(f['cancelled'])}次。",
        f"（四）续展服务。为企业计算续展期限和费用{fmt_num(renewals)}次。",
        f"（五）马德里国际注册。答复马德里国际注册问题{fmt_num(madrid_questions)}个，"
        f"估算马德里费用及计算依附期{fmt_num(madrid_tools)}次。",
        f"（六）服务满意度。人工服务评价{fmt_num(f['csat_count'])}次，平均{fmt_num(f['csat_avg'])}分（5分制）；"
        f"答复评价{fmt_num(rated)}次，其中“有用”{fmt_share(f['feedback']['useful'], rated)}。"
        f"人工工单首次响应时间中位数{fmt_num(f['first_response_median_minutes'])}分钟，"
        f"{fmt_share((f['within_sla_share'] or 0) * 100, 100) if f['within_sla_share'] is not None else '—'}"
        f"在承诺时限内响应。",
    ]
    for line in lines:
        doc.add_paragraph(line)
    rows = [(label_zh("tool", k), fmt_num(n)) for k, n in tools.items()]
    _table(doc, ("工具", "次数"), rows or [("—", "0")], "表4  工具计算")


def _narrative(doc: DocxDocument, text: str) -> None:
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    for p in paragraphs or ["（尚未填写。请在管理页面“年度报告”中填写。）"]:
        doc.add_paragraph(p)


def _appendix(doc: DocxDocument, data: ReportData) -> None:
    f = data.figures
    topics = [(t["topic"], t["example"], fmt_num(t["count"])) for t in f["top_topics"]]
    _table(doc, ("主题", "示例问题", "次数"), topics or [("—", "", "0")], "附表1  热点问题主题")
    themes = [(label_zh("theme", t["theme"]), fmt_num(t["count"])) for t in f["top_themes"]]
    _table(doc, ("业务类别", "解答次数"), themes or [("—", "0")], "附表2  各业务类别解答情况")
    asked = [(u["question"], fmt_num(u["count"])) for u in f["unanswered_top"]]
    _table(doc, ("未能解答的问题", "次数"), asked or [("—", "0")], "附表3  多次出现的未解答问题")


def report_docx(data: ReportData) -> bytes:
    """The report of `data` as .docx bytes."""
    from docx import Document

    doc = Document()
    _font(doc.styles["Normal"], _BODY_FONT, 12)
    for name in ("Title", "Heading 1", "Caption"):
        _font(doc.styles[name], _HEAD_FONT)
    doc.add_heading(f"{data.station_zh}{data.year}年度工作情况报告", level=0)
    start, end = data.period.start, data.period.end
    meta = doc.add_paragraph(
        f"报告期间：{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    )
    if data.generated:
        g = data.generated
        meta.add_run(f"　生成日期：{g.year}年{g.month}月{g.day}日")
    doc.add_heading(HEADINGS[0], level=1)
    _progress(doc, data)
    doc.add_heading(HEADINGS[1], level=1)
    _results(doc, data)
    for (key, _zh, _en), heading in zip(SECTIONS, HEADINGS[2:4], strict=True):
        doc.add_heading(heading, level=1)
        _narrative(doc, data.narratives.get(key, ""))
    doc.add_heading(HEADINGS[4], level=1)
    _appendix(doc, data)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
