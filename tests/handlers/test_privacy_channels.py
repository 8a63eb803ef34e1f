"""Notice, consent, "my data" and deletion through the real WeChat and Telegram adapters.

WeChat: signed XML in, passive replies out (choices as a numbered list). Telegram: updates to the
webhook, the Bot API faked at the HTTP boundary; "my data" arrives as a JSON file there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from storage.bookings import Booking
from storage.privacy import ConsentRecord
from tests.handlers.test_telegram_booking import LI, TelegramUser, _book
from tests.support.privacy import text_hits, user_rows
from tests.support.telegram_api import FakeBotApi
from tests.support.telegram_updates import telegram_settings
from tests.support.wechat import OPENID, Wire, event_xml, text_xml
from tests.support.wechat_app import app_client, running_api, wechat_settings


@pytest.fixture
def wx(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, Runtime]]:
    with running_api() as api, app_client(wechat_settings(settings, api), clock) as pair:
        yield pair


def _wx(client: TestClient, xml: str) -> str:
    wire = Wire(client)
    return str(wire.reply(wire.post(xml)).get("Content", ""))


def test_wechat_notice_consent_my_data_and_deletion(wx: tuple[TestClient, Runtime]) -> None:
    client, runtime = wx
    assert "回复“隐私”查看" in _wx(client, event_xml("subscribe"))
    assert "个人信息保护说明" in _wx(client, text_xml("隐私", msg_id=1))
    _wx(client, text_xml("人工", msg_id=2))
    _wx(client, text_xml("商标被抢注了", msg_id=3))
    assert "138****5678" in _wx(client, text_xml("电话 138 1234 5678", msg_id=4))
    _wx(client, text_xml("同意", msg_id=5))
    _wx(client, text_xml("结束", msg_id=6))
    with Session(runtime.engine) as session:
        [consent] = session.exec(select(ConsentRecord))
    assert (consent.channel, consent.user_ref, consent.purpose) == ("wechat", OPENID, "contact")
    mine = _wx(client, text_xml("我的数据", msg_id=7))
    assert "转人工工单 1 个" in mine and "有效的同意 1 项" in mine and "http" not in mine
    ask = _wx(client, text_xml("删除我的数据", msg_id=8))
    assert "1. 确认删除" in ask  # WeChat has no buttons: a numbered list
    assert "已删除您的数据" in _wx(client, text_xml("1", msg_id=9))
    assert text_hits(runtime.engine, ("13812345678", "1234 5678")) == []
    assert user_rows(runtime.engine, OPENID) == []


@pytest.fixture
def tg(
    settings: Settings, clock: FixedClock, fake_api: FakeBotApi
) -> Iterator[tuple[TestClient, Runtime]]:
    configured = telegram_settings(settings, fake_api, public_url="https://bot.example.com")
    with app_client(configured, clock) as pair:
        yield pair


def test_telegram_consent_my_data_file_and_deletion(
    tg: tuple[TestClient, Runtime], fake_api: FakeBotApi
) -> None:
    client, runtime = tg
    li = TelegramUser(client, fake_api, "book_private", 810000001)
    li.type("/start")
    assert "回复“隐私”查看" in fake_api.sent_texts()[-1]
    li.type("隐私")
    assert "https://bot.example.com/privacy" in fake_api.sent_texts()[-1]
    _book(li)
    with Session(runtime.engine) as session:
        consents = list(session.exec(select(ConsentRecord)))
    assert sorted((c.channel, c.purpose) for c in consents) == [
        ("telegram", "booking_phone"),
        ("telegram", "reminders"),
    ]
    fake_api.clear()
    li.type("我的数据")
    assert "专家预约 1 个" in fake_api.sent_texts()[-1]
    [(_chat, upload, caption)] = fake_api.sent_documents()
    assert upload.filename == "my-data.json" and caption == "您的数据（JSON）"
    assert json.loads(upload.content)["tables"]["booking"][0]["phone"] == "13812345678"
    li.type("删除我的数据")
    li.press("privacy:erase:yes")
    assert "已删除您的数据" in fake_api.sent_texts()[-1]
    assert text_hits(runtime.engine, ("13812345678", "李伟")) == []
    assert user_rows(runtime.engine, str(LI)) == []
    with Session(runtime.engine) as session:
        [booking] = session.exec(select(Booking))
    assert booking.status == "active" and booking.phone == "138****5678"
