"""Staff send a file back to a Telegram user (issue 22): from the ticket page (multipart upload)
and from the staff group (a photo replying to the ticket's notice, re-sent by its file id), as
its own outbox message behind the text, against the fake Bot API's file rules (413 beyond 50 MB,
400 for a photo over 10 MB or a file id of another bot)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from tests.support.accounts import login, make_account
from tests.support.handoff import outbox_rows
from tests.support.telegram_api import BOT_USER, FakeBotApi, Upload
from tests.support.telegram_updates import STAFF_CHAT, post_update, telegram_settings, update
from webhook import create_app

LI = 5550001
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 2000
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64  # Telegram re-encodes staff photos as JPEG


@pytest.fixture
def rt(settings: Settings, clock: FixedClock, fake_api: FakeBotApi) -> Iterator[Runtime]:
    configured = telegram_settings(settings, fake_api, telegram_staff_chat=STAFF_CHAT)
    runtime = build_runtime(configured, clock=clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def app(rt: Runtime) -> FastAPI:
    return create_app(rt.settings, runtime=rt)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _escalate(client: TestClient, app: FastAPI, fake: FakeBotApi) -> dict[str, Any]:
    post_update(client, update("text_zh", update_id=1, text="转人工，我的商标被经销商抢注了"))
    app.state.worker.run_once()
    return next(
        p
        for p in fake.calls_to("sendMessage")
        if p["chat_id"] == str(STAFF_CHAT) and "新工单" in p["text"]
    )


def _upload(client: TestClient, token: str, name: str, data: bytes, text: str = "") -> str:
    page = client.post(
        "/staff/tickets/T-2026-000001/file",
        data={"csrf_token": token, "text": text},
        files={"upload": (name, data, "application/octet-stream")},
        follow_redirects=True,
    )
    assert page.status_code == 200
    return page.text


def _to_user(fake: FakeBotApi, after: int = 0) -> list[tuple[str, Any]]:
    """What the user's chat received since `after` deliveries, in order."""
    return fake.delivered_to(LI)[after:]


def test_console_sends_text_then_file_each_once(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi, clock: FixedClock
) -> None:
    _escalate(client, app, fake_api)
    make_account(rt, "wang", role="staff")
    token = login(client, "wang")
    before = len(_to_user(fake_api))
    page = _upload(client, token, "商标注册证.pdf", PDF, text="请查收注册证扫描件。")
    assert "已排队" in page
    # the text before the file meets a 502: it is retried alone, the file waits behind it
    fake_api.fail("sendMessage", 502, "Bad Gateway")
    app.state.worker.run_once()
    assert _to_user(fake_api, before) == []
    clock.at += dt.timedelta(minutes=1)
    app.state.worker.run_once()
    got = _to_user(fake_api, before)
    assert got[0] == ("sendMessage", "【工作人员】请查收注册证扫描件。")
    assert got[1][0] == "sendDocument" and isinstance(got[1][1], Upload)
    assert got[1][1].filename == "商标注册证.pdf" and got[1][1].content == PDF
    assert len(got) == 2
    app.state.worker.run_once()
    assert len(_to_user(fake_api, before)) == 2  # nothing sent twice

    page = client.get("/staff/tickets/T-2026-000001").text
    assert "商标注册证.pdf" in page and "工作人员 wang 发给用户" in page
    assert "📎 商标注册证.pdf" in page and page.count("已送达 / delivered") >= 2
    [file_row] = [r for r in outbox_rows(rt, "telegram") if r.payload.get("file")]
    assert file_row.status == "sent" and file_row.attempts == 1  # the file went once


