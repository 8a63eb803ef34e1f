"""An e-mail address as a booking contact (issue 22): accepted beside an E.164 phone number in
both languages, stored in its own column, shown to staff, exported, erased; rows with a phone
only keep working."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.booking.staff import csv_bytes
from bot.core.contact import normalize_email
from bot.core.runtime import Runtime
from storage.bookings import Booking
from storage.erasers import erase_subject
from storage.experts import Expert
from tests.support.booking import STEPS, book_through, joined
from tests.support.dialog import assert_dialog, say

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _bookings(runtime: Runtime) -> list[Booking]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(Booking).order_by(Booking.id)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Zhang.San@Example.COM", "Zhang.San@example.com"),
        ("  li@station.example.cn ", "li@station.example.cn"),
        ("张三@例子.中国", "张三@例子.中国"),
        ("alice", None),
        ("alice@", None),
        ("a b@example.com", None),
        ("a@@example.com", None),
        ("alice@localhost", None),
    ],
)
def test_normalize_email(typed: str, stored: str | None) -> None:
    assert normalize_email(typed) == stored


def test_chinese_flow_takes_an_email(runtime: Runtime) -> None:
    conv = runtime.conversation
    assert_dialog(
        conv,
        [
            *STEPS[:6],
            ("张三", "请输入联系人手机号或邮箱"),
            ("邮箱zhang@", "手机号或邮箱格式不对"),
            ("Zhang.San@Example.COM", "一句话"),
            ("续展流程", "手机号或邮箱：Zhang.San@example.com"),
        ],
    )
    assert "预约成功" in joined(say(conv, "确认"))
    [booking] = _bookings(runtime)
    assert (booking.phone, booking.email) == ("", "Zhang.San@example.com")
    assert booking.reach == "Zhang.San@example.com" and booking.phone_consent_at is not None


def test_english_flow_asks_for_phone_or_email(runtime: Runtime) -> None:
    conv = runtime.conversation
    for text in ("book an expert", "book:topic:renewal", "book:expert:1"):
        replies = say(conv, text, user="en1")
    day = next(c.payload for c in replies[-1].choices if c.payload.startswith("book:day:"))
    replies = say(conv, day, user="en1")
    slot = next(c.payload for c in replies[-1].choices if c.payload.startswith("book:slot:"))
    say(conv, slot, user="en1")
    say(conv, "Acme Trading Ltd", user="en1")
    assert "phone number or e-mail address" in joined(say(conv, "Alice Smith", user="en1"))
    assert "nor an e-mail address" in joined(say(conv, "alice at example", user="en1"))
    say(conv, "alice@example.co.uk", user="en1")
    summary = joined(say(conv, "Renewal documents", user="en1"))
    assert "Phone number or e-mail: alice@example.co.uk" in summary


def test_a_phone_still_works_and_is_shown(runtime: Runtime) -> None:
    book_through(runtime.conversation, phone="+44 7911 123456")
    [booking] = _bookings(runtime)
    assert (booking.phone, booking.email, booking.reach) == ("+447911123456", None, "+447911123456")


def test_export_has_the_email_column(runtime: Runtime) -> None:
    book_through(runtime.conversation, user="p1")
    book_through(runtime.conversation, user="e1", phone="wang@example.com", day_index=1)
    with Session(runtime.engine) as session:
        experts = {e.id or 0: e for e in session.exec(select(Expert))}
    rows = list(
        csv.DictReader(io.StringIO(csv_bytes(_bookings(runtime), experts, SHANGHAI).decode()[1:]))
    )
    assert [(r["phone"], r["email"]) for r in rows] == [
        ("13812345678", ""),
        ("", "wang@example.com"),
    ]


def test_erasing_the_user_erases_or_masks_the_email(runtime: Runtime, clock) -> None:  # type: ignore[no-untyped-def]
    book_through(runtime.conversation, user="e1", phone="wang.wei@example.com")
    with Session(runtime.engine) as session:
        erase_subject(session=session, channel="test", user_ref="e1", now=clock.now())
        session.commit()
    [held] = _bookings(runtime)  # still ahead: the expert keeps a masked contact
    assert held.email == "w***@example.com" and held.user_ref == "erased"
    with Session(runtime.engine) as session:
        booking = session.exec(select(Booking)).one()
        booking.user_ref = "e2"
        session.add(booking)
        session.commit()
        erase_subject(
            session=session,
            channel="test",
            user_ref="e2",
            now=clock.now() + dt.timedelta(days=30),  # the consultation is past
        )
        session.commit()
    assert _bookings(runtime)[0].email is None
