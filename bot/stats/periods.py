"""Reporting periods in station days: this week / month / quarter / year, or custom dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = ("KINDS", "Period", "day_bounds", "period_for")

KINDS = ("week", "month", "quarter", "year", "custom")


@dataclass(frozen=True)
class Period:
    """Station days `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    kind: str = "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period to compare with: the same span of the previous week / month / quarter /
        year (so a month to date is compared with the same days of last month), or the same
        number of days just before a custom period."""
        if self.kind == "custom":
            end = self.start - dt.timedelta(days=1)
            return Period(end - dt.timedelta(days=self.days - 1), end, "custom")
        prev_start = _start_of(self.kind, self.start - dt.timedelta(days=1))
        prev_end = min(prev_start + (self.end - self.start), self.start - dt.timedelta(days=1))
        return Period(prev_start, prev_end, self.kind)

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "from": self.start.isoformat(), "to": self.end.isoformat()}


def _start_of(kind: str, day: dt.date) -> dt.date:
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def period_for(
    kind: str, today: dt.date, start: dt.date | None = None, end: dt.date | None = None
) -> Period:
    """The period `kind` containing `today`, up to today; `custom` takes `start` and `end`."""
    if kind == "custom":
        if start is None or end is None:
            raise ValueError("a custom period needs both dates")
        if end < start:
            start, end = end, start
        return Period(start, end, "custom")
    if kind not in KINDS:
        raise ValueError(f"unknown period {kind!r}")
    return Period(_start_of(kind, today), today, kind)


def day_bounds(start: dt.date, end: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """UTC instants from the start of station day `start` to the end of station day `end`."""
    zone = ZoneInfo(tz)
    lo = dt.datetime.combine(start, dt.time(0), zone).astimezone(dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), zone).astimezone(dt.UTC)
    return lo, hi
