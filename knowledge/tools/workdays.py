"""Chinese working days: weekends, public holidays and make-up working days (调休).

The table lives in ``knowledge/data/cn_holidays.yaml``, one entry per State Council notice
year. Admins extend it by editing that file, by passing another file's path (the settings'
``TMBOT_HOLIDAYS_FILE``) or with ``tmbot holidays import FILE``. For a year the table does not
cover (the State Council announces each year's arrangement only in the preceding autumn or
winter), the statutory holidays that the national holiday rules fix still count
(``knowledge.tools.statutory_holidays``, from 2025), as do weekends; make-up working days are
never guessed, and every result says the arrangement is not yet published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.tools._data import DATA_DIR, ToolDataError
from knowledge.tools.statutory_holidays import statutory_holidays
from knowledge.yamltext import parse_yaml

__all__ = (
    "DEFAULT_HOLIDAYS_FILE",
    "DayInfo",
    "DayKind",
    "HolidayCalendar",
    "is_working_day",
    "load_calendar",
    "next_working_day",
    "parse_calendar",
    "working_day_on_or_after",
)

DEFAULT_HOLIDAYS_FILE = DATA_DIR / "cn_holidays.yaml"

_WEEKDAYS_ZH = "一二三四五六日"


class DayKind(StrEnum):
    """What kind of day a date is in the Chinese working calendar."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"  # a weekend day declared a working day (调休上班)


@dataclass(frozen=True)
class DayInfo:
    """One date with its kind and, for holidays and make-up days, the festival."""

    date: dt.date
    kind: DayKind
    name_zh: str = ""
    name_en: str = ""
    covered: bool = True  # False: the year's arrangement is not in the table
    statutory: bool = False  # a holiday fixed by the national rules, in a year not in the table

    @property
    def working(self) -> bool:
        """Whether offices work on this day."""
        return self.kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)

    def describe(self, lang: str = "zh") -> str:
        """Describe the day, e.g. '2026-09-13（星期日）' or '2026-10-01 (National Day holiday)'."""
        iso = self.date.isoformat()
        if lang == "en":
            wd = self.date.strftime("%A")
            if self.kind == DayKind.HOLIDAY and self.statutory:
                return f"{iso} ({wd}, {self.name_en}, a statutory holiday)"
            if self.kind == DayKind.HOLIDAY:
                return f"{iso} ({wd}, {self.name_en} public holiday)"
            if self.kind == DayKind.MAKEUP_WORKDAY:
                return f"{iso} ({wd}, an official make-up working day for {self.name_en})"
            return f"{iso} ({wd})"
        wd = "星期" + _WEEKDAYS_ZH[self.date.weekday()]
        if self.kind == DayKind.HOLIDAY and self.statutory:
            return f"{iso}（{wd}，{self.name_zh}法定节假日）"
        if self.kind == DayKind.HOLIDAY:
            return f"{iso}（{wd}，{self.name_zh}假期）"
        if self.kind == DayKind.MAKEUP_WORKDAY:
            return f"{iso}（{wd}，{self.name_zh}调休上班日）"
        return f"{iso}（{wd}）"


