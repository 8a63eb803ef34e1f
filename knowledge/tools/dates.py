"""Find and parse a date the way users type it, without ever guessing.

Understood forms (full-width digits are normalised first):
- year first: ``2016-03-07``, ``2016/3/7``, ``2016.3.7``, ``20160307``
- Chinese: ``2016年3月7日``, ``16年3月7日``, ``二〇一六年三月七日``
- English: ``March 7 2016``, ``March 7th, 2016``, ``7 Mar 2016``, ``Mar. 7, 2016``, ``7-Mar-2016``
- a month without its day: ``2016年3月``, ``March 2016``, ``Mar. 2016`` (``Ambiguous``, missing_day)
- numeric with the year last: ``13/03/2016`` (only one reading is a real date)
- ``今天`` / ``today`` and ``昨天`` / ``yesterday``

The result is a ``ParsedDate``, an ``Ambiguous`` (``03/07/2016``: 3 July or March 7?
``3月7日`` without a year) or an ``Invalid`` (``2015-02-29``, ``2016-13-01``, nothing
found). The caller turns the last two into a question back to the user.

Why not ``dateutil.parser`` or ``dateparser``: both fill missing parts from defaults and
silently pick a day/month order for ``03/07/2016``, which is exactly the guess a legal
deadline must not rest on. The rules here are few, explicit and tested.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

__all__ = (
    "Ambiguous",
    "DateResult",
    "Invalid",
    "ParsedDate",
    "find_dates",
    "parse_date",
    "year_month",
)

AmbiguousReason = Literal["day_month_order", "missing_year", "missing_day"]
InvalidReason = Literal["not_found", "impossible", "out_of_range"]

# Trademark law in the PRC starts in 1983; anything earlier is a typo.
_MIN_YEAR = 1950
_MAX_YEARS_AHEAD = 50


@dataclass(frozen=True)
class ParsedDate:
    """A date read from the text with exactly one possible meaning."""

    value: dt.date
    text: str
    start: int = 0
    end: int = 0
    note: str = ""


@dataclass(frozen=True)
class Ambiguous:
    """A date that has more than one reading, or lacks a part; ask the user."""

    text: str
    reason: AmbiguousReason
    candidates: tuple[dt.date, ...] = ()
    start: int = 0
    end: int = 0

    def question(self, lang: str = "zh") -> str:
        """Return the clarifying question to send back."""
        opts = " / ".join(_fmt(d, lang) for d in self.candidates)
        if self.reason == "day_month_order":
            if lang == "en":
                return f"“{self.text}” can be read as {opts}. Which one do you mean? Please write it as YYYY-MM-DD."
            return f"“{self.text}”可以理解为 {opts}，请问是哪一天？请按“2016年3月7日”或“2016-03-07”的格式告诉我。"
        if self.reason == "missing_year":
            if lang == "en":
                return f"Which year is “{self.text}”? Please give the full date, e.g. 2016-03-07."
            return f"“{self.text}”是哪一年？请告诉我完整日期，例如“2016年3月7日”。"
        if lang == "en":
            return f"“{self.text}” has no day. Please give the full date, e.g. 2016-03-07."
        return f"“{self.text}”缺少具体哪一天，请告诉我完整日期，例如“2016年3月7日”。"


@dataclass(frozen=True)
class Invalid:
    """No usable date: none found, or one that does not exist."""

    text: str
    reason: InvalidReason
    detail: str = ""
    start: int = 0
    end: int = 0
    candidates: tuple[dt.date, ...] = field(default=())

    def question(self, lang: str = "zh") -> str:
        """Return the message asking the user for a correct date."""
        if self.reason == "not_found":
            if lang == "en":
                return "I could not find a date. Please give it as YYYY-MM-DD, e.g. 2016-03-07."
            return "没有找到日期，请按“2016年3月7日”或“2016-03-07”的格式告诉我。"
        if self.reason == "out_of_range":
            if lang == "en":
                return f"“{self.text}” is outside the range I can check. Please check the year."
            return f"“{self.text}”的年份超出可计算范围，请核对年份。"
        if lang == "en":
            return f"“{self.text}” is not a real date ({self.detail}). Please check it."
        return f"“{self.text}”不是一个存在的日期（{self.detail}），请核对后再告诉我。"


DateResult = ParsedDate | Ambiguous | Invalid


def parse_date(text: str, today: dt.date) -> DateResult:
    """Return the first date found in `text` (a bare date or inside a sentence)."""
    found = find_dates(text, today)
    if not found:
        return Invalid(text=text.strip(), reason="not_found")
    return found[0]


def find_dates(text: str, today: dt.date) -> list[DateResult]:
    """Return every date-like expression in `text`, in order of appearance."""
    norm = _normalise(text)
    taken: list[tuple[int, int]] = []
    results: list[DateResult] = []
    for pattern, handler in _RULES if _DIGIT.search(norm) else _WORD_RULES:
        for m in pattern.finditer(norm):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            result = handler(m, today)
            if result is None:
                continue
            taken.append((m.start(), m.end()))
            results.append(result)
    results.sort(key=lambda r: r.start)
    return [_with_year_word(r, norm, today) for r in results]


_YEAR_WORDS = (
    (re.compile(r"今年|\bthis year\b", re.IGNORECASE), 0),
    (re.compile(r"去年|\blast year\b", re.IGNORECASE), -1),
    (re.compile(r"明年|\bnext year\b", re.IGNORECASE), 1),
)


def _with_year_word(result: DateResult, text: str, today: dt.date) -> DateResult:
    """A day and month whose year the message says in words ("10/30 this year", "去年3月5号")."""
    if (
        not isinstance(result, Ambiguous)
        or result.reason != "missing_year"
        or not result.candidates
    ):
        return result
    said = [shift for rx, shift in _YEAR_WORDS if rx.search(text)]
    if len(said) != 1:
        return result
    month, day = result.candidates[0].month, result.candidates[0].day
    year = today.year + said[0]
    if not _valid(year, month, day):
        return result
    return ParsedDate(
        value=dt.date(year, month, day), text=result.text, start=result.start, end=result.end
    )


# --- normalisation -------------------------------------------------------------------

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = re.compile(r"[〇零○一二两三四五六七八九十]+(?=[年月日号])")


def _cn_to_int(s: str) -> str:
    if "十" not in s:  # year digits written one by one: 二〇一六
        return "".join(str(_CN_DIGITS[c]) for c in s)
    tens, _, ones = s.partition("十")
    value = (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return str(value)


def _normalise(text: str) -> str:
    # NFKC turns full-width digits and punctuation into ASCII; lengths stay equal for these.
    out = unicodedata.normalize("NFKC", text)
    return _CN_NUM.sub(lambda m: _cn_to_int(m.group(0)), out)


# --- helpers -------------------------------------------------------------------------

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH_RE = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"


def _fmt(d: dt.date, lang: str) -> str:
    if lang == "en":
        return d.strftime("%d %B %Y").lstrip("0")
    return f"{d.year}年{d.month}月{d.day}日"


def _year(raw: str, today: dt.date) -> tuple[int, str]:
    """Expand a two-digit year: 16 → 2016 unless that is more than 10 years ahead."""
    if len(raw) == 4:
        return int(raw), ""
    yy = int(raw)
    full = 2000 + yy if 2000 + yy <= today.year + 10 else 1900 + yy
    return full, f"two-digit year {raw} read as {full}"


def _build(
    y: int, m: int, d: int, m_obj: re.Match[str], today: dt.date, note: str = ""
) -> DateResult:
    text, start, end = m_obj.group(0), m_obj.start(), m_obj.end()
    problem = _impossible(y, m, d)
    if problem:
        return Invalid(text=text, reason="impossible", detail=problem, start=start, end=end)
    if not (_MIN_YEAR <= y <= today.year + _MAX_YEARS_AHEAD):
        return Invalid(text=text, reason="out_of_range", detail=f"year {y}", start=start, end=end)
    return ParsedDate(value=dt.date(y, m, d), text=text, start=start, end=end, note=note)


def _impossible(y: int, m: int, d: int) -> str:
    if not 1 <= m <= 12:
        return f"month {m} does not exist"
    last = calendar.monthrange(y, m)[1]
    if not 1 <= d <= last:
        if m == 2 and d == 29:
            return f"{y} is not a leap year: February has 28 days"
        return f"{calendar.month_name[m]} {y} has {last} days"
    return ""


def _valid(y: int, m: int, d: int) -> bool:
    return _impossible(y, m, d) == ""


# --- rules (tried in this order; earlier matches win overlapping spans) ---------------

_NB = r"(?<![\d])"  # not preceded by a digit
_NA = r"(?![\d])"  # not followed by a digit


def _rule_chinese(m: re.Match[str], today: dt.date) -> DateResult | None:
    y_raw, mo, d = m.group("y"), m.group("m"), m.group("d")
    if y_raw is None:
        if d is None:
            return None  # a bare "3月" is too vague to be a date mention
        return _missing_year(int(mo), int(d), m, today)
    y, note = _year(y_raw, today)
    if d is None:
        return Ambiguous(text=m.group(0), reason="missing_day", start=m.start(), end=m.end())
    return _build(y, int(mo), int(d), m, today, note)


def _rule_month_year(m: re.Match[str], _today: dt.date) -> DateResult | None:
    return Ambiguous(text=m.group(0), reason="missing_day", start=m.start(), end=m.end())


# A month and year without the day ("registered in march 2016"): a rule below, and read back
# by `year_month` with the Chinese form.
_MONTH_YEAR = re.compile(
    r"\b(?P<mon>" + _MONTH_RE + r")[\s,]*(?:of\s+)?(?P<y>(?:19|20)\d{2})\b", re.IGNORECASE
)
_YEAR_MONTH = (re.compile(r"(?P<y>\d{4}|\d{2})\s*年\s*(?P<m>\d{1,2})\s*月"), _MONTH_YEAR)


def year_month(text: str) -> tuple[int, int] | None:
    """The (year, month) of a month named without its day ("2016年3月", "March 2016")."""
    text = unicodedata.normalize("NFKC", text)
    for rx in _YEAR_MONTH:
        if m := rx.search(text):
            year = int(m.group("y"))
            year += 2000 if year < 100 else 0
            mon = m.groupdict().get("mon")
            month = _MONTHS[mon.rstrip(".").lower()] if mon else int(m.group("m"))
            return (year, month) if 1 <= month <= 12 else None
    return None


def _missing_year(month: int, day: int, m: re.Match[str], today: dt.date) -> DateResult:
    """A day and month without the year: this year's or last year's, the user is asked."""
    cands = tuple(
        dt.date(y, month, day) for y in (today.year, today.year - 1) if _valid(y, month, day)
    )
    return Ambiguous(
        text=m.group(0), reason="missing_year", candidates=cands, start=m.start(), end=m.end()
    )


def _rule_slash_md(m: re.Match[str], today: dt.date) -> DateResult | None:
    """ "10/30": month/day as Chinese and US clerks write it, only when the order cannot be the
    other way round (a day past 12); "10/12" stays unread rather than guessed."""
    month, day = int(m.group("m")), int(m.group("d"))
    if not (1 <= month <= 12 and 12 < day <= 31):
        return None
    return _missing_year(month, day, m, today)


def _rule_month_day(m: re.Match[str], today: dt.date) -> DateResult | None:
    """ "November 30" / "30 Nov" without a year."""
    mon, day = (
        (m.group("mon"), m.group("d")) if m.group("mon") else (m.group("mon2"), m.group("d2"))
    )
    return _missing_year(_MONTHS[mon.rstrip(".").lower()], int(day), m, today)


def _rule_ymd(m: re.Match[str], today: dt.date) -> DateResult | None:
    return _build(int(m.group("y")), int(m.group("m")), int(m.group("d")), m, today)


def _rule_compact(m: re.Match[str], today: dt.date) -> DateResult | None:
    s = m.group(0)
    y, mo, d = int(s[:4]), int(s[4:6]), int(s[6:])
    if not _valid(y, mo, d):
        return None  # eight digits that are no date are more likely a registration number
    return _build(y, mo, d, m, today)


def _rule_month_first(m: re.Match[str], today: dt.date) -> DateResult | None:
    month = _MONTHS[m.group("mon").rstrip(".").lower()]
    y, note = _year(m.group("y"), today)
    return _build(y, month, int(m.group("d")), m, today, note)


def _rule_day_first(m: re.Match[str], today: dt.date) -> DateResult | None:
    month = _MONTHS[m.group("mon").rstrip(".").lower()]
    y, note = _year(m.group("y"), today)
    return _build(y, month, int(m.group("d")), m, today, note)


def _rule_numeric(m: re.Match[str], today: dt.date) -> DateResult | None:
    a, b, c = m.group("a"), m.group("b"), m.group("c")
    readings: list[tuple[int, int, int]] = []
    if len(c) >= 2 and len(a) <= 2:  # the year last: D/M/Y or M/D/Y
        y, _ = _year(c, today)
        readings += [(y, int(b), int(a)), (y, int(a), int(b))]
    if len(a) == 2 and len(c) <= 2:  # 16/3/7 and 16/03/07 may be Y/M/D
        y, _ = _year(a, today)
        readings.append((y, int(b), int(c)))
    if not readings:
        return None
    dates = sorted({dt.date(*r) for r in readings if _valid(*r)})
    if not dates:
        return _build(*readings[0], m, today)  # reports why the first reading is impossible
    if len(dates) == 1:
        return _build(dates[0].year, dates[0].month, dates[0].day, m, today)
    return Ambiguous(
        text=m.group(0),
        reason="day_month_order",
        candidates=tuple(dates),
        start=m.start(),
        end=m.end(),
    )


def _rule_relative(m: re.Match[str], today: dt.date) -> DateResult | None:
    word = m.group(0).lower()
    value = today if word in ("今天", "今日", "today") else today - dt.timedelta(days=1)
    return ParsedDate(
        value=value, text=m.group(0), start=m.start(), end=m.end(), note="relative to today"
    )


_RULES = (
    (
        re.compile(
            _NB
            + r"(?:(?P<y>\d{4}|\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号])?"
        ),
        _rule_chinese,
    ),
    (
        re.compile(
            _NB
            + r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})"
            + _NA
        ),
        _rule_ymd,
    ),
    (re.compile(_NB + r"(?:19|20)\d{6}" + _NA), _rule_compact),
    (
        re.compile(
            r"\b(?P<mon>"
            + _MONTH_RE
            + r")\s*(?P<d>\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:\s*,\s*|\s+)(?P<y>\d{4}|\d{2})\b",
            re.IGNORECASE,
        ),
        _rule_month_first,
    ),
    (
        re.compile(
            r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s-]*(?:of\s+)?(?P<mon>"
            + _MONTH_RE
            + r")[\s,-]*(?P<y>\d{4}|\d{2})\b",
            re.IGNORECASE,
        ),
        _rule_day_first,
    ),
    (_MONTH_YEAR, _rule_month_year),  # the day is asked
    (
        re.compile(
            _NB
            + r"(?P<a>\d{1,2}|\d{4})\s*(?P<sep>[-/.])\s*(?P<b>\d{1,2})\s*(?P=sep)\s*(?P<c>\d{4}|\d{1,2})"
            + _NA
        ),
        _rule_numeric,
    ),
    # Without a year (after the rules with one, which take their text first); "may" alone is
    # too often the verb ("we may 2 classes") to be read as a month here.
    (
        re.compile(
            r"\b(?P<mon>(?!may\b)" + _MONTH_RE + r")\s*(?P<d>\d{1,2})(?!\d)(?:st|nd|rd|th)?\b"
            r"|\b(?P<d2>\d{1,2})(?:st|nd|rd|th)?[\s-]*(?:of\s+)?(?P<mon2>(?!may\b)"
            + _MONTH_RE
            + r")(?![a-z])",
            re.IGNORECASE,
        ),
        _rule_month_day,
    ),
    (re.compile(_NB + r"(?P<m>\d{1,2})\s*/\s*(?P<d>\d{1,2})" + r"(?![\d/])"), _rule_slash_md),
    (re.compile(r"今天|今日|昨天|\btoday\b|\byesterday\b", re.IGNORECASE), _rule_relative),
)
# Every rule but the last needs a digit: a message without one (most) is read by that one alone.
_DIGIT = re.compile(r"\d")
_WORD_RULES = _RULES[-1:]