def test_an_image_goes_as_a_photo(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    _escalate(client, app, fake_api)
    make_account(rt, "wang", role="staff")
    _upload(client, login(client, "wang"), "样例.png", PNG)
    app.state.worker.run_once()
    [(method, sent)] = _to_user(fake_api)[-1:]
    assert method == "sendPhoto" and isinstance(sent, Upload) and sent.content == PNG


def test_too_large_for_telegram_fails_once_and_staff_see_why(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    _escalate(client, app, fake_api)
    make_account(rt, "wang", role="staff")
    fake_api.max_upload = 1000  # Telegram's 50 MB, scaled down: 413 Request Entity Too Large
    _upload(client, login(client, "wang"), "big.pdf", PDF)
    app.state.worker.run_once()
    [row] = [r for r in outbox_rows(rt, "telegram") if r.payload.get("file")]
    assert row.status == "failed" and "too large" in (row.last_error or "")
    assert len(fake_api.calls_to("sendDocument")) == 1  # permanent: not retried for a day
    page = client.get("/staff/tickets/T-2026-000001").text
    assert "发送失败" in page and "Request Entity Too Large" in page


def test_refused_uploads_lose_nothing_and_say_why(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    _escalate(client, app, fake_api)
    make_account(rt, "wang", role="staff")
    token = login(client, "wang")
    page = _upload(client, token, "setup.pdf", b"MZ\x90\x00" + b"\x00" * 100)  # a renamed .exe
    assert "文件未发送" in page and "not a .pdf file" in page
    page = _upload(client, token, "tool.exe", b"MZ\x90\x00")
    assert "cannot be sent" in page
    rt_big = rt.settings.handoff_file_max_mb * 1024 * 1024
    page = _upload(client, token, "scan.pdf", b"%PDF-" + b"0" * rt_big)
    assert "too large" in page
    assert not [r for r in outbox_rows(rt) if r.payload.get("file")]
    assert "T-2026-000001" in client.get("/staff/tickets/T-2026-000001").text


def _staff_photo(client: TestClient, notice: dict[str, Any], file_id: str, caption: str) -> None:
    replied = {
        "message_id": 9001,
        "from": BOT_USER,
        "chat": {"id": STAFF_CHAT, "title": "指导站工作人员", "type": "supergroup"},
        "date": 1795572000,
        "text": notice["text"],
    }
    data = update("staff_message", update_id=40)
    data["message"].pop("text")
    data["message"].update(
        caption=caption,
        reply_to_message=replied,
        photo=[{"file_id": file_id, "file_unique_id": "AQADstaff", "file_size": len(JPEG),
                "width": 800, "height": 600}],
    )  # fmt: skip
    assert post_update(client, data).status_code == 200


def test_staff_group_photo_reaches_the_user_by_file_id(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    notice = _escalate(client, app, fake_api)
    fake_api.files["AgACAgStaffPhoto"] = JPEG
    _staff_photo(client, notice, "AgACAgStaffPhoto", "这是样例图。")
    queued = [
        p["text"] for p in fake_api.calls_to("sendMessage") if p["chat_id"] == str(STAFF_CHAT)
    ]
    assert "文件 photo-AQADstaff.jpg 已排队" in queued[-1]
    _staff_photo(client, notice, "AgACAgStaffPhoto", "这是样例图。")  # Telegram re-delivers
    app.state.worker.run_once()
    got = _to_user(fake_api)
    assert got[-2:] == [
        ("sendMessage", "【工作人员】这是样例图。"),
        ("sendPhoto", "AgACAgStaffPhoto"),
    ]
    assert sum(m == "sendPhoto" for m, _ in got) == 1
    told = [p["text"] for p in fake_api.calls_to("sendMessage") if p["chat_id"] == str(STAFF_CHAT)]
    assert any("已送达 / delivered: T-2026-000001" in t for t in told)
    make_account(rt, "wang", role="staff")
    login(client, "wang")
    page = client.get("/staff/tickets/T-2026-000001").text
    assert "photo-AQADstaff.jpg" in page  # kept for staff like the user's files


def test_a_refused_file_id_is_uploaded_instead(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    notice = _escalate(client, app, fake_api)
    fake_api.files["AgACAgStaffPhoto"] = JPEG
    _staff_photo(client, notice, "AgACAgStaffPhoto", "")
    del fake_api.files["AgACAgStaffPhoto"]  # an id this bot can no longer use
    app.state.worker.run_once()
    photos = [p["photo"] for p in fake_api.calls_to("sendPhoto")]
    assert photos[0] == "AgACAgStaffPhoto" and isinstance(photos[1], Upload)
    assert photos[1].content == JPEG
    assert [r.status for r in outbox_rows(rt, "telegram") if r.payload.get("file")] == ["sent"]
