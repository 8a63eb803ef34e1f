"""The public holidays that the national holiday rules fix, for a year without an announced arrangement.

《全国年节及纪念日放假办法》 (State Council, as revised 2024-11-10, in force 2025-01-01),
Art. 2: New Year's Day 1 day (1 January); Spring Festival 4 days (New Year's Eve and the first
three days of the first lunar month); Qingming 1 day (the day of the Qingming solar term);
Labour Day 2 days (1-2 May); Dragon Boat 1 day (5th day of the 5th lunar month); Mid-Autumn
1 day (15th day of the 8th lunar month); National Day 3 days (1-3 October).

These days are certain whatever the State Council later announces; the announced arrangement
only adds days (bridging weekends) and make-up working days (调休), which are never guessed here.
Lunar dates and the solar term come from the `lunar-python` library (computed, not a hand table).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from lunar_python import Lunar, Solar

__all__ = ("FIRST_YEAR", "RULES_NAME", "statutory_holidays")

# The rules above (with the Spring Festival eve and 2 May) apply from 2025; earlier years had
# other statutory days, and every such year is in the announced table anyway.
FIRST_YEAR = 2025
RULES_NAME = {
    "zh": "《全国年节及纪念日放假办法》（2024年修订）",
    "en": "the national holiday rules (2024 revision)",
}

_NEW_YEAR = ("元旦", "New Year's Day")
_SPRING = ("春节", "Spring Festival")
_QINGMING = ("清明节", "Qingming Festival")
_LABOUR = ("劳动节", "Labour Day")
_DRAGON = ("端午节", "Dragon Boat Festival")
_MID_AUTUMN = ("中秋节", "Mid-Autumn Festival")
_NATIONAL = ("国庆节", "National Day")


def _solar(lunar_month: int, lunar_day: int, year: int) -> dt.date:
    s = Lunar.fromYmd(year, lunar_month, lunar_day).getSolar()
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


def _qingming(year: int) -> dt.date:
    # The Qingming solar term falls on 4-6 April; the lunar-python solar-term table of the
    # lunar year around 1 April holds it (times are Beijing time).
    s = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


@lru_cache(maxsize=32)
def statutory_holidays(year: int) -> dict[dt.date, tuple[str, str]]:
    """The statutory holidays of `year` (date -> (name zh, name en)); empty before FIRST_YEAR."""
    if year < FIRST_YEAR:
        return {}
    days: dict[dt.date, tuple[str, str]] = {dt.date(year, 1, 1): _NEW_YEAR}
    first = _solar(1, 1, year)
    for offset in range(-1, 3):  # the eve (除夕) and the first three days
        days[first + dt.timedelta(days=offset)] = _SPRING
    days[_qingming(year)] = _QINGMING
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = _LABOUR
    days[_solar(5, 5, year)] = _DRAGON
    days[_solar(8, 15, year)] = _MID_AUTUMN
    for d in (1, 2, 3):
        days[dt.date(year, 10, d)] = _NATIONAL
    return days
