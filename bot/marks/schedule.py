"""A mark's term dates and reminder milestones, from the renewal tools (knowledge/tools).

All statutory counting (window, expiry moved to the next working day, grace period end) comes
from `knowledge.tools.renewal_status`; this module only names the reminder milestones:

- window: the renewal window opens (12 months before expiry)
- 6m, 2m, 2w: 6 months, 2 months, 2 weeks before expiry
- expiry: the first day after the last day without surcharge (grace period, late fee)
- grace-2m, grace-2w: 2 months and 2 weeks before the grace period's (moved) last day
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.tools import (
    FeeTable,
    HolidayCalendar,
    RenewalPhase,
    RenewalResult,
    add_months,
    load_calendar,
    load_fee_table,
    renewal_status,
)

__all__ = (
    "MILESTONES",
    "Milestone",
    "Tables",
    "TermDates",
    "current_milestone",
    "expiry_from_registration",
    "milestones",
    "next_milestone",
    "phase",
    "status_on",
    "term_dates",
)

MILESTONES = ("window", "6m", "2m", "2w", "expiry", "grace-2m", "grace-2w")


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key
class Tables:
    """The holiday calendar and fee table, loaded once per pass."""

    calendar: HolidayCalendar
    fees: FeeTable

    @classmethod
    def load(cls, holidays_file: Path | None = None, fees_file: Path | None = None) -> Tables:
        """The configured (or bundled) tables; the same object per pair of files, so the term
        dates cached for it serve every pass of the process."""
        return _tables(holidays_file, fees_file)


@lru_cache(maxsize=8)
def _tables(holidays_file: Path | None, fees_file: Path | None) -> Tables:
    return Tables(load_calendar(holidays_file), load_fee_table(fees_file))


@dataclass(frozen=True)
class TermDates:
    """The dates of one term that do not depend on today."""

    expiry: dt.date
    window_opens: dt.date
    window_due: dt.date  # last day without surcharge (moved off holidays)
    grace_due: dt.date  # last day of the grace period (moved off holidays)


@dataclass(frozen=True)
class Milestone:
    """One reminder point of a term."""

    key: str
    due: dt.date


def status_on(expiry: dt.date, today: dt.date, tables: Tables, classes: int = 1) -> RenewalResult:
    """The tools' full renewal result for a term ending on `expiry`, as seen on `today`."""
    return renewal_status(
        today=today,
        expiry_date=expiry,
        classes=max(classes, 1),
        calendar=tables.calendar,
        fees=tables.fees,
    )


def term_dates(expiry: dt.date, tables: Tables) -> TermDates:
    """Window and grace dates of the term ending on `expiry` (cached: many marks share a day)."""
    return _term_dates(expiry, tables)


@lru_cache(maxsize=8192)
def _term_dates(expiry: dt.date, tables: Tables) -> TermDates:
    r = status_on(expiry, expiry, tables)
    return TermDates(expiry, r.window_opens, r.window_end.due, r.grace_end.due)


def milestones(expiry: dt.date, tables: Tables) -> list[Milestone]:
    """Every reminder milestone of the term ending on `expiry`, in date order."""
    d = term_dates(expiry, tables)
    return [
        Milestone("window", d.window_opens),
        Milestone("6m", add_months(expiry, -6)),
        Milestone("2m", add_months(expiry, -2)),
        Milestone("2w", expiry - dt.timedelta(days=14)),
        Milestone("expiry", d.window_due + dt.timedelta(days=1)),
        Milestone("grace-2m", add_months(d.grace_due, -2)),
        Milestone("grace-2w", d.grace_due - dt.timedelta(days=14)),
    ]


def current_milestone(expiry: dt.date, today: dt.date, tables: Tables) -> Milestone | None:
    """The latest milestone reached by `today` (only that one is sent: a mark added late gets
    one reminder, not every one it missed); None before the window or after the grace period."""
    if today > term_dates(expiry, tables).grace_due:
        return None
    reached = [m for m in milestones(expiry, tables) if m.due <= today]
    return reached[-1] if reached else None


def next_milestone(expiry: dt.date, today: dt.date, tables: Tables) -> Milestone | None:
    """The first milestone after `today`, if any."""
    return next((m for m in milestones(expiry, tables) if m.due > today), None)


def phase(expiry: dt.date, today: dt.date, tables: Tables) -> tuple[str, dt.date, int]:
    """(upcoming | window | grace | lapsed, its deadline, days left) for the term on `today`."""
    d = term_dates(expiry, tables)
    if today < d.window_opens:
        return "upcoming", d.window_due, (d.window_due - today).days
    if today <= d.window_due:
        return "window", d.window_due, (d.window_due - today).days
    if today <= d.grace_due:
        return "grace", d.grace_due, (d.grace_due - today).days
    return "lapsed", d.grace_due, (d.grace_due - today).days


def expiry_from_registration(
    registration: dt.date, today: dt.date, tables: Tables
) -> tuple[dt.date, bool]:
    """The expiry of the term open today, and whether renewals were assumed.

    The first term's expiry as the tools compute it; when that term was lost more than a year
    ago the mark, still listed, was most likely renewed, so the tools' "if renewed" term is used.
    """
    r = renewal_status(
        today=today, registration_date=registration, calendar=tables.calendar, fees=tables.fees
    )
    recent_loss = r.grace_end.due >= today - dt.timedelta(days=365)
    if r.phase == RenewalPhase.LOST and not recent_loss and r.if_renewed_expiry is not None:
        return r.if_renewed_expiry, True
    return r.expiry, False
