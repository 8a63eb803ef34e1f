"""The rate limiter's storage: `limits`' own, except in memory, where expiry is swept inline.

`limits`' memory storage forgets expired hits in a `threading.Timer` it starts 10 ms after a
hit whenever the previous one has finished: under steady traffic, a new thread for about every
other request (about 0.2 ms of CPU each, and a pause of the event loop while it starts), which
was a tenth of a WeChat turn's CPU. The limiter's decisions never depended on that sweep (the
moving window reads its entries' times), so here the same sweep runs in the request that finds
it due, at most once a second: the same answers, no threads, and memory still bounded (what a
window holds plus at most a second of hits).
"""

from __future__ import annotations

import threading
import time

from limits.aio.storage import Storage as AsyncStorage
from limits.storage import MemoryStorage, Storage, storage_from_string

__all__ = ("SWEEP_SECONDS", "InlineExpiryMemoryStorage", "rate_storage")

SWEEP_SECONDS = 1.0


class InlineExpiryMemoryStorage(MemoryStorage):
    """`limits.storage.MemoryStorage` whose expiry sweep runs inline, at most every
    SWEEP_SECONDS, instead of in a new timer thread."""

    def __init__(self, uri: str | None = None) -> None:
        super().__init__(uri)  # starts one 10 ms timer: the last one
        self._sweep_lock = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    # Replaces MemoryStorage's private `__schedule_expiry` (name-mangled), which every hit calls.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
        finally:
            self._sweep_lock.release()


def rate_storage(uri: str) -> Storage | AsyncStorage:
    """The storage `uri` names (`memory://`, `redis://...`), memory without timer threads."""
    if uri.startswith("memory://"):
        return InlineExpiryMemoryStorage(uri)
    return storage_from_string(uri)
