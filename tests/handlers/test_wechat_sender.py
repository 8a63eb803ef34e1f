"""WeChatSender against a fake WeChat API: the shared access token, the customer-service window,
the subscription-notice fallback, error mapping, and the outbox worker around it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.delivery.worker import OutboxWorker, PermanentFailure, TemporaryFailure, WaitForUser
from handlers.wechat.client import StationClient
from handlers.wechat.sender import WeChatSender
from storage.db import session_scope
from storage.models import utcnow
from storage.outbox import OutboxMessage, enqueue
from storage.wechat import (
    WechatDelivery,
    WechatUser,
    record_interaction,
    record_subscribe_consent,
    record_subscription,
)
from storage.wechat_session import WechatKv, kv_set
from tests.support.wechat import APPID, OPENID, FakeWeChatApi
from tests.support.wechat_app import running_api, wechat_settings

TEMPLATE = "tmpl-booking-reminder"


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    with running_api() as api:
        yield api


def _sender(
    runtime: Runtime, api: FakeWeChatApi, clock: FixedClock, template: str = ""
) -> WeChatSender:
    settings = wechat_settings(runtime.settings, api, wechat_subscribe_template=template)
    return WeChatSender(settings, runtime.engine, clock=clock)


def _seen(runtime: Runtime, kind: str, at: dt.datetime, openid: str = OPENID) -> None:
    with session_scope(runtime.engine) as session:
        record_interaction(session=session, openid=openid, kind=kind, at=at)  # type: ignore[arg-type]


def _consent(runtime: Runtime, times: int = 1) -> None:
    with session_scope(runtime.engine) as session:
        record_subscribe_consent(session=session, openid=OPENID, template_id=TEMPLATE, times=times)


def test_token_is_fetched_once_and_shared_by_workers(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    _seen(runtime, "message", clock.now())
    _sender(runtime, wechat_api, clock).send(OPENID, {"text": "您好"})
    _sender(runtime, wechat_api, clock).send(OPENID, {"text": "第二条"})  # another worker
    assert wechat_api.tokens_issued == 1
    assert wechat_api.calls[0][1] == {
        "grant_type": "client_credential",
        "appid": APPID,
        "secret": "test-app-secret",
    }
    sends = [c for c in wechat_api.calls if c[0] == "/cgi-bin/message/custom/send"]
    assert [c[1]["access_token"] for c in sends] == ["TOKEN-1", "TOKEN-1"]
    assert [c[2]["text"]["content"] for c in sends] == ["您好", "第二条"]
    with Session(runtime.engine) as session:
        row = session.get(WechatKv, f"{APPID}_access_token")
    assert row is not None and row.value == "TOKEN-1" and row.expires_at is not None
    assert dt.timedelta(minutes=119) < row.expires_at - utcnow() <= dt.timedelta(hours=2)


def test_token_is_refreshed_before_it_expires(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    _seen(runtime, "message", clock.now())
    wechat_api.tokens_issued = 6
    kv_set(runtime.engine, f"{APPID}_access_token", "TOKEN-6", utcnow() + dt.timedelta(minutes=4))
    _sender(runtime, wechat_api, clock).send(OPENID, {"text": "hi"})
    assert wechat_api.paths() == ["/cgi-bin/token", "/cgi-bin/message/custom/send"]
    assert wechat_api.calls[1][1]["access_token"] == "TOKEN-7"


def test_one_refresh_at_a_time(runtime: Runtime, wechat_api: FakeWeChatApi) -> None:
    wechat_api.on_call = lambda path: time.sleep(0.3) if path == "/cgi-bin/token" else None
    tokens: list[str] = []

    def worker() -> None:
        client = StationClient(APPID, "s", engine=runtime.engine, api_base=wechat_api.url)
        tokens.append(client.access_token)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert tokens == ["TOKEN-1"] * 6 and wechat_api.tokens_issued == 1


def test_token_invalidated_elsewhere_is_refetched_and_the_send_retried(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    _seen(runtime, "message", clock.now())
    kv_set(runtime.engine, f"{APPID}_access_token", "TOKEN-OLD", utcnow() + dt.timedelta(hours=1))
    _sender(runtime, wechat_api, clock).send(OPENID, {"text": "hi"})
    assert [(p, q.get("access_token")) for p, q, _ in wechat_api.calls] == [
        ("/cgi-bin/message/custom/send", "TOKEN-OLD"),
        ("/cgi-bin/token", None),
        ("/cgi-bin/message/custom/send", "TOKEN-1"),
    ]


def test_five_messages_after_a_user_message_then_the_window_is_spent(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    _seen(runtime, "message", clock.now() - dt.timedelta(hours=47))
    sender = _sender(runtime, wechat_api, clock, template=TEMPLATE)
    for i in range(5):
        sender.send(OPENID, {"text": f"第{i}条"})
    with pytest.raises(WaitForUser, match=r"5 messages .*; waiting for the user's next message"):
        sender.send(OPENID, {"text": "第6条"})
    assert len(wechat_api.sent()) == 5
    _seen(runtime, "message", clock.now())  # the user writes again: a fresh window
    sender.send(OPENID, {"text": "again"})
    assert len(wechat_api.sent()) == 6


def test_three_messages_within_a_minute_of_a_menu_click(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    _seen(runtime, "event", clock.now() - dt.timedelta(seconds=30))
    sender = _sender(runtime, wechat_api, clock)
    for _ in range(3):
        sender.send(OPENID, {"text": "ok"})
    with pytest.raises(WaitForUser, match="1 minute"):
        sender.send(OPENID, {"text": "4th"})
    late = FixedClock(clock.now() + dt.timedelta(minutes=2))
    _seen(runtime, "event", clock.now())
    with pytest.raises(WaitForUser):
        _sender(runtime, wechat_api, late).send(OPENID, {"text": "too late"})
    assert len(wechat_api.sent()) == 3


def test_outside_the_window_a_subscription_notice_goes_where_consented(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    _seen(runtime, "message", clock.now() - dt.timedelta(hours=49))
    sender = _sender(runtime, wechat_api, clock, template=TEMPLATE)
    remind = {"kind": "booking_reminder"}
    with pytest.raises(WaitForUser) as info:
        sender.send(OPENID, {"text": "您的预约明天10:00开始", **remind})
    assert str(info.value) == "WeChat 48-hour window passed; waiting for the user's next message"
    _consent(runtime)
    sender.send(OPENID, {"text": "您预约的专家咨询将于明天上午10:00开始，请准时参加", **remind})
    notice = wechat_api.sent("/cgi-bin/message/subscribe/bizsend")
    assert notice == [
        {
            "touser": OPENID,
            "template_id": TEMPLATE,
            "data": {"thing1": {"value": "您预约的专家咨询将于明天上午10:00…"}},  # 20 chars
        }
    ]
    assert wechat_api.sent() == []  # no customer-service message was tried
    with pytest.raises(WaitForUser):
        sender.send(OPENID, {"text": "一次同意只发一条", **remind})
    _consent(runtime)
    sender.send(
        OPENID,
        {"text": "x", "notice": {"thing2": "专家咨询", "time3": "2026-11-26 10:00"}, **remind},
    )
    assert wechat_api.sent("/cgi-bin/message/subscribe/bizsend")[-1]["data"] == {
        "thing2": {"value": "专家咨询"},
        "time3": {"value": "2026-11-26 10:00"},
    }


def test_a_user_who_never_wrote_is_waited_for(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    with pytest.raises(WaitForUser, match="never wrote"):
        _sender(runtime, wechat_api, clock).send(OPENID, {"text": "hi"})
    assert wechat_api.calls == []


def test_unfollowed_user(runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock) -> None:
    _seen(runtime, "message", clock.now())
    with session_scope(runtime.engine) as session:
        record_subscription(session=session, openid=OPENID, subscribed=False, at=clock.now())
    with pytest.raises(WaitForUser, match="unfollowed"):  # a re-follow would release it
        _sender(runtime, wechat_api, clock).send(OPENID, {"text": "hi"})


@pytest.mark.parametrize(
    ("code", "failure", "slot_returned"),
    [
        (-1, TemporaryFailure, True),  # system busy
        (45009, TemporaryFailure, True),  # rate limit
        (45015, WaitForUser, False),  # window closed on WeChat's side: wait for the user
        (45047, WaitForUser, False),  # out of response count
        (40003, PermanentFailure, False),  # not our user
    ],
)
def test_api_errors(
    runtime: Runtime,
    wechat_api: FakeWeChatApi,
    clock: FixedClock,
    code: int,
    failure: type[Exception],
    slot_returned: bool,
) -> None:
    _seen(runtime, "message", clock.now())
    wechat_api.errors["/cgi-bin/message/custom/send"] = [code]
    with pytest.raises(failure, match=str(code)):
        _sender(runtime, wechat_api, clock).send(OPENID, {"text": "hi"})
    with Session(runtime.engine) as session:
        user = session.get(WechatUser, OPENID)
    assert user is not None and user.message_sent == (0 if slot_returned else 1)


def test_unreachable_api_is_temporary(runtime: Runtime, clock: FixedClock) -> None:
    _seen(runtime, "message", clock.now())
    dead = FakeWeChatApi().start()
    dead.stop()  # nothing listens on its port any more
    with pytest.raises(TemporaryFailure, match="unreachable"):
        _sender(runtime, dead, clock).send(OPENID, {"text": "hi"})


def test_outbox_rows_show_staff_why_a_message_was_not_delivered(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    _seen(runtime, "message", clock.now())
    _seen(
        runtime,
        "message",
        clock.now() - dt.timedelta(days=3),
        openid="o_quiet_user_000000000000000",
    )
    with session_scope(runtime.engine) as session:
        for openid in (OPENID, "o_quiet_user_000000000000000"):
            enqueue(
                session=session, sender="wechat", recipient=openid, payload={"text": "工作人员回复"}
            )
    worker = OutboxWorker(runtime.engine, {"wechat": _sender(runtime, wechat_api, clock)})
    assert worker.run_once() == 2
    with Session(runtime.engine) as session:
        rows = {r.recipient: r for r in session.exec(OutboxMessage.__table__.select())}  # type: ignore[attr-defined]
    assert rows[OPENID].status == "sent"
    quiet = rows["o_quiet_user_000000000000000"]
    assert quiet.status == "waiting"
    assert quiet.last_error.startswith("WeChat 48-hour window passed")


def test_a_deferred_answer_that_never_came_is_reported(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    with session_scope(runtime.engine) as session:
        session.add(WechatDelivery(delivery_id="42", openid=OPENID, status="deferred"))
    sender = _sender(runtime, wechat_api, clock)
    with pytest.raises(TemporaryFailure, match="still being prepared"):
        sender.send(OPENID, {"deferred": "42"})
    later = FixedClock(utcnow() + dt.timedelta(minutes=3))
    with pytest.raises(PermanentFailure, match="send the question again"):
        _sender(runtime, wechat_api, later).send(OPENID, {"deferred": "42"})


def test_a_reminder_past_its_consultation_is_dropped(
    runtime: Runtime, wechat_api: FakeWeChatApi, clock: FixedClock
) -> None:
    _seen(runtime, "message", clock.now())
    past = (clock.now() - dt.timedelta(minutes=5)).isoformat()
    payload = {"text": "1小时后开始", "kind": "booking_reminder", "slot_start": past}
    with pytest.raises(PermanentFailure, match="already started"):
        _sender(runtime, wechat_api, clock).send(OPENID, payload)
    assert wechat_api.sent() == []
