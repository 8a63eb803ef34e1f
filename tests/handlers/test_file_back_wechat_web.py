"""Staff send a file back to a WeChat user and to a web chat visitor (issue 22), against the fake
WeChat API's media rules (media/upload: PNG/JPEG/GIF images up to 10 MB, 40005 for another type,
40009 for a larger image; 40007 for an image message with an unknown media id) and its window.

WeChat: an image is uploaded as temporary media and sent as an image message; other files, which
an Official Account cannot send, as a signed, expiring link to a download page; outside the
48-hour window the file waits for the user's next message like a text. Web: a line with the link.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from bot.delivery.worker import PermanentFailure
from bot.handoff import helpdesk
from handlers.wechat.client import build_client
from handlers.wechat.sender import classify
from storage.outbox import OutboxMessage
from storage.tickets import get_ticket
from tests.support import wechat as wechat_fake
from tests.support.accounts import login, make_account
from tests.support.handoff import WECOM_URL, outbox_rows
from tests.support.web import as_visitor
from tests.support.wechat import OPENID, FakeWeChatApi, WeChatRules, Wire, fixture
from tests.support.wechat_app import (
    received,
    run_worker,
    user_says,
    wechat_settings,
    wechat_station,
)
from webhook import create_app

NUMBER = "T-2026-000001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 300
PDF = b"%PDF-1.7\n" + b"y" * 5000


def _upload(client: TestClient, token: str, name: str, data: bytes, text: str = "") -> str:
    return client.post(
        f"/staff/tickets/{NUMBER}/file",
        data={"csrf_token": token, "text": text},
        files={"upload": (name, data, "application/octet-stream")},
        follow_redirects=True,
    ).text


def _file_rows(runtime: Runtime, sender: str) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.sender == sender))
        return [r for r in rows if r.payload.get("file")]


def _staff(client: TestClient, runtime: Runtime) -> str:
    make_account(runtime, "wang", role="staff")
    return login(client, "wang")


def test_wechat_image_is_uploaded_and_sent_as_an_image(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi, rules: WeChatRules, clock: FixedClock
) -> None:
    client, runtime = wx
    assert NUMBER in user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
    token = _staff(client, runtime)
    _upload(client, token, "样例.png", PNG, text="请看样例。")
    run_worker(client)
    assert received(rules)[-2:] == ["【工作人员】请看样例。", "[image] image.png"]
    [(kind, name, data)] = api.uploads.values()
    assert (kind, name, data) == ("image", "image.png", PNG)
    [row] = _file_rows(runtime, "wechat")
    assert row.status == "sent"
    page = client.get(f"/staff/tickets/{NUMBER}").text
    assert "🖼 样例.png" in page and "已送达 / delivered" in page


def test_wechat_other_files_go_as_an_expiring_link_to_a_download_page(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi, rules: WeChatRules, clock: FixedClock
) -> None:
    client, runtime = wx
    user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
    _upload(client, _staff(client, runtime), "驳回通知书.pdf", PDF)
    run_worker(client)
    text = received(rules)[-1]
    assert text.startswith("工作人员给您发送了文件：驳回通知书.pdf（4 KB）") and "7天内" in text
    assert not api.uploads  # an Official Account cannot send a PDF: nothing uploaded
    url = re.search(r"https://tmbot\.example\.cn(/m/\S+)", text)
    assert url is not None
    page = client.get(url.group(1))
    assert page.status_code == 200 and "驳回通知书.pdf" in page.text
    download = client.get(url.group(1) + "/file")
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert (
        client.get(url.group(1) + "/file?inline=1")
        .headers["content-disposition"]
        .startswith("attachment;")
    )  # only images are ever shown inline
    tampered = url.group(1)[:-3] + ("AAA" if not url.group(1).endswith("AAA") else "BBB")
    assert client.get(tampered + "/file").status_code == 404
    clock.at += dt.timedelta(days=8)
    assert client.get(url.group(1) + "/file").status_code == 404  # expired


def test_wechat_file_outside_the_window_waits_and_goes_first(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi, rules: WeChatRules, clock: FixedClock
) -> None:
    client, runtime = wx
    user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
    token = _staff(client, runtime)
    before = len(received(rules))
    clock.at += dt.timedelta(hours=49)
    page = _upload(client, token, "样例.png", PNG)
    assert "用户48小时内未发消息" in page  # told at once, as for a text
    run_worker(client)
    [row] = _file_rows(runtime, "wechat")
    assert row.status == "waiting" and len(received(rules)) == before and not api.uploads
    assert "等待用户发消息后送达" in client.get(f"/staff/tickets/{NUMBER}").text
    assert user_says(client, clock, rules, "在吗", 2) == "success"  # nothing overtakes it
    run_worker(client)
    got = received(rules)[before:]
    assert got[0] == "[image] image.png" and len(got) == len(set(got))
    [row] = _file_rows(runtime, "wechat")
    assert row.status == "sent"


def test_the_fake_refuses_what_wechat_refuses(
    settings: Settings, api: FakeWeChatApi, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """media/upload: a BMP is 40005, an image over the limit 40009, an unknown media id in an
    image message 40007: each a permanent failure for the outbox."""
    client = build_client(wechat_settings(settings, api), runtime.engine)
    for name, data in (("scan.bmp", b"BM" + b"\0" * 50), ("fake.png", b"MZ\x90" + b"\0" * 9)):
        with pytest.raises(Exception) as refused:
            client.media.upload("image", (name, data, "image/png"))
        failure = classify(refused.value)
        assert isinstance(failure, PermanentFailure) and "(40005)" in str(failure)
    limits = dict(wechat_fake.MEDIA_LIMITS)
    limits["image"] = (("png",), 100, 40009)
    monkeypatch.setattr(wechat_fake, "MEDIA_LIMITS", limits)
    with pytest.raises(Exception) as refused:
        client.media.upload("image", ("big.png", PNG, "image/png"))
    assert "(40009)" in str(classify(refused.value))
    with pytest.raises(Exception) as refused:
        client.message.send_image(OPENID, "MEDIA-unknown")
    assert "(40007)" in str(classify(refused.value))


def test_web_chat_shows_the_file_as_a_link_and_the_image_inline(
    settings: Settings, clock: FixedClock
) -> None:
    runtime = build_runtime(settings, clock=clock)
    try:
        with TestClient(create_app(settings, runtime=runtime)) as client:
            as_visitor(client, settings, "webuser-0007")
            reply = client.post("/api/chat", json={"text": "转人工，我的商标被抢注了"}).json()
            assert NUMBER in str(reply)
            cursor = client.get("/api/chat/history").json()["cursor"]
            token = _staff(client, runtime)
            _upload(client, token, "样例.png", PNG)
            _upload(client, token, "清单.pdf", PDF)
            as_visitor(client, settings, "webuser-0007")
            client.app.state.worker.run_once()  # type: ignore[attr-defined]
            lines = client.get("/api/chat/updates", params={"after": cursor}).json()
            texts = [line["text"] for line in lines if line["who"] == "staff"]
            assert texts[0].startswith("🖼 样例.png") and texts[1].startswith("📎 清单.pdf")
            links = [re.search(r"http://testserver(/m/\S+/file)", t) for t in texts]
            assert all(links)
            image = client.get(links[0].group(1) + "?inline=1")  # type: ignore[union-attr]
            assert image.content == PNG and image.headers["content-type"] == "image/png"
            assert image.headers["content-disposition"].startswith("inline;")
            assert image.headers["x-content-type-options"] == "nosniff"
            pdf = client.get(links[1].group(1))  # type: ignore[union-attr]
            assert pdf.content == PDF and "attachment" in pdf.headers["content-disposition"]
    finally:
        runtime.engine.dispose()


def test_sla_alert_says_the_reply_is_written_and_waits_for_the_user(
    settings: Settings, clock: FixedClock, api: FakeWeChatApi, rules: WeChatRules
) -> None:
    """A staff reply waiting for the WeChat user (window closed) is not "no reply": the first
    response is counted on delivery, and the alert and the ticket page say what is true."""
    with wechat_station(settings, clock, api, wecom_webhook_url=WECOM_URL) as (client, runtime):
        user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
        token = _staff(client, runtime)
        clock.at += dt.timedelta(hours=49)
        client.post(
            f"/staff/tickets/{NUMBER}/reply",
            data={"csrf_token": token, "text": "您好，请提供注册号。"},
        )
        run_worker(
            client
        )  # the sweep waits for the reply's first try, which finds the window closed
        with Session(runtime.engine) as session:
            ticket = get_ticket(session=session, number=NUMBER)
            assert ticket is not None and ticket.first_response_at is None  # not delivered
            assert ticket.sla_alerted_at is None
        clock.at += dt.timedelta(minutes=2)
        run_worker(client)  # the next sweep alerts, truthfully
        [alert] = [r for r in outbox_rows(runtime, "wecom") if r.payload["event"].startswith("sla")]
        text = alert.payload["text"]
        assert alert.payload["event"] == "sla_waiting"
        assert "工作人员已写好回复" in text and "Staff have written a reply" in text
        assert "仍无工作人员回复" not in text and "no reply from staff" not in text
        page = client.get(f"/staff/tickets/{NUMBER}").text
        assert "回复已写好，等待用户发消息后送达" in page and "超时 SLA breached" not in page
        user_says(client, clock, rules, "在吗", 2)
        run_worker(client)
        with Session(runtime.engine) as session:
            ticket = get_ticket(session=session, number=NUMBER)
            assert ticket is not None and ticket.first_response_at == clock.now()
        assert "回复已写好" not in client.get(f"/staff/tickets/{NUMBER}").text


def test_sla_alert_without_any_reply_still_says_so(
    settings: Settings, clock: FixedClock, api: FakeWeChatApi, rules: WeChatRules
) -> None:
    with wechat_station(settings, clock, api, wecom_webhook_url=WECOM_URL) as (client, runtime):
        user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
        clock.at += dt.timedelta(hours=49)
        with Session(runtime.engine) as session:
            ticket = get_ticket(session=session, number=NUMBER)
            assert ticket is not None
            helpdesk.alert_sla_breach(
                session=session, settings=runtime.settings, ticket=ticket, now=clock.now()
            )
            session.commit()
        [alert] = [r for r in outbox_rows(runtime, "wecom") if r.payload["event"].startswith("sla")]
        assert (
            alert.payload["event"] == "sla_breach" and "仍无工作人员回复" in alert.payload["text"]
        )


def test_wechat_file_outside_the_window_goes_as_a_consented_notice_to_its_page(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi, rules: WeChatRules, clock: FixedClock
) -> None:
    """With the user's own consent to the staff-reply template, a file outside the window is a
    notice whose link opens the file's download page (nothing is uploaded to WeChat)."""
    client, runtime = wx
    user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
    popup = fixture("event_subscribe_msg_popup.xml").replace(
        "tmpl-booking-reminder", "tmpl-staff-reply"
    )
    Wire(client).post(popup)
    rules.user_accepted(OPENID, "tmpl-staff-reply")
    token = _staff(client, runtime)
    clock.at += dt.timedelta(hours=50)
    _upload(client, token, "样例.png", PNG)
    run_worker(client)
    notice = received(rules)[-1]
    assert notice.startswith("[notice] 🖼 样例.png") and not api.uploads
    link = notice.split()[-1].removeprefix("https://tmbot.example.cn")
    page = client.get(link)
    assert page.status_code == 200 and "样例.png" in page.text and f"{link}/file" in page.text
    assert client.get(f"{link}/file?inline=1").content == PNG
    [row] = _file_rows(runtime, "wechat")
    assert (row.status, row.sent_via) == ("sent", "notice")


