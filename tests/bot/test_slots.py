"""Slots: cut from weekly rules and exceptions in Shanghai time, kept in UTC, past and cut-off
slots dropped, booked ones removed, public holidays skipped."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.booking.slots import Slot, free_slots, is_holiday, parse_key, slots_for_day
from bot.core.runtime import Runtime
from storage.bookings import create_booking
from storage.experts import AvailabilityException, AvailabilityRule
from tests.support.booking import add_expert

TZ = ZoneInfo("Asia/Shanghai")
WED = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def _rule(weekday: int, start: str, end: str, slot: int = 30, buffer: int = 0) -> AvailabilityRule:
    return AvailabilityRule(
        expert_id=1,
        weekday=weekday,
        start=dt.time.fromisoformat(start),
        end=dt.time.fromisoformat(end),
        slot_minutes=slot,
        buffer_minutes=buffer,
    )


def _starts(slots: list[Slot]) -> list[str]:
    return [s.start.astimezone(TZ).strftime("%H:%M") for s in slots]


def _no_holidays(_day: dt.date) -> bool:
    return False


def test_rule_is_cut_into_slots_with_buffer_and_stored_in_utc() -> None:
    slots = slots_for_day(
        expert_id=1,
        day=WED,
        rules=[_rule(2, "14:00", "17:00", 30, 10)],
        exceptions=[],
        tz=TZ,
        holiday=_no_holidays,
    )
    assert _starts(slots) == ["14:00", "14:40", "15:20", "16:00"]  # 16:40 would end at 17:10
    assert slots[0].start == dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)
    assert slots[0].end - slots[0].start == dt.timedelta(minutes=30)
    assert parse_key(slots[0].key) == slots[0].start and slots[0].key == "20261125T0600Z"


def test_other_weekdays_have_no_slots() -> None:
    rules = [_rule(1, "14:00", "17:00")]  # Tuesday
    assert slots_for_day(expert_id=1, day=WED, rules=rules, exceptions=[], tz=TZ) == []


def test_leave_and_extra_hours() -> None:
    rules = [_rule(2, "09:00", "12:00")]
    whole = AvailabilityException(expert_id=1, day=WED, kind="leave")
    assert slots_for_day(expert_id=1, day=WED, rules=rules, exceptions=[whole], tz=TZ) == []
    part = AvailabilityException(
        expert_id=1, day=WED, kind="leave", start=dt.time(10, 0), end=dt.time(11, 0)
    )
    slots = slots_for_day(
        expert_id=1, day=WED, rules=rules, exceptions=[part], tz=TZ, holiday=_no_holidays
    )
    assert _starts(slots) == ["09:00", "09:30", "11:00", "11:30"]
    extra = AvailabilityException(
        expert_id=1, day=dt.date(2026, 11, 28), kind="extra", start=dt.time(9), end=dt.time(10)
    )
    sat = slots_for_day(expert_id=1, day=extra.day, rules=rules, exceptions=[extra], tz=TZ)
    assert _starts(sat) == ["09:00", "09:30"]


def test_public_holidays_are_skipped_unless_extra_hours_are_given() -> None:
    national_day = dt.date(2026, 10, 1)  # Thursday, 国庆节
    assert is_holiday(national_day) and not is_holiday(WED)
    rules = [_rule(3, "09:00", "10:00")]
    assert slots_for_day(expert_id=1, day=national_day, rules=rules, exceptions=[], tz=TZ) == []
    extra = AvailabilityException(
        expert_id=1, day=national_day, kind="extra", start=dt.time(9), end=dt.time(9, 30)
    )
    assert (
        len(slots_for_day(expert_id=1, day=national_day, rules=rules, exceptions=[extra], tz=TZ))
        == 1
    )


def test_free_slots_drop_past_cutoff_and_booked(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        expert = add_expert(session, availability=["wed 09:00-14:00 /60 +0"])
        assert expert.id is not None

        def free(cutoff_hours: float) -> list[str]:
            slots = free_slots(
                session=session,
                expert_ids=[expert.id or 0],
                now=NOW,
                tz=TZ,
                cutoff=dt.timedelta(hours=cutoff_hours),
                days_ahead=0,
                holiday=_no_holidays,
            )
            return _starts(slots)

        assert free(0) == ["10:00", "11:00", "12:00", "13:00"]  # 09:00 is past
        assert free(2) == ["12:00", "13:00"]  # inside the 2-hour cut-off
        create_booking(
            session=session,
            expert_id=expert.id,
            slot_start=dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC),  # 12:00 Shanghai
            slot_end=dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC),
            channel="test",
            user_ref="x",
            topic="renewal",
            company="c",
            contact_name="n",
            phone="13812345678",
            phone_consent_at=NOW,
        )
        assert free(2) == ["13:00"]


def test_days_ahead_bounds_the_search(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        expert = add_expert(session)

        def count(days: int, day: dt.date | None = None) -> int:
            return len(
                free_slots(
                    session=session,
                    expert_ids=[expert.id or 0],
                    now=NOW,
                    tz=TZ,
                    cutoff=dt.timedelta(0),
                    days_ahead=days,
                    day=day,
                    holiday=_no_holidays,
                )
            )

        assert count(0) == 4  # Wednesday afternoon
        assert count(1) == 8  # and Thursday
        assert count(14, day=dt.date(2026, 11, 24)) == 0  # yesterday
        assert count(1, day=dt.date(2026, 12, 2)) == 0  # beyond the horizon
