"""The staff radar page: categories, call tasks, a mark's history, renewal, export, import."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.core.runtime import Runtime
from bot.marks.remind import run_reminders
from storage.marks import STATION, Mark, MarkReminder
from tests.support.accounts import signed_in

HEADER = "企业,联系人,电话,邮箱,注册号,商标,类别,注册日期,到期日期"
# The test clock says 2026-11-25: the window of a mark expiring 2027-12-10 opens 2026-12-11
# (next month), one expiring 2026-09-01 is in grace, one expiring 2025-12-01 lapsed this year.
ROWS = [
    "华星科技,王经理,13800000001,,12345678,华星,9;35,,2027-12-10",
    "星辰食品,李女士,,li@xc.cn,23456789,星辰,29,,2026-09-01",
    "旧厂,赵,13800000003,,34567890,老字号,30,,2025-12-01",
    "远期公司,钱,13800000004,,45678901,远期,9,,2030-01-01",
]


def _csv(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _import(client: TestClient, token: str, action: str, rows: list[str]) -> str:
    resp = client.post(
        "/staff/marks/import",
        data={"csrf_token": token, "action": action},
        files={"file": ("list.csv", _csv(rows), "text/csv")},
    )
    return resp.text


def _marks(runtime: Runtime) -> dict[str, Mark]:
    with Session(runtime.engine) as session:
        return {m.registration_number: m for m in session.exec(select(Mark))}


def test_the_page_needs_a_staff_login(client: TestClient, runtime: Runtime) -> None:
    resp = client.get("/staff/marks", follow_redirects=False)
    assert resp.status_code in (302, 303, 307) and "/login" in resp.headers["location"]
    signed_in(client, runtime, "expert")
    assert client.get("/staff/marks", follow_redirects=False).status_code in (302, 303, 403)


def test_import_preview_then_import_then_radar(client: TestClient, runtime: Runtime) -> None:
    token = signed_in(client, runtime, "staff")
    page = _import(client, token, "preview", ROWS)
    assert "新增 create 4" in page and "华星科技" in page
    assert _marks(runtime) == {}
    bad = _import(client, token, "import", [*ROWS, "坏,张,,,1,坏,9,,2027-01-01"])
    assert "row 6: registration_number &#39;1&#39; is not 5-10 digits" in bad
    assert _marks(runtime) == {}
    _import(client, token, "import", ROWS)
    assert set(_marks(runtime)) == {"12345678", "23456789", "34567890", "45678901"}

    page = client.get("/staff/marks").text
    assert "华星" in page and "星辰" in page and "老字号" in page
    assert "远期" not in page  # not on the radar yet
    assert "c-window" in page and "c-grace" in page and "c-lapsed" in page
    assert "远期" in client.get("/staff/marks", params={"view": "all"}).text
    grace = client.get("/staff/marks", params={"view": "grace"}).text
    assert "星辰" in grace and "华星科技" not in grace
    export = client.get("/staff/marks/export.csv", params={"view": "radar"})
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("enterprise,contact,phone,email,registration_number")
    assert len(lines) == 4


def test_call_tasks_history_and_renewal(client: TestClient, runtime: Runtime) -> None:
    token = signed_in(client, runtime, "staff")
    _import(client, token, "import", ROWS[1:2])  # 星辰: e-mail only, but no SMTP configured
    now = runtime.conversation.clock.now()
    sent = run_reminders(runtime.engine, runtime.settings, now)
    assert [(s.mark, s.milestone, s.channel) for s in sent] == [("23456789", "expiry", "call")]
    page = client.get("/staff/marks").text
    assert "Call these enterprises (1)" in page
    mark = _marks(runtime)["23456789"]
    detail = client.get(f"/staff/marks/{mark.id}").text
    assert "expiry" in detail and "call" in detail and "li@xc.cn" in detail
    with Session(runtime.engine) as session:
        task = session.exec(select(MarkReminder)).one()
    client.post(f"/staff/marks/tasks/{task.id}/done", data={"csrf_token": token})
    assert "Call these enterprises" not in client.get("/staff/marks").text

    client.post(
        f"/staff/marks/{mark.id}/renewed", data={"csrf_token": token, "new_expiry": "2036-09-01"}
    )
    renewed = _marks(runtime)["23456789"]
    assert renewed.expiry_date == dt.date(2036, 9, 1)
    assert renewed.renewed_by == "staff" and renewed.status == "active"
    assert run_reminders(runtime.engine, runtime.settings, now) == []  # next term: not yet


def test_user_marks_show_consent_not_identity(client: TestClient, runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        session.add(
            Mark(
                owner_channel="telegram",
                owner_ref="998877",
                registration_number="56789012",
                name="用户商标",
                expiry_date=dt.date(2026, 10, 1),
                consent=True,
            )
        )
        session.commit()
    signed_in(client, runtime, "staff")
    page = client.get("/staff/marks").text
    assert "用户商标" in page and "telegram user" in page and "998877" not in page
    assert STATION not in page.split("<h2>商标 Marks")[1].split("</table>")[0]
