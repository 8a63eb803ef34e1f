"""The in-memory rate-limit storage answers as `limits`' own, without a thread per hit."""

from __future__ import annotations

import threading
import time

import pytest
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from handlers.web import rate_store
from handlers.web.rate_store import InlineExpiryMemoryStorage, rate_storage


def test_hits_start_no_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    limiter = MovingWindowRateLimiter(rate_storage("memory://"))
    started: list[threading.Thread] = []
    original = threading.Thread.start

    def counting(thread: threading.Thread) -> None:
        started.append(thread)
        original(thread)

    monkeypatch.setattr(threading.Thread, "start", counting)
    for _ in range(15):  # spaced past limits' 10 ms timer, which restarts after each run
        assert limiter.hit(parse("100/minute"), "webhook", "10.0.0.1")
        time.sleep(0.015)
    assert started == []


def test_the_window_refuses_past_the_limit_and_expired_hits_are_swept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rate_store, "SWEEP_SECONDS", 0.0)
    storage = InlineExpiryMemoryStorage()
    limiter = MovingWindowRateLimiter(storage)
    item = parse("3/second")
    assert [limiter.hit(item, "chat", "a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(parse("3/second"), "chat", "b")  # per key
    time.sleep(1.05)
    assert limiter.hit(item, "chat", "a")  # the window has moved on
    assert len(storage.events["LIMITER/chat/a/3/1/second"]) == 1  # the old hits were dropped
