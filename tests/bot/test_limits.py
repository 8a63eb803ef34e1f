"""Limits a station needs: tickets per user per hour, bookings per user and per address a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from bot.core.conversation import Conversation
from bot.core.messages import Inbound, Reply
from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from storage.bookings import Booking
from tests.support import booking as booking_support
from tests.support.booking import book_through, joined
from tests.support.dialog import say
from tests.support.handoff import tickets


@pytest.fixture
def limited(settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    configured = settings.model_copy(
        update={"booking_max_per_day": 1, "booking_max_per_address_day": 2}
    )
    runtime = build_runtime(configured, clock=clock)
    yield runtime
    runtime.engine.dispose()


def test_tickets_per_user_per_hour(runtime: Runtime, clock: FixedClock) -> None:
    conv = runtime.conversation
    limit = runtime.settings.handoff_max_per_hour
    for _ in range(limit):
        assert "工单号" in joined(say(conv, "转人工，商标被驳回了"))
        say(conv, "结束")
    refused = joined(say(conv, "转人工，商标被驳回了"))
    assert "一小时内" in refused and "within an hour" not in refused
    assert len(tickets(runtime)) == limit
    assert "工单号" in joined(
        say(conv, "转人工，商标被驳回了", user="someone-else")
    )  # others go on
    clock.at += dt.timedelta(minutes=61)
    assert "工单号" in joined(say(conv, "转人工，商标被驳回了"))
    assert len(tickets(runtime)) == limit + 2  # the other user's and the new one


def _bookings(runtime: Runtime) -> list[Booking]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(Booking)))


def test_bookings_per_user_per_day(limited: Runtime) -> None:
    conv = limited.conversation
    assert "预约成功" in joined(book_through(conv))
    second = joined(book_through(conv, slot_index=1))
    assert "今天的预约次数已达上限" in second and len(_bookings(limited)) == 1


def test_bookings_per_address_per_day(limited: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    def from_one_address(
        conv: Conversation, text: str, *, user: str = "u1", channel: str = "test"
    ) -> list[Reply]:
        inbound = Inbound(channel, user, text, extras={"address": "203.0.113.9"})
        return conv.handle(inbound)

    monkeypatch.setattr(booking_support, "say", from_one_address)
    conv = limited.conversation
    for n in range(2):  # throw-away ids from one address
        assert "预约成功" in joined(book_through(conv, user=f"throwaway-{n}", day_index=n))
    third = joined(book_through(conv, user="throwaway-2", day_index=2))
    assert "今天的预约次数已达上限" in third and len(_bookings(limited)) == 2
    monkeypatch.undo()
    assert "预约成功" in joined(book_through(conv, user="elsewhere", day_index=2))
