"""Staff send a file back to a Telegram user (issue 22): from the ticket page (multipart upload)
and from the staff group (a photo replying to the ticket's notice, re-sent by its file id), as
its own outbox message behind the text, against the fake Bot API's file rules (413 beyond 50 MB,
400 for a photo over 10 MB or a file id of another bot)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from tests.support.accounts import login, make_account
from tests.support.handoff import outbox_rows
from tests.support.telegram_api import FakeBotApi, Upload
from tests.support.telegram_updates import STAFF_CHAT, post_update, staff_photo, staff_reply, update

LI = 5550001
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 2000
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64  # Telegram re-encodes staff photos as JPEG


def _escalate(client: TestClient, app: Any, fake: FakeBotApi) -> dict[str, Any]:
    post_update(client, update("text_zh", update_id=1, text="转人工，我的商标被经销商抢注了"))
    app.state.worker.run_once()
    return next(
        p
        for p in fake.calls_to("sendMessage")
        if p["chat_id"] == str(STAFF_CHAT) and "新工单" in p["text"]
    )


def _ticket_for(client: TestClient, rt: Runtime, fake: FakeBotApi) -> str:
    """A ticket of the Telegram user, and staff member wang signed in; the CSRF token."""
    _escalate(client, client.app, fake)
    make_account(rt, "wang", role="staff")
    return login(client, "wang")


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
    telegram_client: TestClient, telegram_rt: Runtime, fake_api: FakeBotApi, clock: FixedClock
) -> None:
    client, rt = telegram_client, telegram_rt
    app = client.app
    token = _ticket_for(client, rt, fake_api)
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
    telegram_client: TestClient, telegram_rt: Runtime, fake_api: FakeBotApi
) -> None:
    client = telegram_client
    _upload(client, _ticket_for(client, telegram_rt, fake_api), "样例.png", PNG)
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    [(method, sent)] = _to_user(fake_api)[-1:]
    assert method == "sendPhoto" and isinstance(sent, Upload) and sent.content == PNG


def test_too_large_for_telegram_fails_once_and_staff_see_why(
    telegram_client: TestClient, telegram_rt: Runtime, fake_api: FakeBotApi
) -> None:
    client, rt = telegram_client, telegram_rt
    token = _ticket_for(client, rt, fake_api)
    fake_api.max_upload = 1000  # Telegram's 50 MB, scaled down: 413 Request Entity Too Large
    _upload(client, token, "big.pdf", PDF)
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    [row] = [r for r in outbox_rows(rt, "telegram") if r.payload.get("file")]
    assert row.status == "failed" and "too large" in (row.last_error or "")
    assert len(fake_api.calls_to("sendDocument")) == 1  # permanent: not retried for a day
    page = client.get("/staff/tickets/T-2026-000001").text
    assert "发送失败" in page and "Request Entity Too Large" in page


def test_refused_uploads_lose_nothing_and_say_why(
    telegram_client: TestClient, telegram_rt: Runtime, fake_api: FakeBotApi
) -> None:
    client, rt = telegram_client, telegram_rt
    token = _ticket_for(client, rt, fake_api)
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
    data = staff_photo(40, notice["text"], file_id, len(JPEG), caption)
    assert post_update(client, data).status_code == 200


def _photo_from_group(client: TestClient, fake: FakeBotApi, caption: str) -> dict[str, Any]:
    """A ticket, and staff replying to its notice with a photo Telegram holds; the notice."""
    notice = _escalate(client, client.app, fake)
    fake.files["AgACAgStaffPhoto"] = JPEG
    _staff_photo(client, notice, "AgACAgStaffPhoto", caption)
    return notice


def test_staff_group_photo_reaches_the_user_by_file_id(
    telegram_client: TestClient, telegram_rt: Runtime, fake_api: FakeBotApi
) -> None:
    client, rt = telegram_client, telegram_rt
    notice = _photo_from_group(client, fake_api, "这是样例图。")
    queued = [
        p["text"] for p in fake_api.calls_to("sendMessage") if p["chat_id"] == str(STAFF_CHAT)
    ]
    assert "文件 photo-AQADfPhoto.jpg 已排队" in queued[-1]
    _staff_photo(client, notice, "AgACAgStaffPhoto", "这是样例图。")  # Telegram re-delivers
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
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
    assert "photo-AQADfPhoto.jpg" in page  # kept for staff like the user's files


def test_a_refused_file_id_is_uploaded_instead(
    telegram_client: TestClient, telegram_rt: Runtime, fake_api: FakeBotApi
) -> None:
    client, rt = telegram_client, telegram_rt
    _photo_from_group(client, fake_api, "")
    del fake_api.files["AgACAgStaffPhoto"]  # an id this bot can no longer use
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    photos = [p["photo"] for p in fake_api.calls_to("sendPhoto")]
    assert photos[0] == "AgACAgStaffPhoto" and isinstance(photos[1], Upload)
    assert photos[1].content == JPEG
    assert [r.status for r in outbox_rows(rt, "telegram") if r.payload.get("file")] == ["sent"]


def test_staff_group_document_reaches_the_user_and_a_bad_one_is_explained(
    telegram_client: TestClient, telegram_rt: Runtime, fake_api: FakeBotApi
) -> None:
    client = telegram_client
    notice = _escalate(client, client.app, fake_api)
    fake_api.files["BQACAgDocPdf"] = PDF
    fake_api.files["BQACAgDocExe"] = b"MZ\x90\x00"
    document = {"file_id": "BQACAgDocPdf", "file_unique_id": "AgADpdf", "file_name": "清单.pdf",
                "mime_type": "application/pdf", "file_size": len(PDF)}  # fmt: skip
    data = staff_reply(41, notice["text"], document=document)
    data["message"].pop("text")
    post_update(client, data)
    bad = {**document, "file_id": "BQACAgDocExe", "file_name": "setup.pdf"}
    data = staff_reply(42, notice["text"], document=bad)
    data["message"].pop("text")
    post_update(client, data)
    group = [p["text"] for p in fake_api.calls_to("sendMessage") if p["chat_id"] == str(STAFF_CHAT)]
    assert "文件 清单.pdf 已排队" in group[-2] and "not a .pdf file" in group[-1]
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    assert _to_user(fake_api)[-1] == ("sendDocument", "BQACAgDocPdf")
    assert [
        r.payload["file_name"]
        for r in outbox_rows(telegram_rt, "telegram")
        if r.payload.get("file")
    ] == ["清单.pdf"]
