"""The station's working hours: is someone there now, when next, and SLA due times."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.core.settings import Settings

__all__ = ("StationHours", "weekdays_only")

logger = logging.getLogger(__name__)
_WEEKDAYS_ZH = "一二三四五六日"


def weekdays_only(day: dt.date) -> bool:
    """The fallback calendar: Monday to Friday, no holidays."""
    return day.weekday() < 5


def _calendar(settings: Settings) -> Callable[[dt.date], bool]:
    # The Chinese holiday table (with make-up working days) when the tools package has it.
    try:
        from knowledge.tools.workdays import load_calendar
    except ImportError:
        return weekdays_only
    try:
        return load_calendar(settings.holidays_file).is_working_day
    except Exception:
        logger.exception("holiday table unreadable; counting weekends only")
        return weekdays_only


@dataclass(frozen=True)
class StationHours:
    """Opening hours on working days, in the station's time zone."""

    opens: dt.time
    closes: dt.time
    tz: ZoneInfo
    is_working_day: Callable[[dt.date], bool] = weekdays_only

    @classmethod
    def from_settings(cls, settings: Settings) -> StationHours:
        """Hours from TMBOT_STATION_HOURS ('09:00-17:30') and TMBOT_TIMEZONE."""
        start, end = settings.station_hours.split("-")
        return cls(
            opens=dt.time.fromisoformat(start.strip()),
            closes=dt.time.fromisoformat(end.strip()),
            tz=ZoneInfo(settings.timezone),
            is_working_day=_calendar(settings),
        )

    def _span(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (
            dt.datetime.combine(day, self.opens, self.tz),
            dt.datetime.combine(day, self.closes, self.tz),
        )

    def is_open(self, now: dt.datetime) -> bool:
        """Whether staff are at work at `now`."""
        local = now.astimezone(self.tz)
        start, end = self._span(local.date())
        return self.is_working_day(local.date()) and start <= local < end

    def next_opening(self, now: dt.datetime) -> dt.datetime:
        """`now` when open, else the start of the next working period (UTC)."""
        if self.is_open(now):
            return now
        day = now.astimezone(self.tz).date()
        for _ in range(60):  # the longest holiday plus weekends is far shorter
            start, _end = self._span(day)
            if self.is_working_day(day) and start >= now:
                return start.astimezone(dt.UTC)
            day += dt.timedelta(days=1)
        raise ValueError("no working day within 60 days; check the holiday table")

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The moment `minutes` of working time after `start` have passed (UTC)."""
        at, left = self.next_opening(start), dt.timedelta(minutes=minutes)
        while True:
            _open, end = self._span(at.astimezone(self.tz).date())
            if at + left <= end:
                return (at + left).astimezone(dt.UTC)
            left -= end - at
            at = self.next_opening(end)

    def schedule(self, lang: str) -> str:
        """E.g. '周一至周五 09:00-17:30（法定节假日除外）'."""
        hours = f"{self.opens:%H:%M}-{self.closes:%H:%M}"
        if lang == "en":
            return f"Mon-Fri {hours}, except public holidays"
        return f"周一至周五 {hours}（法定节假日除外）"

    def describe(self, moment: dt.datetime, lang: str, now: dt.datetime) -> str:
        """A due time as people say it: '今天 12:00', 'tomorrow 09:00', '11月30日（周一）09:00'."""
        local, today = moment.astimezone(self.tz), now.astimezone(self.tz).date()
        clock = f"{local:%H:%M}"
        days = (local.date() - today).days
        if lang == "en":
            if days in (0, 1):
                return f"{('today', 'tomorrow')[days]} {clock}"
            return f"{local:%a} {local.day} {local:%b} {clock}"
        if days in (0, 1):
            return f"{('今天', '明天')[days]} {clock}"
        return f"{local.month}月{local.day}日（周{_WEEKDAYS_ZH[local.weekday()]}）{clock}"
