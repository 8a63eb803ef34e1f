"""The station's figures: one module set for the dashboard, the annual report and `tmbot stats`."""

from bot.stats.figures import MONTH_FIELDS, compute, monthly, station_today
from bot.stats.periods import KINDS, Period, day_bounds, period_for

__all__ = (
    "KINDS",
    "MONTH_FIELDS",
    "Period",
    "compute",
    "day_bounds",
    "monthly",
    "period_for",
    "station_today",
)
