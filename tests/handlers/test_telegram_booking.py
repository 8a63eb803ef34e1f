"""A booking made over Telegram brings its calendar file: the confirmation text (with the .ics
link) and then the .ics itself as a document, uploaded multipart to the fake Bot API.

The clock stands at Wednesday 2026-11-25 10:00 in Shanghai; expert 1 (王明远, renewal) has
Thursday-morning slots, the first at 09:00 Shanghai = 01:00 UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from bot.delivery.worker import OutboxWorker
from handlers.telegram.sender import RateLimiter, TelegramSender
from storage.bookings import Booking, notices_for
from storage.outbox import OutboxMessage
from tests.support.telegram_api import FakeBotApi, Upload
from tests.support.telegram_updates import post_update, telegram_settings, update

LI, ANNA = 5550001, 5550002


@pytest.fixture
def settings(settings: Settings, fake_api: FakeBotApi) -> Settings:
    return telegram_settings(settings, fake_api, public_url="https://bot.example.com")


class TelegramUser:
    """Types and presses buttons in a private chat, as one Telegram user (by fixture)."""

    def __init__(self, client: TestClient, fake: FakeBotApi, fixture: str, first_id: int) -> None:
        self.client, self.fake, self.fixture = client, fake, fixture
        self.sender = update(fixture)["message"]["from"]
        self.chat = update(fixture)["message"]["chat"]
        self._ids = iter(range(first_id, first_id + 1000))

    def type(self, text: str) -> None:
        data = update(self.fixture, update_id=next(self._ids), text=text)
        data["message"].pop("entities", None)
        if text.startswith("/"):
            command = text.split()[0]
            data["message"]["entities"] = [
                {"offset": 0, "length": len(command), "type": "bot_command"}
            ]
        self._post(data)

    def press(self, prefix: str) -> str:
        """Press the first button of the latest keyboard whose callback data starts so."""
        data = next(d for d in self._buttons() if d.startswith(prefix))
        press = update("callback_faq", update_id=next(self._ids))
        query = press["callback_query"]
        query["data"], query["from"] = data, self.sender
        query["message"]["chat"] = self.chat
        self._post(press)
        return data

    def _buttons(self) -> list[str]:
        calls = [
            c for c in self.fake.calls_to("sendMessage") if c["chat_id"] == str(self.chat["id"])
        ]
        rows = calls[-1].get("reply_markup", {}).get("inline_keyboard", []) if calls else []
        return [b["callback_data"] for row in rows for b in row]

    def _post(self, data: dict[str, Any]) -> None:
        resp = post_update(self.client, data)
        assert resp.status_code == 200, resp.text


def _book(user: TelegramUser, *, english: bool = False) -> None:
    user.type("/book")
    user.press("book:topic:renewal")
    user.press("book:expert:1")
    user.press("book:day:2026-11-26")
    user.press("book:slot:1:20261126T0100Z")
    user.type("Acme Trading Ltd" if english else "某某科技有限公司")
    user.type("Anna Schmidt" if english else "李伟")
    user.type("13812345678")
    user.type("What do I need for renewal" if english else "商标明年到期，续展要准备什么材料")
    user.press("book:confirm")


def _booking(runtime: Runtime) -> Booking:
    with Session(runtime.engine) as session:
        (booking,) = session.exec(select(Booking)).all()
        return booking


def _event(upload: Upload) -> Any:
    (event,) = Calendar.from_ical(upload.content).walk("VEVENT")
    return event


def _outbox(runtime: Runtime, ref_kind: str) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.ref_kind == ref_kind))
        return list(rows)


def _worker(runtime: Runtime, clock: FixedClock) -> OutboxWorker:
    sender = TelegramSender(runtime.settings, runtime.engine, limiter=RateLimiter(chat_interval=0))
    return OutboxWorker(runtime.engine, {"telegram": sender}, clock)


def test_confirmation_brings_the_ics_file_in_chinese(
    client: TestClient, fake_api: FakeBotApi, runtime: Runtime
) -> None:
    _book(TelegramUser(client, fake_api, "book_private", 800000001))
    code = _booking(runtime).code
    confirmation = fake_api.sent_texts()[-1]
    assert f"预约号：{code}" in confirmation
    assert f"https://bot.example.com/bookings/{code}.ics?token=" in confirmation  # link kept
    ((chat, upload, caption),) = fake_api.sent_documents()
    assert chat == str(LI)
    assert upload.filename == f"booking-{code}.ics" and upload.content_type == "text/calendar"
    assert caption is not None and code in caption and "日历" in caption
    event = _event(upload)
    assert event.decoded("dtstart") == dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
    assert str(event["summary"]).startswith(f"商标专家咨询 {code}")
    assert int(event["sequence"]) == 0
    # The file comes right after the confirmation it belongs to.
    methods = [c.method for c in fake_api.calls if c.method in ("sendMessage", "sendDocument")]
    assert methods[-2:] == ["sendMessage", "sendDocument"]
    assert _outbox(runtime, "telegram_update") == []  # delivered at once, nothing queued


def test_confirmation_in_english_and_reschedule_sends_the_updated_file(
    client: TestClient, fake_api: FakeBotApi, runtime: Runtime
) -> None:
    anna = TelegramUser(client, fake_api, "text_en", 800000101)
    _book(anna, english=True)
    code = _booking(runtime).code
    ((_, first, caption),) = fake_api.sent_documents()
    assert caption is not None and caption.startswith(f"Calendar file for booking {code}")
    assert str(_event(first)["summary"]).startswith(f"Trademark consultation {code}")

    anna.type(f"reschedule {code}")
    anna.press("book:day:2026-12-01")
    anna.press("book:slot:1:20261201T0600Z")
    anna.press("book:confirm")  # "Yes, move it"
    assert "Rescheduled" in fake_api.sent_texts()[-1]
    assert f"/bookings/{code}.ics?token=" in fake_api.sent_texts()[-1]
    (_, _, _), (chat, moved, _) = fake_api.sent_documents()
    assert chat == str(ANNA) and moved.filename == f"booking-{code}.ics"
    event = _event(moved)
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    assert int(event["sequence"]) == 1  # calendar apps replace the old event
    assert str(event["uid"]) == str(_event(first)["uid"])


def test_flood_control_on_the_file_queues_it_for_the_worker(
    client: TestClient, fake_api: FakeBotApi, runtime: Runtime, clock: FixedClock
) -> None:
    fake_api.flood(30, method="sendDocument")
    _book(TelegramUser(client, fake_api, "book_private", 800000201))
    code = _booking(runtime).code
    (refused,) = fake_api.sent_documents()  # answered 429
    (row,) = [r for r in _outbox(runtime, "booking") if r.payload.get("document")]
    assert (row.sender, row.recipient, row.ref_id) == ("telegram", str(LI), code)
    assert row.status == "pending"
    assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=30)  # retry_after honoured

    worker = _worker(runtime, clock)
    texts = len(fake_api.sent_texts())
    assert worker.run_once() == 0
    clock.at += dt.timedelta(seconds=31)
    assert worker.run_once() == 1
    _, (chat, upload, caption) = fake_api.sent_documents()
    assert chat == str(LI) and upload.content == refused[1].content
    assert caption is not None and code in caption
    assert _event(upload).decoded("dtstart") == dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
    assert len(fake_api.sent_texts()) == texts  # the confirmation is not sent twice
    with Session(runtime.engine) as session:
        assert session.get(OutboxMessage, row.id).status == "sent"  # type: ignore[union-attr]


def test_network_error_on_the_confirmation_queues_text_and_file_in_order(
    client: TestClient, fake_api: FakeBotApi, runtime: Runtime, clock: FixedClock
) -> None:
    user = TelegramUser(client, fake_api, "book_private", 800000301)
    user.type("/book")
    user.press("book:topic:renewal")
    user.press("book:expert:1")
    user.press("book:day:2026-11-26")
    user.press("book:slot:1:20261126T0100Z")
    for text in ("某某科技有限公司", "李伟", "13812345678", "续展要准备什么材料"):
        user.type(text)
    fake_api.fail("sendMessage", 502, "Bad Gateway")
    user.press("book:confirm")
    code = _booking(runtime).code
    assert fake_api.calls_to("sendDocument") == []
    with Session(runtime.engine) as session:
        rows = list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))  # type: ignore[arg-type]
    queued = [r for r in rows if r.payload.get("kind") != "booking_reminder"]
    assert [("document" in r.payload) for r in queued] == [False, True]
    assert code in queued[0].payload["text"] and queued[1].ref_id == code
    _worker(runtime, clock).run_once()
    assert code in fake_api.sent_texts()[-1]
    ((_, upload, _),) = fake_api.sent_documents()
    assert upload.filename == f"booking-{code}.ics"
    methods = [c.method for c in fake_api.calls if c.method in ("sendMessage", "sendDocument")]
    assert methods[-2:] == ["sendMessage", "sendDocument"]


def test_a_file_that_cannot_be_delivered_is_recorded_for_staff(
    client: TestClient, fake_api: FakeBotApi, runtime: Runtime, clock: FixedClock
) -> None:
    fake_api.blocked("sendDocument")
    _book(TelegramUser(client, fake_api, "book_private", 800000401))
    code = _booking(runtime).code
    with Session(runtime.engine) as session:
        notices = notices_for(session=session, codes=[code])[code]
    (failed,) = [n for n in notices if n.payload.get("document")]
    assert failed.status == "failed" and failed.sender == "telegram"
    assert failed.last_error == "telegram: Forbidden: bot was blocked by the user"
    clock.at += dt.timedelta(days=1)
    _worker(runtime, clock).run_once()
    assert len(fake_api.calls_to("sendDocument")) == 1  # permanent: never tried again
