"""The privacy notice page and its editor, the web chat's "my data" and deletion, and staff
erasure from the console (audited without personal fields)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.core.runtime import Runtime
from storage.accounts import AuditLog
from storage.models import ChatMessage
from storage.privacy import ConsentRecord
from storage.tickets import Ticket
from tests.support.accounts import login, make_account, signed_in
from tests.support.web import as_visitor, visitor_id

USER = visitor_id("privacy-1")


def _visit(client: TestClient, name: str = "privacy-1") -> str:
    return as_visitor(client, client.app.state.runtime.settings, name)  # type: ignore[attr-defined]


def _chat(client: TestClient, text: str, user: str = "privacy-1") -> str:
    _visit(client, user)
    resp = client.post("/api/chat", json={"text": text})
    assert resp.status_code == 200, resp.text
    return "\n".join(r["text"] for r in resp.json()["replies"])


def _handoff_with_phone(client: TestClient, user: str = "privacy-1") -> None:
    _chat(client, "人工", user)
    _chat(client, "商标被抢注了", user)
    _chat(client, "电话 13812345678", user)
    _chat(client, "同意", user)
    _chat(client, "结束", user)


def test_notice_page_is_public_in_both_languages_and_the_chat_links_it(client: TestClient) -> None:
    html = client.get("/privacy").text
    assert "我们收集什么" in html and "What we collect" in html
    assert 'href="/privacy"' in client.get("/").text
    assert "回复“隐私”查看" in _chat(client, "你好")


def test_admin_edits_the_notice_and_users_see_it(client: TestClient, runtime: Runtime) -> None:
    token = signed_in(client, runtime)
    assert "我们收集什么" in client.get("/admin/privacy").text
    data = {
        "text_zh": "本站个人信息保护说明（第二版）：我们只保存必要的信息。",
        "text_en": "Station privacy notice, second edition: we keep only what is needed.",
        "csrf_token": token,
    }
    resp = client.post("/admin/privacy", data=data)
    assert resp.status_code == 200 and "Privacy notice saved (version 1)" in resp.text
    assert (
        "第二版" in client.get("/privacy").text and "second edition" in client.get("/privacy").text
    )
    assert "第二版" in _chat(client, "隐私")
    with Session(runtime.engine) as session:
        [row] = session.exec(select(AuditLog).where(AuditLog.action == "privacy.notice"))
        assert row.actor == "admin"
    _handoff_with_phone(client)
    with Session(runtime.engine) as session:
        [consent] = session.exec(select(ConsentRecord))
        assert consent.notice_version == 1 and consent.channel == "web"


def test_only_admins_edit_the_notice(client: TestClient, runtime: Runtime) -> None:
    signed_in(client, runtime, role="staff")
    assert client.get("/admin/privacy", follow_redirects=False).status_code in (302, 303, 403)


def test_web_user_downloads_their_data(client: TestClient) -> None:
    _handoff_with_phone(client)
    text = _chat(client, "我的数据")
    assert "/privacy/data" in text and "转人工工单 1 个" in text
    resp = client.get("/privacy/data")  # the visitor's cookie says whose
    assert resp.headers["content-disposition"].startswith("attachment")
    data = json.loads(resp.text)
    assert data["user"] == f"web:{USER}"
    assert data["tables"]["ticket"][0]["contact"] == "13812345678"
    assert [c["purpose"] for c in data["tables"]["privacy_consent"]] == ["contact"]
    assert [v["user_ref"] for v in data["tables"]["web_visitor"]] == [USER]
    _visit(client, "someone-else")
    assert json.loads(client.get("/privacy/data").text)["tables"] == {}
    client.cookies.clear()
    assert client.get("/privacy/data").status_code == 404


def test_web_user_deletes_their_data(client: TestClient, runtime: Runtime) -> None:
    _handoff_with_phone(client)
    assert "此操作无法撤销" in _chat(client, "删除我的数据")
    assert "已删除您的数据" in _chat(client, "privacy:erase:yes")
    data = json.loads(client.get("/privacy/data").text)
    assert data["tables"] == {}
    with Session(runtime.engine) as session:
        [ticket] = session.exec(select(Ticket))
        assert ticket.contact is None and ticket.user_ref == "erased"


def test_staff_erase_a_contact_from_the_console(client: TestClient, runtime: Runtime) -> None:
    _handoff_with_phone(client)
    make_account(runtime, "wang", "staff")
    token = login(client, "wang")
    page = client.get("/staff/privacy", params={"q": "T-2026-000001"}).text
    assert "<td>1</td>" in page and USER in page
    form = {"channel": "web", "user_ref": USER, "csrf_token": token}
    refused = client.post("/staff/privacy/erase", data={**form, "confirm": "yes"})
    assert "Type ERASE to confirm" in refused.text
    done = client.post("/staff/privacy/erase", data={**form, "confirm": "ERASE"})
    assert "rows erased or anonymised" in done.text
    with Session(runtime.engine) as session:
        assert not session.exec(select(ChatMessage).where(ChatMessage.user_ref == USER)).all()
        [row] = session.exec(select(AuditLog).where(AuditLog.action == "privacy.erase"))
    assert row.actor == "wang" and USER not in row.target and USER not in json.dumps(row.detail)
    assert row.detail["rows"]["ticket"] == 1
    assert "No such user" in client.get("/staff/privacy", params={"q": "T-2026-000001"}).text


def test_experts_cannot_erase(client: TestClient, runtime: Runtime) -> None:
    make_account(runtime, "li", "expert")
    token = login(client, "li")
    resp = client.post(
        "/staff/privacy/erase",
        data={"channel": "web", "user_ref": USER, "confirm": "ERASE", "csrf_token": token},
        follow_redirects=False,
    )
    assert resp.status_code in (302, 303, 403)


def test_the_faq_editor_refuses_a_phone_number_in_a_phrasing(
    client: TestClient, runtime: Runtime
) -> None:
    token = signed_in(client, runtime)
    entry = {
        "id": "transfer-who",
        "theme": "registration",
        "topic": "",
        "status": "draft",
        "question_zh": "商标转让找谁办？",
        "question_en": "Who handles a trademark transfer?",
        "alternates_zh": "转让找谁\n转让找谁 电话 13812345678",
        "alternates_en": "transfer office",
        "answer_zh": "向商标局申请。",
        "answer_en": "Apply to the Trademark Office.",
        "tags": "",
        "sources": "",
        "as_of": "",
        "related": "",
        "csrf_token": token,
    }
    resp = client.post("/admin/faq/new", data=entry)
    assert resp.status_code == 400
    assert "phone number, e-mail or ID number" in resp.text and "问法含电话" in resp.text
