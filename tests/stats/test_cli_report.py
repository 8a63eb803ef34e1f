"""`tmbot stats --json` and `tmbot report annual`: figures and the Word report of a seeded year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from handlers.cli import report as cli_report
from handlers.cli.app import app
from storage.db import session_scope
from storage.stats import save_narrative
from tests.stats.test_figures import assert_expected
from tests.support.stats_history import EXPECTED, EXPECTED_MONTHS, seed_history

runner = CliRunner()


@pytest.fixture
def env(
    runtime: Runtime, cli_env: Settings, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> Runtime:
    monkeypatch.setattr(cli_report, "clock", clock)
    seed_history(runtime.engine)
    return runtime


def test_stats_json(env: Runtime) -> None:
    result = runner.invoke(app, ["stats", "--from", "2026-01-01", "--to", "2026-11-25", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert_expected(figures)
    assert figures["period"] == {"kind": "custom", "from": "2026-01-01", "to": "2026-11-25"}
    assert {"top_topics", "csat_avg", "first_response_median_minutes", "by_channel"} <= set(figures)


def test_stats_text_and_bad_date(env: Runtime) -> None:
    result = runner.invoke(app, ["stats", "--period", "year"])
    assert result.exit_code == 0, result.output
    assert "问题 questions: 11" in result.output
    assert "工单 tickets: 4" in result.output
    bad = runner.invoke(app, ["stats", "--from", "2026/01/01"])
    assert bad.exit_code == 2


def _tables(doc: Document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def test_annual_report(env: Runtime, tmp_path: Path) -> None:
    with session_scope(env.engine) as session:
        save_narrative(session=session, year=2026, section="problems", text="旧稿", author="admin")
        save_narrative(
            session=session,
            year=2026,
            section="problems",
            text="专家资源不足。\n宣传不够。",
            author="admin",
        )
        save_narrative(
            session=session, year=2026, section="plans", text="增加夜间值班。", author="admin"
        )
    out = tmp_path / "report" / "2026.docx"
    result = runner.invoke(app, ["report", "annual", "--year", "2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["一、工作进展", "二、工作成效", "三、存在问题", "四、下一步打算", "附录"]
    title = next(p.text for p in doc.paragraphs if p.style.name == "Title")
    assert title == f"{env.settings.station_name_zh}2026年度工作情况报告"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "报告期间：2026年1月1日至2026年11月25日" in text
    # The narratives: the latest version of each, paragraph by paragraph.
    paras = [p.text for p in doc.paragraphs]
    i = paras.index("三、存在问题")
    assert paras[i + 1 : i + 4] == ["专家资源不足。", "宣传不够。", "四、下一步打算"]
    assert "旧稿" not in text
    assert "增加夜间值班。" in paras
    tables = _tables(doc)
    key = dict(tables[0][1:])
    assert tables[0][0] == ["指标", "数值"]
    assert key["咨询对话（次）"] == str(EXPECTED["conversations"])
    assert key["服务用户（人）"] == "7"
    assert key["服务企业（家）"] == "4"
    assert key["收到问题（个）"] == "11"
    assert key["其中：直接解答"] == "4"
    assert key["　　　给出建议（其中选择建议后解答）"] == "2（1）"
    assert key["　　　未能解答"] == "3"
    assert key["　　　工具计算（续展、期限、费用、类别）"] == "2"
    assert key["转人工工单（件）"] == "4"
    assert key["首次响应时间中位数（分钟）"] == "30"
    assert key["专家咨询预约（次）"] == "4"
    assert key["已到场咨询（次）"] == "1"
    assert key["服务满意度（5分制，评价数）"] == "4（2）"
    channels = {row[0]: row[1:] for row in tables[1][1:]}
    assert channels == {
        "Telegram": ["1", "1", "2"],
        "网页": ["6", "4", "16"],
        "微信公众号": ["4", "2", "8"],
    }
    months = {row[0]: row[1:] for row in tables[2][1:]}
    assert months["3月"] == ["8", "2", "2", "2", "2", "5", "1", "2", "1"]
    assert months["11月"] == ["2", "2", "0", "0", "0", "2", "2", "1", "0"]
    assert len(months) == 12
    tools = dict(tables[3][1:])
    assert tools == {"续展期限计算": "1", "马德里费用估算": "1"}
    topics = [(r[0], r[2]) for r in tables[4][1:]]
    assert topics == [("renewal-fee", "3"), ("opposition-period", "1"), ("renewal-window", "1")]
    assert tables[6][1:] == [["商标被抢注怎么办", "2"]]
    assert "解答5个（直接解答4个，选择建议后解答1个）" in text
    assert "续展期限和费用1次" in text
    assert len(doc.inline_shapes) == 2  # the two charts
    book = load_workbook(out.with_suffix(".xlsx"))
    monthly = book["各月数据 Monthly"]
    rows = list(monthly.iter_rows(values_only=True))
    assert rows[0][:3] == ("月份 month", "问题 questions", "直接解答 answered")
    assert rows[3][1] == EXPECTED_MONTHS[3]["questions"]
    assert rows[13][0] == "合计 total" and rows[13][1] == EXPECTED["questions"]
    summary = dict(book["年度汇总 Summary"].iter_rows(values_only=True))
    assert summary["tickets"] == 4 and summary["csat_avg"] == 4.0


def test_annual_report_future_year(env: Runtime, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", "annual", "--year", "2030", "--out", str(tmp_path / "x.docx")]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "x.docx").exists()