def test_an_image_wechat_refuses_fails_and_gives_its_window_slot_back(
    wx: tuple[TestClient, Runtime],
    api: FakeWeChatApi,
    rules: WeChatRules,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, runtime = wx
    user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
    token = _staff(client, runtime)
    limits = dict(wechat_fake.MEDIA_LIMITS)
    limits["image"] = (("png",), 100, 40009)  # WeChat stricter than tmbot's own cap
    monkeypatch.setattr(wechat_fake, "MEDIA_LIMITS", limits)
    _upload(client, token, "样例.png", PNG)
    run_worker(client)
    [row] = _file_rows(runtime, "wechat")
    assert row.status == "failed" and "(40009)" in (row.last_error or "")
    assert "发送失败" in client.get(f"/staff/tickets/{NUMBER}").text
    for i in range(5):  # all five messages of the window are still there
        client.post(
            f"/staff/tickets/{NUMBER}/reply", data={"csrf_token": token, "text": f"第{i}条"}
        )
    run_worker(client)
    assert received(rules)[-5:] == [f"【工作人员】第{i}条" for i in range(5)]


def test_without_a_public_url_a_wechat_file_is_refused_at_upload_not_lost_in_the_outbox(
    settings: Settings, clock: FixedClock, api: FakeWeChatApi, rules: WeChatRules
) -> None:
    """An Official Account can send a PDF only as a link, which needs TMBOT_PUBLIC_URL: staff
    learn it on the ticket page and when they upload, and nothing is queued to fail later; an
    image still goes."""
    with wechat_station(settings.model_copy(update={"public_url": ""}), clock, api) as (
        client,
        runtime,
    ):
        user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
        token = _staff(client, runtime)
        page = client.get(f"/staff/tickets/{NUMBER}").text
        assert "未设置 TMBOT_PUBLIC_URL，目前只能给微信用户发送图片" in page
        answer = _upload(client, token, "驳回通知书.pdf", PDF, text="请看通知书。")
        assert "文件未发送 / File not sent" in answer and "TMBOT_PUBLIC_URL" in answer
        assert _file_rows(runtime, "wechat") == []
        assert "请看通知书。" not in "".join(received(rules))  # the caption did not go alone
        _upload(client, token, "样例.png", PNG)
        run_worker(client)
        assert received(rules)[-1] == "[image] image.png"


def test_without_a_public_url_a_file_from_the_telegram_staff_group_is_refused_with_the_reason(
    settings: Settings, clock: FixedClock, api: FakeWeChatApi, rules: WeChatRules
) -> None:
    from bot.handoff.outfiles import check_file
    from handlers.telegram.staff import act

    with wechat_station(settings.model_copy(update={"public_url": ""}), clock, api) as (
        client,
        runtime,
    ):
        user_says(client, clock, rules, "转人工，我的商标被抢注了", 1)
        pdf = check_file("驳回通知书.pdf", PDF, 10 * 1024 * 1024)
        answer = act(runtime, "u-41", NUMBER, "wang", "请看通知书。", (pdf, "BQACAgDocPdf"))
        assert answer is not None and answer.startswith("⚠️ 文件未发送 / File not sent")
        assert "TMBOT_PUBLIC_URL" in answer and _file_rows(runtime, "wechat") == []
        png = check_file("样例.png", PNG, 10 * 1024 * 1024)
        answer = act(runtime, "u-42", NUMBER, "wang", "", (png, "AgACAgStaffPhoto"))
        assert answer is not None and "已排队" in answer
        assert len(_file_rows(runtime, "wechat")) == 1
