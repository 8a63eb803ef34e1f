"""A WeChat user's mark, end to end: consent in the chat, then the reminder outside the 48-hour
window goes as a subscription notice through the fake WeChat API; without consent, nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.delivery.worker import OutboxWorker
from bot.marks.remind import run_reminders
from handlers.wechat.sender import WeChatSender
from storage.wechat import record_subscribe_consent
from tests.support.dialog import say
from tests.support.wechat import OPENID, FakeWeChatApi
from tests.support.wechat_app import running_api, wechat_settings

TEMPLATE = "tmpl-renewal"


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    with running_api() as api:
        yield api


def _add_mark(runtime: Runtime, consent: str) -> None:
    conv = runtime.conversation
    say(conv, "添加商标\n12345678 华星 9;35 到期 2027-01-20", channel="wechat", user=OPENID)
    say(conv, "确认", channel="wechat", user=OPENID)
    say(conv, consent, channel="wechat", user=OPENID)


def _deliver(runtime: Runtime, api: FakeWeChatApi, clock: FixedClock) -> OutboxWorker:
    settings = wechat_settings(runtime.settings, api, wechat_subscribe_template=TEMPLATE)
    sender = WeChatSender(settings, runtime.engine, clock=clock)
    worker = OutboxWorker(runtime.engine, {"wechat": sender}, clock=clock)
    run_reminders(runtime.engine, runtime.settings, clock.now())
    worker.run_once()
    return worker


def test_reminder_as_a_subscription_notice_with_consent(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    runtime.settings.wechat_subscribe_template = TEMPLATE
    _add_mark(runtime, "同意提醒")
    # What WeChat's subscribe_msg_popup_event records when the user taps 允许 (Allow).
    with Session(runtime.engine) as session:
        record_subscribe_consent(session=session, openid=OPENID, template_id=TEMPLATE, times=3)
        session.commit()
    clock.at += dt.timedelta(days=3)  # 2026-11-28 is a Saturday: wait for Monday 09:00
    _deliver(runtime, wechat_api, clock)
    assert wechat_api.sent("/cgi-bin/message/subscribe/bizsend") == []
    clock.at = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 at the station
    _deliver(runtime, wechat_api, clock)
    [notice] = wechat_api.sent("/cgi-bin/message/subscribe/bizsend")
    assert notice["template_id"] == TEMPLATE
    assert notice["data"] == {"thing1": {"value": "商标12345678续展截止1月20日"}}
    assert wechat_api.sent() == []  # the 48-hour window had closed: no customer-service message


def test_no_reminder_without_consent(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    runtime.settings.wechat_subscribe_template = TEMPLATE
    _add_mark(runtime, "不用提醒")
    clock.at = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    assert run_reminders(runtime.engine, runtime.settings, clock.now()) == []
    _deliver(runtime, wechat_api, clock)
    assert wechat_api.calls == []
