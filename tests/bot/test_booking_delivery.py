"""Reminders 24 h and 1 h before through the user's channel, notices to expert and staff,
WeChat subscription consent, and the .ics file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from icalendar import Calendar
from pydantic import SecretStr
from sqlmodel import Session, col, select

from bot.booking.ics import ics_token, render_ics, token_ok
from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.delivery.worker import OutboxWorker, PermanentFailure
from storage.bookings import Booking
from storage.experts import Expert
from storage.models import ChatMessage
from storage.outbox import OutboxMessage
from storage.wechat import WechatConsent, record_subscribe_consent
from tests.support.booking import book_through
from tests.support.dialog import say
from tests.support.web import as_visitor

TUESDAY_14 = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 14:00 Shanghai, > 24 h ahead


class Recorder:
    """A sender that records what it delivers."""

    def __init__(self, name: str, fail: str | None = None) -> None:
        self.name, self.fail = name, fail
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        if self.fail:
            raise PermanentFailure(self.fail)
        self.sent.append((recipient, dict(payload)))


def _rows(runtime: Runtime, **where: str) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.ref_kind == "booking")
        for key, value in where.items():
            query = query.where(getattr(OutboxMessage, key) == value)
        return list(session.exec(query.order_by(col(OutboxMessage.id))))


def _booking(runtime: Runtime) -> Booking:
    with Session(runtime.engine) as session:
        return session.exec(select(Booking)).one()


def test_reminders_are_queued_24h_and_1h_before_and_delivered_then(runtime: Runtime) -> None:
    book_through(runtime.conversation, day_index=1, slot_index=0, user="web-user-1", channel="web")
    booking = _booking(runtime)
    assert booking.slot_start == TUESDAY_14
    reminders = _rows(runtime, sender="web")
    assert [r.next_attempt_at for r in reminders] == [
        TUESDAY_14 - dt.timedelta(hours=24),
        TUESDAY_14 - dt.timedelta(hours=1),
    ]
    assert {r.recipient for r in reminders} == {"web-user-1"}
    assert reminders[0].dedupe_key == f"booking:{booking.code}:v1:remind-24h"
    clock = FixedClock(TUESDAY_14 - dt.timedelta(hours=25))
    web = Recorder("web")
    worker = OutboxWorker(runtime.engine, {"web": web}, clock=clock)
    assert worker.run_once() == 0  # nothing due yet
    clock.at = TUESDAY_14 - dt.timedelta(hours=24)
    assert worker.run_once() == 1
    assert "明天这个时候" in web.sent[0][1]["text"] and booking.code in web.sent[0][1]["text"]
    clock.at = TUESDAY_14 - dt.timedelta(minutes=59)
    worker.run_once()
    assert len(web.sent) == 2 and "1小时后" in web.sent[1][1]["text"]
    assert "2026年12月1日（周二）14:00-14:30" in web.sent[1][1]["text"]
    assert {r.status for r in _rows(runtime, sender="web")} == {"sent"}


def test_reminders_reach_the_web_chat_page(runtime: Runtime, client: Any) -> None:
    user = as_visitor(client, runtime.settings, "webuser0001")
    book_through(runtime.conversation, day_index=1, user=user, channel="web")
    clock = FixedClock(TUESDAY_14 - dt.timedelta(minutes=30))
    worker = client.app.state.worker
    worker.clock = clock
    worker.run_once()
    updates = client.get("/api/chat/updates").json()
    assert len(updates) == 2 and "提醒" in updates[0]["text"]


def test_a_booking_less_than_a_day_ahead_gets_only_the_1h_reminder(runtime: Runtime) -> None:
    book_through(runtime.conversation, channel="web", user="web-user-2")  # Thursday 09:00
    rows = _rows(runtime, sender="web")
    assert [r.dedupe_key.rsplit("-", 1)[-1] for r in rows if r.dedupe_key] == ["1h"]


def test_cancel_withdraws_reminders_and_reschedule_requeues(runtime: Runtime) -> None:
    conv = runtime.conversation
    book_through(conv, day_index=1, channel="web", user="web-user-3")
    code = _booking(runtime).code
    say(conv, f"改约 {code}", channel="web", user="web-user-3")
    say(conv, "book:day:2026-12-03", channel="web", user="web-user-3")
    say(conv, "book:slot:1:20261203T0100Z", channel="web", user="web-user-3")
    say(conv, "确认", channel="web", user="web-user-3")
    rows = _rows(runtime, sender="web")
    assert [(r.status, (r.dedupe_key or "").split(":")[2]) for r in rows] == [
        ("cancelled", "v1"),
        ("cancelled", "v1"),
        ("pending", "v2"),
        ("pending", "v2"),
    ]
    assert rows[2].next_attempt_at == dt.datetime(2026, 12, 2, 1, 0, tzinfo=dt.UTC)
    say(conv, f"取消 {code}", channel="web", user="web-user-3")
    say(conv, "确认", channel="web", user="web-user-3")
    assert {r.status for r in _rows(runtime, sender="web")} == {"cancelled"}


def test_terminal_chat_gets_no_reminders(runtime: Runtime) -> None:
    book_through(runtime.conversation, day_index=1, channel="cli")
    assert _rows(runtime, sender="cli") == []


def test_notices_go_only_to_configured_notifiers(runtime: Runtime) -> None:
    book_through(runtime.conversation, day_index=1, channel="web", user="w4")
    assert {r.sender for r in _rows(runtime)} == {"web"}  # no staff notifier configured
    settings = runtime.settings
    settings.smtp_host = "smtp.example.cn"
    settings.staff_emails = "desk@example.cn, boss@example.cn"
    with Session(runtime.engine) as session:
        expert = session.get(Expert, 1)
        assert expert is not None
        expert.email = "wang@example.cn"
        session.add(expert)
        session.commit()
    book_through(runtime.conversation, day_index=1, slot_index=1, channel="web", user="w5")
    code = max(_rows(runtime), key=lambda r: r.id or 0).ref_id
    emails = _rows(runtime, sender="email", ref_id=code or "")
    assert sorted(r.recipient for r in emails) == [
        "boss@example.cn",
        "desk@example.cn",
        "wang@example.cn",
    ]
    assert "【新预约 / New booking】" in emails[0].payload["text"]
    settings.telegram_token = SecretStr("123:abc")
    settings.telegram_staff_chat = -100200300
    settings.wecom_webhook_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    book_through(runtime.conversation, day_index=1, channel="web", user="w6")
    last = max(_rows(runtime), key=lambda r: r.id or 0).ref_id or ""
    staff = {(r.sender, r.recipient) for r in _rows(runtime, ref_id=last) if r.sender != "web"}
    assert ("telegram", "-100200300") in staff and ("wecom", "group") in staff
    assert emails[0].payload["subject"].endswith(code or "")
    assert "13812345678" in emails[0].payload["text"]


def test_wechat_asks_consent_and_reminders_carry_a_short_notice(runtime: Runtime) -> None:
    runtime.settings.wechat_subscribe_template = "tmpl-booking-reminder"
    conv = runtime.conversation
    book_through(conv, day_index=1, channel="wechat", user="oWX123", confirm=False)
    with Session(runtime.engine) as session:
        asked = session.exec(select(ChatMessage).where(col(ChatMessage.text).contains("订阅通知")))
        assert len(list(asked)) == 1
    assert "预约成功" in "\n".join(
        r.text for r in say(conv, "确认", channel="wechat", user="oWX123")
    )
    booking = _booking(runtime)
    assert booking.notice_consent is True
    with Session(runtime.engine) as session:
        # The chat's yes is not WeChat's consent: only WeChat's popup event records one.
        assert session.exec(select(WechatConsent)).first() is None
    reminder = _rows(runtime, sender="wechat")[0]
    notice = reminder.payload["notice"]["thing1"]
    assert notice == f"预约{booking.code} 1日14:00" and len(notice) <= 20


def test_undeliverable_reminder_stays_failed_with_its_reason(runtime: Runtime) -> None:
    book_through(runtime.conversation, day_index=1, channel="wechat", user="oWX9", confirm=False)
    say(runtime.conversation, "确认", channel="wechat", user="oWX9")
    wechat = Recorder("wechat", fail="48-hour window closed; no subscription consent")
    clock = FixedClock(TUESDAY_14 - dt.timedelta(minutes=30))
    OutboxWorker(runtime.engine, {"wechat": wechat}, clock=clock).run_once()
    failed = _rows(runtime, sender="wechat", status="failed")
    assert len(failed) == 2 and "no subscription consent" in (failed[0].last_error or "")


def test_ics_file_and_signed_link(runtime: Runtime) -> None:
    book_through(runtime.conversation, day_index=1)
    booking = _booking(runtime)
    with Session(runtime.engine) as session:
        expert = session.get(Expert, booking.expert_id)
        assert expert is not None
    cal = Calendar.from_ical(render_ics(runtime.settings, booking, expert))
    event = cal.walk("VEVENT")[0]
    assert event.decoded("dtstart") == TUESDAY_14
    assert event.decoded("dtend") == TUESDAY_14 + dt.timedelta(minutes=30)
    assert booking.code in str(event["summary"]) and str(event["uid"]) == f"{booking.code}@tmbot"
    assert "指导站二楼咨询室" in str(event["location"]) and str(event["status"]) == "CONFIRMED"
    assert len(cal.walk("VALARM")) == 1
    token = ics_token(runtime.settings, booking.code)
    assert len(token) == 32 and token_ok(runtime.settings, booking.code, token)
    assert not token_ok(
        runtime.settings, booking.code, token[:-1] + ("1" if token.endswith("0") else "0")
    )
    assert not token_ok(runtime.settings, "B-22222", token)


def test_a_cancelled_wechat_booking_takes_its_consents_and_waiting_reminders(
    runtime: Runtime,
) -> None:
    """Issue 22 finding 2: consents of a cancelled booking do not stay behind, and a reminder
    waiting for the user's next message is withdrawn with the booking."""
    runtime.settings.wechat_template_reminder = "tmpl-remind"
    conv = runtime.conversation
    book_through(conv, day_index=1, channel="wechat", user="oCAN")
    code = _booking(runtime).code
    with Session(runtime.engine) as session:
        record_subscribe_consent(session=session, openid="oCAN", template_id="tmpl-remind", times=3)
        reminder = _rows(runtime, sender="wechat")[0]
        row = session.get(OutboxMessage, reminder.id)
        assert row is not None
        row.status = "waiting"  # the window was closed when it came due
        session.add(row)
        session.commit()
    say(conv, f"取消 {code}", channel="wechat", user="oCAN")
    say(conv, "确认", channel="wechat", user="oCAN")
    assert {r.status for r in _rows(runtime, sender="wechat") if r.payload.get("kind")} == {
        "cancelled"
    }
    with Session(runtime.engine) as session:
        consent = session.exec(select(WechatConsent)).one()
    assert consent.remaining == 1  # the other one came from another popup
