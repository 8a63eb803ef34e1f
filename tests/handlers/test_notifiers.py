"""Staff notifiers at their boundaries: WeCom over HTTP (MockTransport), e-mail over real SMTP."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from bot.delivery.worker import OutboxWorker, PermanentFailure, TemporaryFailure
from handlers.notify.notifiers import EmailSender, fit_bytes
from handlers.notify.senders import build_senders
from tests.support.dialog import say
from tests.support.handoff import WECOM_URL, outbox_rows, with_notifiers
from tests.support.smtp_sink import SmtpSink, free_port
from tests.support.wecom import FakeWeCom


def test_wecom_posts_a_text_message_to_the_robot(settings: Settings) -> None:
    fake = FakeWeCom()
    fake.sender(settings).send("group", {"text": "【新工单 New ticket】T-2026-000001"})
    [(url, body)] = fake.posts
    assert url == WECOM_URL
    assert body == {"msgtype": "text", "text": {"content": "【新工单 New ticket】T-2026-000001"}}


def test_wecom_text_is_cut_to_2048_bytes_on_a_character_boundary(settings: Settings) -> None:
    fake = FakeWeCom()
    fake.sender(settings).send("group", {"text": "商标" * 2000})
    content = fake.posts[0][1]["text"]["content"]  # type: ignore[index]
    assert len(content.encode("utf-8")) <= 2048 and content.endswith("…")
    assert fit_bytes("abc", 2048) == "abc"


@pytest.mark.parametrize(
    ("answer", "error", "retry_after"),
    [
        (httpx.Response(200, json={"errcode": 45009, "errmsg": "freq"}), TemporaryFailure, 60),
        (httpx.Response(503, text="busy"), TemporaryFailure, None),
        (httpx.ConnectError("refused"), TemporaryFailure, None),
        (httpx.ReadTimeout("slow"), TemporaryFailure, None),
        (httpx.Response(200, json={"errcode": 93000, "errmsg": "invalid"}), PermanentFailure, None),
    ],
)
def test_wecom_failures_are_classified(
    settings: Settings,
    answer: httpx.Response | Exception,
    error: type[Exception],
    retry_after: int | None,
) -> None:
    fake = FakeWeCom()
    fake.script.append(answer)
    with pytest.raises(error) as caught:
        fake.sender(settings).send("group", {"text": "hi"})
    assert "test-key-123" not in str(caught.value)  # the key never reaches logs or the console
    assert getattr(caught.value, "retry_after", None) == retry_after


def test_email_reaches_the_smtp_server(settings: Settings) -> None:
    with SmtpSink() as sink:
        sender = EmailSender(with_notifiers(settings, smtp_port=sink.port))
        sender.send("duty@station.example.cn", {"subject": "[tmbot] 新工单", "text": "问题：商标"})
    [msg] = sink.messages
    assert msg["To"] == "duty@station.example.cn" and msg["Subject"] == "[tmbot] 新工单"
    assert msg["From"] == "tmbot@station.example.cn"
    assert msg.get_content().strip() == "问题：商标"


def test_email_down_is_temporary_and_a_refused_address_permanent(settings: Settings) -> None:
    down = EmailSender(with_notifiers(settings, smtp_port=free_port()), timeout=2)
    with pytest.raises(TemporaryFailure, match="ConnectionRefused"):
        down.send("duty@station.example.cn", {"subject": "s", "text": "t"})
    with SmtpSink() as sink:
        sink.refuse.add("gone@station.example.cn")
        sender = EmailSender(with_notifiers(settings, smtp_port=sink.port))
        with pytest.raises(PermanentFailure, match="refused"):
            sender.send("gone@station.example.cn", {"subject": "s", "text": "t"})


def test_senders_are_registered_when_configured(runtime: Runtime, settings: Settings) -> None:
    assert {s.name for s in build_senders(settings, runtime.engine)} >= {"web"}
    names = {s.name for s in build_senders(with_notifiers(settings), runtime.engine)}
    assert {"wecom", "email"} <= names


def test_notifiers_down_then_up_deliver_each_notice_once(
    runtime: Runtime, settings: Settings
) -> None:
    """The WeCom robot answers 503 and the SMTP server is down; later both are back."""
    runtime.conversation.settings = with_notifiers(
        settings, smtp_port=free_port(), telegram_staff_chat=None
    )
    say(runtime.conversation, "转人工，我的商标被抢注了")
    wecom, port = FakeWeCom(), runtime.conversation.settings.smtp_port
    wecom.script = [httpx.Response(503), httpx.ConnectError("down")]
    clock = FixedClock(dt.datetime.now(dt.UTC))
    worker = OutboxWorker(
        runtime.engine,
        {
            "wecom": wecom.sender(settings),
            "email": EmailSender(runtime.conversation.settings, timeout=2),
        },
        clock=clock,
    )
    assert worker.run_once() == 3
    assert {r.status for r in outbox_rows(runtime)} == {"pending"}  # waiting, not lost
    assert all(r.last_error for r in outbox_rows(runtime))
    clock.at += dt.timedelta(seconds=6)
    worker.run_once()  # WeCom still down (connection refused), mail still down
    with SmtpSink(port) as sink:
        for _ in range(4):
            clock.at += dt.timedelta(minutes=5)
            worker.run_once()
    rows = outbox_rows(runtime)
    assert [r.status for r in rows] == ["sent", "sent", "sent"]
    assert len(wecom.posts) == 1 and len(sink.messages) == 2
    assert sorted(m["To"] for m in sink.messages) == [
        "duty@station.example.cn",
        "lead@station.example.cn",
    ]
