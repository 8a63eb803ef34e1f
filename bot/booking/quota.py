"""Bookings per network address per day, counted in the rate-limit storage the web guard uses
(memory per worker, or Redis shared between workers: TMBOT_RATE_LIMIT_STORAGE).

The database knows each booking's user, not the address it came from; throw-away ids from one
address are what this limit stops.
"""

from __future__ import annotations

from functools import cache

from limits import RateLimitItemPerDay
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.core.settings import Settings

__all__ = ("address_may_book", "count_address_booking")


@cache
def _limiter(storage: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage))


def _item(settings: Settings) -> RateLimitItemPerDay:
    return RateLimitItemPerDay(settings.booking_max_per_address_day)


def address_may_book(settings: Settings, address: str) -> bool:
    """Whether `address` has bookings left today."""
    limiter = _limiter(settings.rate_limit_storage)
    return bool(limiter.test(_item(settings), "booking", settings.database_url, address))


def count_address_booking(settings: Settings, address: str) -> None:
    """Count one booking made from `address`."""
    # Per database too: one process serving several stations (or tests) keeps them apart.
    _limiter(settings.rate_limit_storage).hit(
        _item(settings), "booking", settings.database_url, address
    )
