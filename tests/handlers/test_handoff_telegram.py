"""Handoff on Telegram end to end: real update JSON in, PTB's real HTTP out to a fake Bot API.

A private user escalates, the staff group is notified (with a claim button), a staff member
claims and answers by replying to the notification, the user receives it; console replies and
failed deliveries (user blocked the bot) show up on the ticket page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from tests.support.accounts import login, make_account
from tests.support.handoff import tickets
from tests.support.telegram_api import BOT_USER, FakeBotApi
from tests.support.telegram_updates import (
    STAFF_CHAT,
    post_update,
    telegram_settings,
    update,
)
from webhook import create_app

LI = 5550001


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


def _sent_to(fake: FakeBotApi, chat: int) -> list[dict[str, Any]]:
    return [p for p in fake.calls_to("sendMessage") if p["chat_id"] == str(chat)]


def _buttons(call: dict[str, Any]) -> list[tuple[str, str]]:
    rows = call.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def _staff_says(client: TestClient, update_id: int, text: str, notice: dict[str, Any]) -> None:
    """A staff member replies, in the group, to the bot's notification message."""
    replied = {
        "message_id": 9001,
        "from": BOT_USER,
        "chat": {"id": STAFF_CHAT, "title": "指导站工作人员", "type": "supergroup"},
        "date": 1795572000,
        "text": notice["text"],
    }
    data = update("staff_message", update_id=update_id, text=text, reply_to_message=replied)
    assert post_update(client, data).status_code == 200


def _escalate(client: TestClient, app: FastAPI, fake: FakeBotApi) -> dict[str, Any]:
    post_update(client, update("text_zh", update_id=1, text="转人工，我的商标被经销商抢注了"))
    assert "工单号 T-2026-000001" in _sent_to(fake, LI)[-1]["text"]
    app.state.worker.run_once()
    [notice] = _sent_to(fake, STAFF_CHAT)
    return notice


