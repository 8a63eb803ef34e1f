"""A sender's own rate (the WeCom robot takes 20 messages a minute): this worker's sends in a
moving window, when the next slot frees, and how to fold a backlog into one message.

A sender opts in with `rate = (messages, seconds)` and `combine(payloads) -> (payload, used)`.
Counts are per worker process; a robot shared by several workers may still answer "rate
limited", which the sender reports as a temporary failure with Retry-After.
"""

from __future__ import annotations

import datetime as dt
from collections import deque

__all__ = ("Pacer",)


class Pacer:
    """Send times per sender within its window."""

    def __init__(self) -> None:
        self._sent: dict[str, deque[dt.datetime]] = {}

    def _window(self, name: str, rate: tuple[int, float], now: dt.datetime) -> deque[dt.datetime]:
        times = self._sent.setdefault(name, deque())
        while times and now - times[0] >= dt.timedelta(seconds=rate[1]):
            times.popleft()
        return times

    def free_at(self, name: str, rate: tuple[int, float], now: dt.datetime) -> dt.datetime | None:
        """None when a send may go now, else when the next slot frees."""
        times = self._window(name, rate, now)
        if len(times) < rate[0]:
            return None
        return times[0] + dt.timedelta(seconds=rate[1])

    def remaining(self, name: str, rate: tuple[int, float], now: dt.datetime) -> int:
        """Sends left in the current window."""
        return rate[0] - len(self._window(name, rate, now))

    def record(self, name: str, now: dt.datetime) -> None:
        """One send (a request the remote side counts, whatever its answer)."""
        self._sent.setdefault(name, deque()).append(now)
