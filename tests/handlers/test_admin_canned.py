"""Canned replies live in the database: seeded from the former built-in set, edited by admins in
both languages, offered only on their channels (no request for photos on the web chat)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.core.runtime import Runtime
from tests.support.accounts import login, make_account
from tests.support.handoff import outbox_rows
from tests.support.web import as_visitor


def test_admin_edits_and_staff_use_canned_replies(client: TestClient, runtime: Runtime) -> None:
    as_visitor(client, runtime.settings, "webuser-canned")
    client.post("/api/chat", json={"text": "转人工，商标被抢注"})
    make_account(runtime, "boss", "admin")
    make_account(runtime, "wang", "staff")
    token = login(client, "wang")
    page = client.get("/staff/tickets/T-2026-000001").text
    assert "电话回访 Call back" in page and "照片或截图" not in page  # web chat: no photos
    assert "简要说明材料上写的内容" in page
    assert client.get("/admin/canned", follow_redirects=False).status_code == 403

    token = login(client, "boss")
    assert "照片或截图" in client.get("/admin/canned").text  # kept for WeChat and Telegram
    form = {
        "csrf_token": token,
        "key": "greet",
        "label": "接待 Greeting",
        "text_zh": "您好，这里是指导站（新版）。",
        "text_en": "Hello from the station (new).",
        "position": "0",
        "active": "true",
    }
    saved = client.post("/admin/canned", data=form)
    assert "已保存快捷回复 greet" in saved.text and "指导站（新版）" in saved.text
    bad = client.post("/admin/canned", data={**form, "key": "new_one", "text_en": " "})
    assert "英文 English: 不能为空 / must not be empty" in bad.text
    long = client.post("/admin/canned", data={**form, "text_zh": "长" * 2001})
    assert "最多 2000 字" in long.text

    client.post("/staff/tickets/T-2026-000001/reply", data={"csrf_token": token, "canned": "greet"})
    assert any("指导站（新版）" in str(r.payload) for r in outbox_rows(runtime))
