"""Consultation slots: cut from weekly rules and dated exceptions in station time, kept in UTC.

A slot is free when it is not held by an active booking, starts after `now + cut-off`, and
does not fall on a public holiday (unless the expert added extra hours that day).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage.bookings import taken_slots
from storage.experts import AvailabilityException, AvailabilityRule, exceptions_of, rules_of

__all__ = ("Slot", "free_slots", "is_holiday", "parse_key", "slots_for_day")

logger = logging.getLogger(__name__)
_KEY_FORMAT = "%Y%m%dT%H%MZ"


@dataclass(frozen=True, order=True)
class Slot:
    """One consultation slot of one expert; `start`/`end` are UTC-aware."""

    start: dt.datetime
    expert_id: int
    end: dt.datetime

    @property
    def key(self) -> str:
        """Compact UTC stamp for payloads, e.g. 20261126T0600Z (fits Telegram's 64 bytes)."""
        return self.start.astimezone(dt.UTC).strftime(_KEY_FORMAT)


def parse_key(key: str) -> dt.datetime:
    """The UTC start a slot key stands for; ValueError if malformed."""
    return dt.datetime.strptime(key, _KEY_FORMAT).replace(tzinfo=dt.UTC)


def is_holiday(day: dt.date) -> bool:
    """Whether `day` is a Chinese public holiday (when the holiday table is installed)."""
    try:
        from knowledge.tools.workdays import load_calendar
    except ImportError:  # the tools feature is optional
        return False
    try:
        return day in load_calendar().holidays
    except Exception:  # a broken table must not stop bookings; tools report it
        logger.warning("holiday table unavailable; booking ignores public holidays")
        return False


Window = tuple[dt.time, dt.time, int, int]  # start, end, slot minutes, buffer minutes


def _windows(
    day: dt.date,
    rules: Sequence[AvailabilityRule],
    exceptions: Sequence[AvailabilityException],
    holiday: Callable[[dt.date], bool],
) -> tuple[list[Window], list[tuple[dt.time, dt.time]]]:
    todays = [e for e in exceptions if e.day == day]
    extra = [
        (e.start, e.end, e.slot_minutes, e.buffer_minutes)
        for e in todays
        if e.kind == "extra" and e.start and e.end
    ]
    leave = [e for e in todays if e.kind == "leave"]
    if any(e.start is None or e.end is None for e in leave):
        return extra, []  # a whole day off keeps only explicitly added hours
    blocked = [(e.start, e.end) for e in leave if e.start and e.end]
    if holiday(day):
        return extra, blocked
    weekly = [
        (r.start, r.end, r.slot_minutes, r.buffer_minutes)
        for r in rules
        if r.weekday == day.weekday()
    ]
    return weekly + extra, blocked


def slots_for_day(
    *,
    expert_id: int,
    day: dt.date,
    rules: Sequence[AvailabilityRule],
    exceptions: Sequence[AvailabilityException],
    tz: ZoneInfo,
    holiday: Callable[[dt.date], bool] = is_holiday,
) -> list[Slot]:
    """Every slot of the expert on `day` (station date), before removing booked ones."""
    windows, blocked = _windows(day, rules, exceptions, holiday)
    found: set[Slot] = set()
    for w_start, w_end, minutes, buffer in windows:
        at = dt.datetime.combine(day, w_start, tzinfo=tz)
        stop = dt.datetime.combine(day, w_end, tzinfo=tz)
        while at + dt.timedelta(minutes=minutes) <= stop:
            end = at + dt.timedelta(minutes=minutes)
            if not any(at.time() < b_end and end.time() > b_start for b_start, b_end in blocked):
                found.add(Slot(at.astimezone(dt.UTC), expert_id, end.astimezone(dt.UTC)))
            at = end + dt.timedelta(minutes=buffer)
    return sorted(found)


def free_slots(
    *,
    session: Session,
    expert_ids: Iterable[int],
    now: dt.datetime,
    tz: ZoneInfo,
    cutoff: dt.timedelta,
    days_ahead: int,
    day: dt.date | None = None,
    holiday: Callable[[dt.date], bool] = is_holiday,
) -> list[Slot]:
    """Bookable slots of these experts, soonest first: on `day`, or over the next days."""
    ids = list(expert_ids)
    today = now.astimezone(tz).date()
    first, last = (day, day) if day else (today, today + dt.timedelta(days=days_ahead))
    if first < today or first > today + dt.timedelta(days=days_ahead):
        return []
    earliest = now + cutoff
    slots: list[Slot] = []
    for expert_id in ids:
        rules = rules_of(session=session, expert_id=expert_id)
        exceptions = exceptions_of(session=session, expert_id=expert_id, start=first, end=last)
        current = first
        while current <= last:
            slots += slots_for_day(
                expert_id=expert_id,
                day=current,
                rules=rules,
                exceptions=exceptions,
                tz=tz,
                holiday=holiday,
            )
            current += dt.timedelta(days=1)
    slots = [s for s in slots if s.start >= earliest]
    if not slots:
        return []
    taken = taken_slots(
        session=session,
        expert_ids=ids,
        start=slots[0].start if len(ids) == 1 else min(s.start for s in slots),
        end=max(s.end for s in slots),
    )
    return sorted(s for s in slots if (s.expert_id, s.start) not in taken)
