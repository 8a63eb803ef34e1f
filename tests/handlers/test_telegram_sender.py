"""TelegramSender through the outbox worker against the fake Bot API: pacing, 429, 403, 400,
and files (sendDocument) under the same rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session

from bot.core.messages import Choice, Reply
from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from bot.delivery.worker import OutboxWorker, PermanentFailure, TemporaryFailure
from handlers.notify.senders import build_senders
from handlers.telegram.render import MAX_CALLBACK_BYTES, render, resolve_callback, split_text
from handlers.telegram.sender import RateLimiter, TelegramSender, document_payload
from storage.outbox import OutboxMessage, enqueue
from tests.support.telegram_api import FakeBotApi, Upload
from tests.support.telegram_updates import telegram_settings

CHAT = "5550001"


@pytest.fixture
def settings(settings: Settings, fake_api: FakeBotApi) -> Settings:
    return telegram_settings(settings, fake_api)


@pytest.fixture
def worker(runtime: Runtime, clock: FixedClock) -> OutboxWorker:
    senders = {s.name: s for s in build_senders(runtime.settings, runtime.engine)}
    assert isinstance(senders["telegram"], TelegramSender)
    return OutboxWorker(runtime.engine, senders, clock)


def _queue(runtime: Runtime, clock: FixedClock, **payload: Any) -> int:
    with Session(runtime.engine) as session:
        row = enqueue(
            session=session,
            sender="telegram",
            recipient=CHAT,
            payload={"text": "您的工单 T-0001 有新回复：续展材料已收到。", **payload},
            not_before=clock.now(),
        )
        session.commit()
        assert row.id is not None
        return row.id


def _row(runtime: Runtime, row_id: int) -> OutboxMessage:
    with Session(runtime.engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def test_outbox_row_is_delivered_with_keyboard(
    runtime: Runtime, worker: OutboxWorker, clock: FixedClock, fake_api: FakeBotApi
) -> None:
    row_id = _queue(runtime, clock, choices=[{"label": "有用", "payload": "feedback:up"}])
    assert worker.run_once() == 1
    (sent,) = fake_api.calls_to("sendMessage")
    assert sent["chat_id"] == CHAT and "T-0001" in sent["text"]
    assert sent["reply_markup"] == {
        "inline_keyboard": [[{"text": "1. 有用", "callback_data": "feedback:up"}]]
    }
    assert _row(runtime, row_id).status == "sent"


def test_short_flood_wait_is_retried_in_process(
    runtime: Runtime, worker: OutboxWorker, clock: FixedClock, fake_api: FakeBotApi
) -> None:
    fake_api.flood(1)
    row_id = _queue(runtime, clock)
    worker.run_once()
    first, second = [c for c in fake_api.calls if c.method == "sendMessage"]
    assert second.at - first.at >= 1.0  # waited retry_after
    assert _row(runtime, row_id).status == "sent"
    assert len(fake_api.calls_to("sendMessage")) == 2  # one refused, one delivered


def test_long_flood_wait_reschedules_the_row(
    runtime: Runtime, worker: OutboxWorker, clock: FixedClock, fake_api: FakeBotApi
) -> None:
    fake_api.flood(120)
    row_id = _queue(runtime, clock)
    worker.run_once()
    row = _row(runtime, row_id)
    assert row.status == "pending" and "flood control" in (row.last_error or "")
    assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=120)
    clock.at += dt.timedelta(seconds=121)
    worker.run_once()
    assert _row(runtime, row_id).status == "sent"
    assert len(fake_api.calls_to("sendMessage")) == 2


def test_blocked_user_is_a_permanent_failure(
    runtime: Runtime, worker: OutboxWorker, clock: FixedClock, fake_api: FakeBotApi
) -> None:
    fake_api.blocked()
    row_id = _queue(runtime, clock)
    worker.run_once()
    row = _row(runtime, row_id)
    assert row.status == "failed"
    assert row.last_error == "telegram: Forbidden: bot was blocked by the user"
    clock.at += dt.timedelta(days=1)
    assert worker.run_once() == 0  # never tried again
    assert len(fake_api.calls_to("sendMessage")) == 1


def test_error_classes(runtime: Runtime, fake_api: FakeBotApi) -> None:
    sender = TelegramSender(runtime.settings, runtime.engine)
    fake_api.fail("sendMessage", 400, "Bad Request: chat not found")
    with pytest.raises(PermanentFailure, match=r"(?i)chat not found"):
        sender.send("42", {"text": "hi"})
    with pytest.raises(PermanentFailure, match="empty"):
        sender.send("42", {"text": "  "})
    fake_api.fail("sendMessage", 502, "Bad Gateway")
    with pytest.raises(TemporaryFailure):
        sender.send("42", {"text": "hi"})
    down = runtime.settings.model_copy(update={"telegram_api_url": "http://127.0.0.1:9/bot"})
    with pytest.raises(TemporaryFailure):
        TelegramSender(down, runtime.engine).send("42", {"text": "hi"})


def test_long_text_is_split_and_keyboard_goes_last(runtime: Runtime, fake_api: FakeBotApi) -> None:
    text = "\n".join(f"第{i}行：" + "商标" * 40 for i in range(100))  # ~8,500 characters
    sender = TelegramSender(runtime.settings, runtime.engine, limiter=RateLimiter(chat_interval=0))
    sender.send(CHAT, {"text": text, "choices": [{"label": "有用", "payload": "feedback:up"}]})
    calls = fake_api.calls_to("sendMessage")
    assert len(calls) == 3 and all(len(c["text"]) <= 4096 for c in calls)
    assert ["reply_markup" in c for c in calls] == [False, False, True]
    assert "".join(c["text"] for c in calls).replace("\n", "") == text.replace("\n", "")


def test_long_payloads_travel_as_tokens(runtime: Runtime) -> None:
    long = "book:slot:" + "x" * 80
    (rendered,) = render(
        [Reply("选择时间", (Choice("周一 10:00", long), Choice("周二", "book:slot:2")))],
        runtime.engine,
    )
    assert rendered.markup is not None
    data = [b.callback_data for row in rendered.markup.inline_keyboard for b in row]
    assert data[1] == "book:slot:2"
    assert isinstance(data[0], str) and len(data[0].encode()) <= MAX_CALLBACK_BYTES
    assert resolve_callback(data[0], runtime.engine) == long
    assert resolve_callback("~unknown", runtime.engine) is None
    assert resolve_callback("faq:renewal-fee", runtime.engine) == "faq:renewal-fee"


def test_split_text_prefers_line_breaks() -> None:
    assert split_text("短") == ["短"]
    parts = split_text("a" * 3000 + "\n" + "b" * 3000)
    assert parts == ["a" * 3000, "b" * 3000]
    assert [len(p) for p in split_text("c" * 9000)] == [4096, 4096, 808]


def test_rate_limiter_paces_per_chat_and_overall() -> None:
    now = [100.0]
    limiter = RateLimiter(
        per_second=10, chat_interval=1.0, group_interval=3.0, clock=lambda: now[0]
    )
    assert limiter.reserve("1") == 0
    assert limiter.reserve("1") == pytest.approx(1.0)  # same chat: one per second
    assert limiter.reserve("2") == pytest.approx(
        0.2
    )  # overall: 10/s; chat 1's wait holds no one back
    assert limiter.reserve("-100") == pytest.approx(0.3)
    assert limiter.reserve("-100") == pytest.approx(3.3)  # groups: 20 per minute
    now[0] = 200.0
    assert limiter.reserve("1") == 0


def test_short_labels_share_rows_and_questions_get_their_own(runtime: Runtime) -> None:
    labels = ["宽展期续展要加收多少钱？", "怎么在网上办理商标续展？", "有用", "没用"]
    reply = Reply("…", tuple(Choice(label, f"p:{i}") for i, label in enumerate(labels)))
    (rendered,) = render([reply], runtime.engine)
    assert rendered.markup is not None
    rows = [[b.text for b in row] for row in rendered.markup.inline_keyboard]
    assert rows == [["1. " + labels[0]], ["2. " + labels[1]], ["3. 有用", "4. 没用"]]


ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def _queue_file(runtime: Runtime, clock: FixedClock) -> int:
    with Session(runtime.engine) as session:
        payload = document_payload("booking-B-7K3Q9.ics", "text/calendar", ICS, "预约 B-7K3Q9")
        row = enqueue(
            session=session,
            sender="telegram",
            recipient=CHAT,
            payload=payload,
            ref_kind="booking",
            ref_id="B-7K3Q9",
            not_before=clock.now(),
        )
        session.commit()
        assert row.id is not None
        return row.id


def test_file_row_is_uploaded_as_a_document(
    runtime: Runtime, worker: OutboxWorker, clock: FixedClock, fake_api: FakeBotApi
) -> None:
    row_id = _queue_file(runtime, clock)
    assert worker.run_once() == 1
    ((chat, upload, caption),) = fake_api.sent_documents()
    assert (chat, caption) == (CHAT, "预约 B-7K3Q9")
    assert upload == Upload("booking-B-7K3Q9.ics", "text/calendar", ICS)
    assert fake_api.calls_to("sendMessage") == []
    assert _row(runtime, row_id).status == "sent"


def test_file_failures_follow_the_message_rules(
    runtime: Runtime, worker: OutboxWorker, clock: FixedClock, fake_api: FakeBotApi
) -> None:
    fake_api.flood(120, method="sendDocument")
    row_id = _queue_file(runtime, clock)
    worker.run_once()
    row = _row(runtime, row_id)
    assert row.status == "pending" and "flood control" in (row.last_error or "")
    assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=120)

    clock.at += dt.timedelta(seconds=121)
    fake_api.fail("sendDocument", 502, "Bad Gateway")
    worker.run_once()
    assert _row(runtime, row_id).status == "pending"  # transient: tried again later

    clock.at += dt.timedelta(minutes=1)
    fake_api.blocked("sendDocument")
    worker.run_once()
    row = _row(runtime, row_id)
    assert row.status == "failed"
    assert row.last_error == "telegram: Forbidden: bot was blocked by the user"
    assert len(fake_api.sent_documents()) == 3  # each attempt uploaded the whole file
    assert all(u.content == ICS for _, u, _ in fake_api.sent_documents())


def test_unreadable_file_payload_is_permanent(runtime: Runtime, fake_api: FakeBotApi) -> None:
    sender = TelegramSender(runtime.settings, runtime.engine)
    for document in ({"filename": "x.ics"}, {"filename": "x.ics", "content_b64": "%%%"}, "x"):
        with pytest.raises(PermanentFailure, match="document"):
            sender.send(CHAT, {"document": document})
    assert fake_api.calls_to("sendDocument") == []
