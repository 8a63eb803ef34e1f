"""/admin/dashboard and /admin/report through the web app, on a seeded year."""

from __future__ import annotations

import io
import re

from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from bot.core.runtime import Runtime
from storage.accounts import AuditLog
from storage.experts import Expert
from storage.stats import narrative_history
from tests.support.accounts import login, make_account, signed_in
from tests.support.stats_history import EXPECTED, expert_names, seed_history


def _cell(html: str, table: str, row: str) -> list[str]:
    """The cells of the row of table `table` whose first cell contains `row`."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        if cells and row in " ".join(cells[0]):
            return [" ".join(c) for c in cells]
    raise AssertionError(f"no row {row!r} in {table}")


def _card(html: str, key: str) -> tuple[str, str]:
    block = html.split(f'data-key="{key}"', 1)[1].split('<div class="kpi"', 1)[0]
    value = re.search(r'class="value">([^<]*)<', block)
    delta = re.search(r'class="delta [a-z]+">([^<]*)<', block)
    assert value and delta
    return value.group(1), delta.group(1)


def test_dashboard_year(client: TestClient, runtime: Runtime) -> None:
    seed_history(runtime.engine)
    signed_in(client, runtime, "staff")
    resp = client.get("/admin/dashboard", params={"period": "year"})
    assert resp.status_code == 200
    html = resp.text
    assert "2026-01-01 – 2026-11-25" in html
    assert "2025-01-01 – 2025-11-25" in html  # compared with the same days of last year
    for key in (
        "questions",
        "answered",
        "unknown",
        "tool_uses",
        "users",
        "conversations",
        "enterprises",
        "tickets",
        "bookings",
        "attended",
        "messages",
    ):
        assert _card(html, key)[0] == str(EXPECTED[key]), key
    assert _card(html, "suggested") == ("2", "新 new")
    assert _card(html, "suggested_chosen")[0] == "1"
    # 2025: one question (15 December is outside 1 Jan – 25 Nov), one ticket in June.
    assert _card(html, "tickets") == ("4", "+300%")
    assert _card(html, "first_response_median_minutes")[0] == "30"
    assert _card(html, "within_sla_share")[0] == "50%"
    assert _card(html, "csat_avg")[0] == "4"
    assert _cell(html, "channels", "网页") == ["网页 web chat", "6", "4", "16"]
    assert _cell(html, "channels", "微信") == ["微信公众号 WeChat", "4", "2", "8"]
    assert _cell(html, "topics", "renewal-fee")[1:] == ["3", "1", "0"]
    assert _cell(html, "topics", "renewal-window")[1:] == ["1", "0", "1"]
    assert _cell(html, "themes", "续展")[1] == "4"
    assert _cell(html, "unanswered", "商标被抢注怎么办")[1] == "2"
    assert _cell(html, "months", "3")[1:] == ["8", "2", "2", "2", "2", "5", "1", "2"]
    assert _cell(html, "handoff", "P90")[1] == "180.0 分钟 min"
    assert _cell(html, "handoff", "Resolution")[1] == "13.0 小时 h"
    assert _cell(html, "handoff", "Ratings")[1] == "1★ 0 · 2★ 0 · 3★ 1 · 4★ 0 · 5★ 1"
    assert _cell(html, "bookings", "No-show")[1] == "1"
    assert _cell(html, "bookings", "Cancelled")[1] == "1"
    first, _second = expert_names(runtime.engine)
    assert f"{first}" in html
    assert html.count("<svg") == 2  # the two month-by-month charts, server-rendered
    # Nothing loaded from elsewhere: the only scripts are the layout's own, inline or ours.
    assert not re.search(r"<script[^>]*\bsrc=[\"']?(https?:)?//", html)
    # No personal data: no user ids, company names or phone numbers.
    for private in ("u1", "甲公司", "13800000000", "张三"):
        assert private not in html
    assert "/admin/unanswered" not in html  # staff cannot open the admin queue: no link


def test_dashboard_custom_period_and_json(client: TestClient, runtime: Runtime) -> None:
    seed_history(runtime.engine)
    signed_in(client, runtime, "admin")
    html = client.get(
        "/admin/dashboard", params={"period": "custom", "from": "2026-03-01", "to": "2026-03-31"}
    ).text
    assert _card(html, "questions") == ("8", "新 new")
    assert _card(html, "bookings")[0] == "2"
    assert "/admin/unanswered?days=31" in html
    data = client.get(
        "/admin/dashboard/data",
        params={"period": "custom", "from": "2026-03-01", "to": "2026-03-31"},
    ).json()
    assert data["current"]["questions"] == 8
    assert data["previous"]["period"] == {
        "kind": "custom",
        "from": "2026-01-29",
        "to": "2026-02-28",
    }
    assert data["previous"]["questions"] == 0
    assert client.get("/admin/dashboard", params={"period": "decade"}).status_code == 422


def test_dashboard_needs_login_and_expert_sees_own(client: TestClient, runtime: Runtime) -> None:
    resp = client.get("/admin/dashboard", follow_redirects=False)
    assert resp.status_code in (302, 303, 307)
    seed_history(runtime.engine)
    with Session(runtime.engine) as session:
        second = session.exec(select(Expert).order_by(Expert.id)).all()[1]  # type: ignore[arg-type]
        second.account = "li"
        session.add(second)
        session.commit()
    make_account(runtime, "li", "expert")
    login(client, "li")
    html = client.get("/admin/dashboard", params={"period": "year"}).text
    assert _card(html, "bookings")[0] == "2"
    assert _card(html, "cancelled")[0] == "1"
    assert 'data-key="questions"' not in html and "<svg" not in html
    assert client.get("/admin/report").status_code == 403
    assert client.get("/admin/report/2026.docx").status_code == 403


def test_report_page_narratives_and_downloads(client: TestClient, runtime: Runtime) -> None:
    seed_history(runtime.engine)
    token = signed_in(client, runtime, "admin")
    page = client.get("/admin/report").text
    assert _cell(page, "key-figures", "收到问题") == ["收到问题（个）", "11"]
    assert _cell(page, "key-figures", "服务企业") == ["服务企业（家）", "4"]
    for text in ("第一稿", "专家资源不足。\n宣传不够。"):
        resp = client.post(
            "/admin/report/2026/narrative",
            data={"section": "problems", "text": text, "csrf_token": token},
            follow_redirects=False,
        )
        assert resp.status_code == 303
    refused = client.post("/admin/report/2026/narrative", data={"section": "problems", "text": "x"})
    assert refused.status_code == 403  # no CSRF token
    page = client.get("/admin/report", params={"year": 2026}).text
    assert "专家资源不足。\n宣传不够。</textarea>" in page
    assert "历史版本 History (2)" in page and "第一稿" in page
    with Session(runtime.engine) as session:
        assert [h.text for h in narrative_history(session=session, year=2026, section="problems")][
            1
        ] == "第一稿"
        actions = session.exec(
            select(AuditLog.action).where(AuditLog.action == "report.narrative")
        ).all()
        assert len(actions) == 2
    resp = client.get("/admin/report/2026.docx")
    assert resp.status_code == 200
    assert resp.headers["content-disposition"] == 'attachment; filename="station-report-2026.docx"'
    doc = Document(io.BytesIO(resp.content))
    paras = [p.text for p in doc.paragraphs]
    assert paras[paras.index("三、存在问题") + 1] == "专家资源不足。"
    assert dict([[c.text for c in r.cells] for r in doc.tables[0].rows])["收到问题（个）"] == "11"
    xlsx = client.get("/admin/report/2026.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["各月数据 Monthly", "年度汇总 Summary"]
    assert client.get("/admin/report/2030.docx").status_code == 404
