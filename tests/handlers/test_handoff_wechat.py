"""Handoff on WeChat end to end: signed XML in, a WeCom robot notified (MockTransport), a staff
reply from the console out through the real wechatpy client to a fake WeChat API, and the
48-hour window shown to staff when it has passed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from handlers.wechat.sender import WeChatSender
from tests.support.accounts import login, make_account
from tests.support.handoff import tickets, with_notifiers
from tests.support.wechat import OPENID, FakeWeChatApi, Wire, text_xml
from tests.support.wechat_app import app_client, running_api, wechat_settings
from tests.support.wecom import FakeWeCom


@pytest.fixture
def api() -> Iterator[FakeWeChatApi]:
    with running_api() as fake:
        yield fake


@pytest.fixture
def wecom() -> FakeWeCom:
    return FakeWeCom()


@pytest.fixture
def sender_clock(clock: FixedClock) -> FixedClock:
    """The WeChat sender's own clock (the window is counted from the user's last message)."""
    return FixedClock(clock.at)


@pytest.fixture
def wx(
    settings: Settings,
    clock: FixedClock,
    api: FakeWeChatApi,
    wecom: FakeWeCom,
    sender_clock: FixedClock,
) -> Iterator[tuple[TestClient, Runtime]]:
    configured = wechat_settings(
        with_notifiers(settings, smtp_host="", telegram_staff_chat=None), api
    )
    with app_client(configured, clock) as (client, runtime):
        worker = client.app.state.worker  # type: ignore[attr-defined]
        worker.register(wecom.sender(configured))
        worker.register(WeChatSender(configured, runtime.engine, clock=sender_clock))
        yield client, runtime


def _say(client: TestClient, text: str, msg_id: int) -> str:
    wire = Wire(client)
    return str(wire.reply(wire.post(text_xml(text, msg_id=msg_id))).get("Content", ""))


def test_wechat_user_to_staff_and_back(
    wx: tuple[TestClient, Runtime], api: FakeWeChatApi, wecom: FakeWeCom
) -> None:
    client, runtime = wx
    assert "工单号 T-2026-000001" in _say(client, "转人工，我的商标被经销商抢注了", 1)
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    assert "T-2026-000001" in wecom.texts()[0] and "wechat" in wecom.texts()[0]

    make_account(runtime, "wang", role="staff")
    token = login(client, "wang")
    client.post(
        "/staff/tickets/T-2026-000001/reply",
        data={"csrf_token": token, "text": "您好，请提供商标注册号。"},
    )
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    [sent] = api.sent()
    assert sent["touser"] == OPENID and sent["msgtype"] == "text"
    assert sent["text"]["content"] == "【工作人员】您好，请提供商标注册号。"

    _say(client, "注册号 12345678", 2)
    page = client.get("/staff/tickets/T-2026-000001").text
    assert "注册号 12345678" in page and "【工作人员】您好" in page
    assert tickets(runtime)[0].status == "claimed"


def test_a_reply_after_the_48_hour_window_waits_and_goes_first_when_the_user_writes(
    wx: tuple[TestClient, Runtime],
    api: FakeWeChatApi,
    clock: FixedClock,
    sender_clock: FixedClock,
    wecom: FakeWeCom,
) -> None:
    client, runtime = wx
    _say(client, "转人工，我的商标被经销商抢注了", 1)
    make_account(runtime, "wang", role="staff")
    token = login(client, "wang")
    clock.at += dt.timedelta(hours=49)
    sender_clock.at = clock.at
    page = client.post(
        "/staff/tickets/T-2026-000001/reply",
        data={"csrf_token": token, "text": "您好，请提供注册号"},
        follow_redirects=True,
    ).text
    assert "用户48小时内未发消息，回复将在用户下次发消息时送达" in page  # told at once
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    assert api.sent() == []
    page = client.get("/staff/tickets/T-2026-000001").text
    assert "等待用户发消息后送达" in page and "48-hour window passed" in page
    assert "发送失败" not in page
    assert "等待用户发消息后送达" in client.get("/staff/tickets").text  # the queue says so too
    assert tickets(runtime)[0].first_response_at is None  # queued is not answered
    assert any("用户48小时内未发消息" in t for t in wecom.texts())  # the staff group heard

    # The user writes again: the waiting reply goes out first, then the answer to this message.
    wire = Wire(client, timestamp=int(clock.at.timestamp()))
    resp = wire.post(text_xml("注册号 12345678", msg_id=2, at=wire.timestamp))
    assert resp.text == "success"  # no passive reply: it would overtake the waiting one
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    texts = [m["text"]["content"] for m in api.sent()]
    assert texts[0] == "【工作人员】您好，请提供注册号"
    assert len(texts) == len(set(texts))
    ticket = tickets(runtime)[0]
    assert ticket.first_response_at == clock.at
    assert "已送达" in client.get("/staff/tickets/T-2026-000001").text
