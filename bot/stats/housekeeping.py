"""The daily step of the figures, run by the outbox worker's housekeeping pass: store the
finished days, drop sums of the previous roll-up, and sum the standard periods (this and last
week, month, quarter, year) so the dashboard's first view of the day is as quick as the rest."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from bot.stats.figures import stored_range
from bot.stats.periods import Period, period_for
from bot.stats.rollup import refresh, rolled_through
from storage.stats import StatsRange

__all__ = ("roll_up", "warm")

logger = logging.getLogger(__name__)
_DAY = dt.timedelta(days=1)


def warm(session: Session, today: dt.date) -> int:
    """Sum the stored days of the standard periods and their previous ones; returns how many
    sums were computed or found."""
    through = rolled_through(session)
    if through is None:
        return 0
    session.exec(delete(StatsRange).where(col(StatsRange.through) != through))
    session.commit()
    done = 0
    periods = []
    for kind in ("week", "month", "quarter", "year"):
        current = period_for(kind, today)
        periods += [current, current.previous()]
    for month in range(1, today.month + 1):  # the month-by-month chart
        start = dt.date(today.year, month, 1)
        periods.append(Period(start, (start + dt.timedelta(days=31)).replace(day=1) - _DAY))
    for period in periods:
        if period.start <= through:
            stored_range(session, period.start, min(period.end, through), through)
            done += 1
    return done


def roll_up(engine: Engine, tz: str, now: dt.datetime) -> int:
    """Store the finished days (work once a day) and warm the period sums. A failure is logged
    and retried on the next pass; readers count what is not stored from the raw rows."""
    today = now.astimezone(ZoneInfo(tz)).date()
    try:
        with Session(engine) as session:
            days = refresh(session, tz, today)
            if days:
                warm(session, today)
            return days
    except Exception:
        logger.exception("stats roll-up failed")
        return 0