def test_staff_group_claims_and_replies_by_replying(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    notice = _escalate(client, app, fake_api)
    assert "新工单" in notice["text"] and "我的商标被经销商抢注了" in notice["text"]
    sender = update("text_zh")["message"]["from"]  # staff see who it is, not only an id
    assert sender["first_name"] in notice["text"] and "lang " in notice["text"]
    if sender.get("username"):
        assert "@" + sender["username"] in notice["text"]
    [(label, data)] = _buttons(notice)
    assert label == "认领 Claim"

    press = update("callback_faq", update_id=2)
    press["callback_query"]["data"] = data
    press["callback_query"]["from"] = {
        "id": 5559999,
        "is_bot": False,
        "first_name": "王",
        "username": "wang_tm",
    }
    press["callback_query"]["message"].update(
        chat={"id": STAFF_CHAT, "title": "指导站工作人员", "type": "supergroup"},
        text=notice["text"],
        reply_markup=notice["reply_markup"],
    )
    assert post_update(client, press).status_code == 200
    assert "已由 tg:wang_tm 认领" in _sent_to(fake_api, STAFF_CHAT)[-1]["text"]
    assert tickets(rt)[0].claimed_by == "tg:wang_tm"

    _staff_says(client, 3, "您好，请把注册证照片发给我。", notice)
    queued = _sent_to(fake_api, STAFF_CHAT)[-1]["text"]
    assert "已排队" in queued and "T-2026-000001" in queued and "已送达" not in queued
    _staff_says(client, 3, "您好，请把注册证照片发给我。", notice)  # a retry: no second relay
    app.state.worker.run_once()
    to_user = [p["text"] for p in _sent_to(fake_api, LI)]
    assert to_user.count("【工作人员】您好，请把注册证照片发给我。") == 1
    delivered = _sent_to(fake_api, STAFF_CHAT)[-1]["text"]  # "sent" only once it was
    assert "已送达 / delivered: T-2026-000001" in delivered and "Li Wei" in delivered
    assert "5550001" not in delivered  # the ticket's alias, never the chat id

    # The user answers; the staff group hears of it (the bot stays quiet after one notice).
    post_update(client, update("text_zh", update_id=4, text="好的，马上发"))
    app.state.worker.run_once()
    assert "好的，马上发" in _sent_to(fake_api, STAFF_CHAT)[-1]["text"]
    assert "工作人员会在这里回复您" in _sent_to(fake_api, LI)[-1]["text"]

    _staff_says(client, 5, "/resolve 已指导提交异议申请", notice)
    app.state.worker.run_once()
    last = _sent_to(fake_api, LI)[-1]
    assert "已指导提交异议申请" in last["text"] and "打分" in last["text"]
    assert [label for label, _ in _buttons(last)] == ["1", "2", "3", "4", "5"]
    rate = update("callback_faq", update_id=6)
    rate["callback_query"]["data"] = _buttons(last)[4][1]
    post_update(client, rate)
    assert tickets(rt)[0].rating == 5 and tickets(rt)[0].status == "closed"


def test_staff_can_name_the_ticket_in_a_command_instead_of_replying(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    _escalate(client, app, fake_api)
    post_update(
        client,
        update("staff_message", update_id=7, text="/reply T-2026-000001 您好，续展材料已收到。"),
    )
    app.state.worker.run_once()
    assert _sent_to(fake_api, LI)[-1]["text"] == "【工作人员】您好，续展材料已收到。"
    post_update(client, update("staff_message", update_id=8, text="/reply T-2026-999999 hello"))
    assert "找不到工单" in _sent_to(fake_api, STAFF_CHAT)[-1]["text"]
    chatter = len(fake_api.calls_to("sendMessage"))
    post_update(client, update("staff_message", update_id=9, text="午饭吃什么？"))
    post_update(
        client, update("staff_message", update_id=10, text="T-2026-000001 那位客户好像很急")
    )
    assert len(fake_api.calls_to("sendMessage")) == chatter  # not routed: staff talking
    assert len(_sent_to(fake_api, LI)) == 2  # the ticket reply and the staff answer only


def test_a_number_in_the_text_never_reroutes_a_reply(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    """Finding 6: the message replied to decides, a ticket number in the text does not."""
    first = _escalate(client, app, fake_api)
    other = 5550002
    second = update("text_zh", update_id=20, text="转人工，另一个问题")
    second["message"]["from"] = {**second["message"]["from"], "id": other}
    second["message"]["chat"] = {**second["message"]["chat"], "id": other}
    post_update(client, second)
    app.state.worker.run_once()
    text = "您好，和 T-2026-000002 那位客户类似，请提供注册号。"
    _staff_says(client, 21, text, first)
    app.state.worker.run_once()
    assert _sent_to(fake_api, LI)[-1]["text"] == f"【工作人员】{text}"  # intact, to ticket 1
    assert not any("那位客户类似" in p["text"] for p in _sent_to(fake_api, other))


def test_unroutable_staff_messages_are_explained(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    """Finding 7: a bare /claim and /help get an explanation; replying to the bot's
    confirmation (which names the ticket) routes like replying to the notification."""
    notice = _escalate(client, app, fake_api)
    for update_id, text in ((30, "/claim"), (31, "/help")):
        post_update(client, update("staff_message", update_id=update_id, text=text))
        assert "/reply T-YYYY-NNNNNN" in _sent_to(fake_api, STAFF_CHAT)[-1]["text"]
    _staff_says(client, 32, "第一条回复", notice)
    confirmation = _sent_to(fake_api, STAFF_CHAT)[-1]
    _staff_says(client, 33, "第二条回复", confirmation)
    app.state.worker.run_once()
    to_user = [p["text"] for p in _sent_to(fake_api, LI)]
    assert to_user[-2:] == ["【工作人员】第一条回复", "【工作人员】第二条回复"]


def test_console_reply_reaches_telegram_and_a_blocked_user_is_shown(
    client: TestClient, app: FastAPI, rt: Runtime, fake_api: FakeBotApi
) -> None:
    _escalate(client, app, fake_api)
    make_account(rt, "wang", role="staff")
    token = login(client, "wang")
    client.post("/staff/tickets/T-2026-000001/reply", data={"csrf_token": token, "text": "您好！"})
    app.state.worker.run_once()
    assert _sent_to(fake_api, LI)[-1]["text"] == "【工作人员】您好！"

    fake_api.blocked()
    client.post("/staff/tickets/T-2026-000001/reply", data={"csrf_token": token, "text": "在吗？"})
    app.state.worker.run_once()
    page = client.get("/staff/tickets/T-2026-000001").text
    assert "失败 failed" in page and "blocked by the user" in page
