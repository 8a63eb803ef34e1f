"""Station hours: open or not, next opening, SLA due times in working minutes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.core.hours import StationHours
from bot.core.settings import Settings

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> dt.datetime:
    """A Shanghai wall-clock time as UTC."""
    return dt.datetime(*args, tzinfo=SH).astimezone(dt.UTC)


@pytest.fixture
def hours() -> StationHours:
    return StationHours.from_settings(Settings(station_hours="09:00-17:30"))


def test_open_on_working_days_within_hours(hours: StationHours) -> None:
    assert hours.is_open(at(2026, 11, 25, 9, 0))
    assert not hours.is_open(at(2026, 11, 25, 17, 30))
    assert not hours.is_open(at(2026, 11, 28, 10, 0))  # Saturday
    assert not hours.is_open(at(2026, 10, 1, 10, 0))  # National Day
    assert hours.is_open(at(2026, 10, 10, 10, 0))  # a Saturday worked in exchange (调休)


@pytest.mark.parametrize(
    ("start", "minutes", "due"),
    [
        (at(2026, 11, 25, 10, 0), 120, at(2026, 11, 25, 12, 0)),
        (at(2026, 11, 25, 17, 0), 120, at(2026, 11, 26, 10, 30)),  # 30 today, 90 tomorrow
        (at(2026, 11, 27, 20, 0), 60, at(2026, 11, 30, 10, 0)),  # Friday night -> Monday
        (at(2026, 9, 30, 17, 0), 60, at(2026, 10, 8, 9, 30)),  # across the Golden Week
        (at(2026, 11, 25, 6, 0), 0, at(2026, 11, 25, 9, 0)),  # clock starts at opening
    ],
)
def test_due_time_counts_working_minutes(
    hours: StationHours, start: dt.datetime, minutes: int, due: dt.datetime
) -> None:
    assert hours.add_working_minutes(start, minutes) == due


def test_times_are_described_as_people_say_them(hours: StationHours) -> None:
    now = at(2026, 11, 25, 10, 0)
    assert hours.describe(at(2026, 11, 25, 12, 0), "zh", now) == "今天 12:00"
    assert hours.describe(at(2026, 11, 26, 9, 0), "en", now) == "tomorrow 09:00"
    assert hours.describe(at(2026, 11, 30, 9, 0), "zh", now) == "11月30日（周一）09:00"
    assert hours.describe(at(2026, 11, 30, 9, 0), "en", now) == "Mon 30 Nov 09:00"
    assert hours.schedule("en") == "Mon-Fri 09:00-17:30, except public holidays"


def test_hours_setting_is_checked() -> None:
    with pytest.raises(ValueError, match="station_hours"):
        Settings(station_hours="9-17")