@dataclass(frozen=True)
class HolidayCalendar:
    """Public holidays and make-up working days for the years a table covers."""

    holidays: Mapping[dt.date, tuple[str, str]]
    makeup_workdays: Mapping[dt.date, tuple[str, str]]
    years: frozenset[int]
    sources: Mapping[int, str]
    source_file: str = ""

    def covers(self, day: dt.date) -> bool:
        """Whether the table has the official arrangement for `day`'s year."""
        return day.year in self.years

    def day_info(self, day: dt.date) -> DayInfo:
        """Classify `day`."""
        covered = self.covers(day)
        if day in self.holidays:
            zh, en = self.holidays[day]
            return DayInfo(day, DayKind.HOLIDAY, zh, en, covered)
        if day in self.makeup_workdays:
            zh, en = self.makeup_workdays[day]
            return DayInfo(day, DayKind.MAKEUP_WORKDAY, zh, en, covered)
        if not covered and day in (fixed := statutory_holidays(day.year)):
            zh, en = fixed[day]
            return DayInfo(day, DayKind.HOLIDAY, zh, en, covered=False, statutory=True)
        kind = DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY
        return DayInfo(day, kind, covered=covered)

    def is_working_day(self, day: dt.date) -> bool:
        """Whether `day` is a working day."""
        return self.day_info(day).working

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        """Return `day` itself if it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def next_working_day(self, day: dt.date) -> dt.date:
        """Return the first working day strictly after `day`."""
        return self.working_day_on_or_after(day + dt.timedelta(days=1))

    def skipped_days(self, day: dt.date) -> tuple[DayInfo, ...]:
        """Return the non-working days from `day` up to the next working day."""
        out: list[DayInfo] = []
        while not (info := self.day_info(day)).working:
            out.append(info)
            day += dt.timedelta(days=1)
        return tuple(out)


def load_calendar(path: Path | str | None = None) -> HolidayCalendar:
    """Load the holiday table from `path` (default: the bundled YAML); cached per path."""
    return _load(str(Path(path) if path else DEFAULT_HOLIDAYS_FILE))


def is_working_day(day: dt.date, calendar: HolidayCalendar | None = None) -> bool:
    """Whether `day` is a Chinese working day."""
    return (calendar or load_calendar()).is_working_day(day)


def next_working_day(day: dt.date, calendar: HolidayCalendar | None = None) -> dt.date:
    """Return the first Chinese working day strictly after `day`."""
    return (calendar or load_calendar()).next_working_day(day)


def working_day_on_or_after(day: dt.date, calendar: HolidayCalendar | None = None) -> dt.date:
    """Return `day` if it is a working day, else the next one."""
    return (calendar or load_calendar()).working_day_on_or_after(day)


@lru_cache(maxsize=8)
def _load(path: str) -> HolidayCalendar:
    try:
        raw = parse_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ToolDataError(f"{path}: cannot read holiday table: {exc}") from exc
    return parse_calendar(raw, path)


def parse_calendar(raw: Any, path: str) -> HolidayCalendar:
    """Validate a holiday table already read from YAML; ToolDataError names `path` and the row."""
    if not isinstance(raw, dict) or not isinstance(raw.get("years"), dict):
        raise ToolDataError(f"{path}: expected a mapping with a 'years' key")
    holidays: dict[dt.date, tuple[str, str]] = {}
    makeup: dict[dt.date, tuple[str, str]] = {}
    sources: dict[int, str] = {}
    for year, entry in raw["years"].items():
        where = f"{path}: year {year}"
        if not isinstance(year, int) or not isinstance(entry, dict):
            raise ToolDataError(f"{where}: expected an integer year with a mapping")
        sources[year] = str(entry.get("url") or "")
        if not sources[year]:
            raise ToolDataError(f"{where}: every year must cite the notice 'url'")
        for item in entry.get("holidays") or []:
            first, last = _date(item, "from", where), _date(item, "to", where)
            if last < first or (last - first).days > 15:
                raise ToolDataError(f"{where}: bad holiday range {first}..{last}")
            names = _names(item, where)
            day = first
            while day <= last:
                holidays[day] = names
                day += dt.timedelta(days=1)
        for item in entry.get("workdays") or []:
            day = _date(item, "date", where)
            if day.weekday() < 5:
                raise ToolDataError(f"{where}: make-up working day {day} is not a weekend day")
            makeup[day] = _names(item, where)
    clash = set(holidays) & set(makeup)
    if clash:
        raise ToolDataError(f"{path}: dates both holiday and working day: {sorted(clash)}")
    return HolidayCalendar(holidays, makeup, frozenset(sources), sources, source_file=path)


def _date(item: Any, key: str, where: str) -> dt.date:
    value = item.get(key) if isinstance(item, dict) else None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ToolDataError(f"{where}: '{key}' must be a YYYY-MM-DD date, got {value!r}") from exc


def _names(item: dict[str, Any], where: str) -> tuple[str, str]:
    zh, en = item.get("name"), item.get("name_en")
    if not zh or not en:
        raise ToolDataError(f"{where}: each entry needs 'name' (zh) and 'name_en'")
    return str(zh), str(en)
