"""Contacts that fit the channel's users (issue 22, finding 10): international numbers in
E.164, mainland mobiles as before; the booking flow takes both."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.core.contact import find_contact, normalize_phone
from bot.core.runtime import Runtime
from storage.bookings import Booking
from tests.support.booking import book_through


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("+44 7911 123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("+49 1512 3456789", "+4915123456789"),
        ("138 1234 567", None),  # 10 digits
        ("+44 12", None),
        ("hello", None),
    ],
)
def test_numbers_are_stored_in_one_form(typed: str, stored: str | None) -> None:
    assert normalize_phone(typed) == stored


def test_an_international_number_in_a_message_is_found_and_masked() -> None:
    contact = find_contact("please call me on +44 7911 123456 tomorrow")
    assert contact is not None and contact.valid
    assert (contact.value, contact.masked) == ("+447911123456", "+447****3456")
    assert contact.raw == "+44 7911 123456"  # what the transcript redacts
    mainland = find_contact("电话 138 1234 5678")
    assert mainland is not None and mainland.value == "13812345678"


def test_booking_takes_an_international_number(runtime: Runtime) -> None:
    replies = book_through(runtime.conversation, user="uk", lang="en", phone="+44 7911 123456")
    assert any("B-" in r.text for r in replies)
    with Session(runtime.engine) as session:
        [booking] = session.exec(select(Booking)).all()
    assert booking.phone == "+447911123456"
