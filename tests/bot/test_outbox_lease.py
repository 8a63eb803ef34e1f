"""Leases: a live worker's claim is renewed while its send runs (no second send by another
worker), and a dead worker's claim comes back after the short lease (seconds, not minutes)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.delivery.worker import OutboxWorker
from storage.outbox import LEASE, OutboxMessage, claim_due, enqueue

T0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)


class SlowSender:
    """Blocks in `send` until released, like a remote that takes its time."""

    name = "slow"

    def __init__(self, block: bool = True) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        self.sent: list[str] = []
        if not block:
            self.release.set()

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        self.started.set()
        assert self.release.wait(30), "the test never released the send"
        self.sent.append(str(payload["text"]))


def _queue(runtime: Runtime) -> int:
    with Session(runtime.engine) as session:
        row = enqueue(session=session, sender="slow", recipient="r", payload={"text": "hi"})
        session.commit()
        return row.id or 0


def _row(runtime: Runtime, row_id: int) -> OutboxMessage:
    with Session(runtime.engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def test_a_live_workers_claim_is_renewed_while_it_sends(runtime: Runtime) -> None:
    clock = FixedClock(T0)
    slow, other = SlowSender(), SlowSender(block=False)
    a = OutboxWorker(runtime.engine, {"slow": slow}, clock=clock, heartbeat_every=0.01)
    b = OutboxWorker(runtime.engine, {"slow": other}, clock=clock, heartbeat_every=0.01)
    row_id = _queue(runtime)
    running = threading.Thread(target=a.run_once)
    running.start()
    try:
        assert slow.started.wait(10)
        clock.at = T0 + LEASE * 3  # the send outlives its first lease three times over
        for _ in range(1000):  # wait for a heartbeat after the clock moved (no timing assertion)
            if _row(runtime, row_id).next_attempt_at > clock.at:
                break
            threading.Event().wait(0.01)
        assert _row(runtime, row_id).next_attempt_at > clock.at  # renewed
        assert b.run_once() == 0  # still A's
    finally:
        slow.release.set()
        running.join(10)
    assert slow.sent == ["hi"] and other.sent == []
    assert _row(runtime, row_id).status == "sent"


def test_a_dead_workers_rows_come_back_after_the_short_lease(runtime: Runtime) -> None:
    clock = FixedClock(T0)
    row_id = _queue(runtime)
    with Session(runtime.engine, expire_on_commit=False) as session:
        assert len(claim_due(session=session, now=T0)) == 1  # claimed, then the worker died
    survivor = SlowSender(block=False)
    worker = OutboxWorker(runtime.engine, {"slow": survivor}, clock=clock)
    clock.at = T0 + LEASE - dt.timedelta(seconds=1)
    assert worker.run_once() == 0  # the dead worker's lease still holds
    clock.at = T0 + LEASE
    assert worker.run_once() == 1
    assert survivor.sent == ["hi"] and _row(runtime, row_id).status == "sent"
    assert dt.timedelta(seconds=30) >= LEASE  # seconds, not the old 2 minutes
