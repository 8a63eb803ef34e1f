"""How legal periods are counted (商标法实施条例 第十二条, the Implementing Regulations Art. 12).

Art. 12, as applied here:
1. The day on which a period starts is not counted.
2. A period in months or years ends on the corresponding day of its last month; if that
   month has no such day, on the last day of that month (``add_months``).
3. The registration term is special: it counts from the registration day itself, so it
   ends on the day *before* the corresponding day ten years on; if that month has no such
   day, on the last day of that month (``term_expiry``).
4. A period whose last day is a public holiday ends on the next working day. Weekends
   count as such holidays; an official make-up working day (调休) is a working day and
   moves nothing (``Deadline``).
5. For a year whose arrangement is not announced yet, the statutory holidays fixed by the
   national holiday rules and weekends count; no 调休 is guessed, the answer says the
   arrangement is not published, and the fallback is logged as a warning.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass

from knowledge.tools.workdays import DayInfo, HolidayCalendar, load_calendar

__all__ = ("Deadline", "add_days", "add_months", "deadline", "status_date", "term_expiry")

log = logging.getLogger(__name__)
_LOGGED: set[tuple[str, int]] = set()  # (table, year) already warned about in this process


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later (or earlier); the month's last day if none."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_days(start: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` days starting on `start` (start not counted)."""
    return start + dt.timedelta(days=days)


def term_expiry(start: dt.date, years: int = 10) -> dt.date:
    """Last day of a term of `years` years that counts `start` itself (Reg. Art. 12 para. 2).

    ``2016-03-14`` → ``2026-03-13``. For ``2016-02-29`` the year-2026 February has no
    29th, so the term ends on the last day of that month, ``2026-02-28`` (the rule names the
    month's last day, not the day before it).
    """
    year, month = start.year + years, start.month
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return dt.date(year, month, last)
    return dt.date(year, month, start.day) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    """A computed period end: the date by the counting rule and the date after any move."""

    nominal: dt.date
    due: dt.date
    skipped: tuple[DayInfo, ...] = ()
    nominal_day: DayInfo | None = None
    move_applies: bool = True
    uncovered_years: tuple[int, ...] = ()  # after the table: holidays not announced yet
    older_years: tuple[int, ...] = ()  # before the table's first year

    @property
    def moved(self) -> bool:
        """Whether the working-day rule moved the last day."""
        return self.due != self.nominal

    @property
    def kept_on_makeup_day(self) -> bool:
        """The last day is a weekend day that is an official make-up working day."""
        return self.nominal_day is not None and self.nominal_day.kind == "makeup_workday"

    def move_note(self, lang: str = "zh") -> str:
        """Say whether and why the last day moved; empty when nothing needs saying."""
        parts: list[str] = []
        if not self.move_applies:
            return ""
        if self.moved:
            first = self.skipped[0]
            if lang == "en":
                why = ", ".join(d.describe("en") for d in self.skipped)
                parts.append(
                    f"{first.date.isoformat()} is not a working day ({why}), so the last day "
                    f"moves to the next working day, {self.due.isoformat()} (Reg. Art. 12)."
                )
            else:
                why = "、".join(d.describe("zh") for d in self.skipped)
                parts.append(
                    f"{first.date.isoformat()} 不是工作日（{why}），期限顺延至其后第一个工作日 "
                    f"{self.due.isoformat()}（实施条例第十二条）。"
                )
        elif self.kept_on_makeup_day and self.nominal_day is not None:
            if lang == "en":
                parts.append(
                    f"{self.nominal_day.describe('en')}: a make-up working day counts as a "
                    "working day, so the deadline does not move."
                )
            else:
                parts.append(
                    f"{self.nominal_day.describe('zh')}是调休上班日，属于工作日，期限不顺延。"
                )
        if self.older_years:
            years = ", ".join(str(y) for y in self.older_years)
            if lang == "en":
                parts.append(
                    f"The holiday table does not cover {years}, so only weekends were taken into account."
                )
            else:
                parts.append(f"节假日表未收录{years}年，本结果只考虑了周末。")
        if self.uncovered_years:
            parts.append(self._unpublished_note(lang))
        return " ".join(parts)

    def _unpublished_note(self, lang: str) -> str:
        years = ", ".join(str(y) for y in self.uncovered_years)
        # A weekend day skipped in such a year may yet be declared a make-up working day.
        weekends = [
            d.date.isoformat() for d in self.skipped if d.kind == "weekend" and not d.covered
        ]
        if lang == "en":
            text = (
                f"The official holiday arrangement for {years} is not yet published: this date "
                "counts the statutory holidays fixed by the national holiday rules and weekends, "
                "and no make-up working day is guessed. The announced arrangement may move the "
                "deadline later, never earlier than this date"
            )
            if weekends:
                text += (
                    f"; if {' or '.join(weekends)} is declared a make-up working day, the "
                    f"deadline is that day, so to be safe file by {self.nominal.isoformat()}"
                )
            return text + "."
        text = (
            f"{years}年的放假安排国务院办公厅尚未公布：本结果按《全国年节及纪念日放假办法》规定的"
            "法定节假日和周末计算，没有猜测调休；正式安排公布后期限可能更晚，不会早于本结果"
        )
        if weekends:
            text += (
                f"（如果{'、'.join(weekends)}中某天被定为调休上班日，期限就是那一天；"
                f"稳妥起见请不晚于 {self.nominal.isoformat()} 提交）"
            )
        return text + "。"


def deadline(nominal: dt.date, calendar_: HolidayCalendar | None = None) -> Deadline:
    """Apply the working-day rule (Reg. Art. 12) to a period's last day."""
    cal = calendar_ or load_calendar()
    skipped = cal.skipped_days(nominal)
    due = cal.working_day_on_or_after(nominal)
    missing = {d.year for d in (nominal, due) if not cal.covers(d)}
    last = max(cal.years, default=0)
    newer = tuple(sorted(y for y in missing if y > last))
    older = tuple(sorted(y for y in missing if y <= last))
    if missing and (key := (cal.source_file, max(missing))) not in _LOGGED:
        # Loud on purpose (once per table and year): deadlines without the official arrangement.
        _LOGGED.add(key)
        log.warning(
            "holiday table %s has no arrangement for %s: deadline %s computed from statutory "
            "holidays and weekends only; import the State Council notice (tmbot holidays import)",
            cal.source_file or "(bundled)",
            ", ".join(str(y) for y in sorted(missing)),
            nominal.isoformat(),
        )
    return Deadline(nominal, due, skipped, cal.day_info(nominal), True, newer, older)


def status_date(nominal: dt.date) -> Deadline:
    """A date that is not a time limit for an act (e.g. the end of a term): never moved."""
    return Deadline(nominal, nominal, move_applies=False)
