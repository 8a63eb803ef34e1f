"""The outbox worker: deliveries are retried with backoff, permanent failures stop, none is lost."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.delivery.worker import OutboxWorker, PermanentFailure, TemporaryFailure
from storage.outbox import OutboxMessage, enqueue
from tests.support.web import as_visitor, visitor_id


class FlakySender:
    name = "flaky"

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((recipient, dict(payload)))


def _queue(runtime: Runtime, **kw: Any) -> int:
    with Session(runtime.engine) as session:
        row = enqueue(session=session, sender="flaky", recipient="r1", payload={"text": "hi"}, **kw)
        session.commit()
        return row.id or 0


def _row(runtime: Runtime, row_id: int) -> OutboxMessage:
    with Session(runtime.engine) as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def test_down_then_up_is_delivered_once(runtime: Runtime) -> None:
    t0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    clock = FixedClock(t0)
    sender = FlakySender([TemporaryFailure("connection refused"), TemporaryFailure("503")])
    worker = OutboxWorker(runtime.engine, {"flaky": sender}, clock=clock)
    row_id = _queue(runtime, not_before=t0)
    assert worker.run_once() == 1 and _row(runtime, row_id).status == "pending"
    assert worker.run_once() == 0  # backing off: not due yet
    clock.at = t0 + dt.timedelta(seconds=6)
    worker.run_once()
    row = _row(runtime, row_id)
    assert row.status == "pending" and row.attempts == 2 and row.last_error == "503"
    clock.at = t0 + dt.timedelta(minutes=5)
    worker.run_once()
    worker.run_once()
    assert _row(runtime, row_id).status == "sent"
    assert sender.sent == [("r1", {"text": "hi"})]


def test_retry_after_is_respected(runtime: Runtime) -> None:
    t0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    clock = FixedClock(t0)
    worker = OutboxWorker(
        runtime.engine, {"flaky": FlakySender([TemporaryFailure("429", 30)])}, clock=clock
    )
    row_id = _queue(runtime, not_before=t0)
    worker.run_once()
    assert _row(runtime, row_id).next_attempt_at == t0 + dt.timedelta(seconds=30)


def test_permanent_failure_is_recorded_not_retried(runtime: Runtime) -> None:
    sender = FlakySender([PermanentFailure("Forbidden: bot was blocked by the user")])
    worker = OutboxWorker(
        runtime.engine, {"flaky": sender}, clock=FixedClock(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    )
    row_id = _queue(runtime)
    worker.run_once()
    worker.run_once()
    row = _row(runtime, row_id)
    assert row.status == "failed" and "blocked" in (row.last_error or "") and row.attempts == 1


def test_unknown_sender_waits_instead_of_dropping(runtime: Runtime) -> None:
    worker = OutboxWorker(
        runtime.engine, {}, clock=FixedClock(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    )
    row_id = _queue(runtime)
    worker.run_once()
    row = _row(runtime, row_id)
    assert row.status == "pending" and "not configured" in (row.last_error or "")


def test_two_workers_never_send_the_same_row(runtime: Runtime) -> None:
    clock = FixedClock(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    a, b = FlakySender([]), FlakySender([])
    for _ in range(5):
        _queue(runtime)
    wa = OutboxWorker(runtime.engine, {"flaky": a}, clock=clock)
    wb = OutboxWorker(runtime.engine, {"flaky": b}, clock=clock)
    wa.run_once(limit=3)
    wb.run_once()
    wa.run_once()
    assert len(a.sent) + len(b.sent) == 5
    with Session(runtime.engine) as session:
        assert {r.status for r in session.exec(select(OutboxMessage))} == {"sent"}


def test_web_sender_reaches_the_chat_page(runtime: Runtime, client) -> None:
    with Session(runtime.engine) as session:
        enqueue(
            session=session,
            sender="web",
            recipient=visitor_id("webuser0001"),
            payload={"text": "工作人员：您好", "sender": "staff:li"},
        )
        session.commit()
    client.app.state.worker.run_once()
    as_visitor(client, runtime.settings, "webuser0001")
    resp = client.get("/api/chat/updates", params={"after": 0})
    assert resp.status_code == 200
    assert [m["text"] for m in resp.json()] == ["工作人员：您好"]


class DownSender(FlakySender):
    """Fails with a temporary error while `down`."""

    def __init__(self) -> None:
        super().__init__([])
        self.down = True

    def send(self, recipient: str, payload: Mapping[str, Any]) -> None:
        if self.down:
            raise TemporaryFailure("connection refused")
        super().send(recipient, payload)


def test_a_temporary_failure_is_retried_for_24_hours_and_the_log_says_so(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    t0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    clock = FixedClock(t0)
    worker = OutboxWorker(runtime.engine, {"flaky": DownSender()}, clock=clock)
    row_id = _queue(runtime, not_before=t0)
    with caplog.at_level(logging.WARNING, logger="bot.delivery.worker"):
        while clock.at < t0 + dt.timedelta(hours=23, minutes=50):
            worker.run_once()
            clock.at += dt.timedelta(minutes=5)
    row = _row(runtime, row_id)
    assert row.status == "pending" and row.attempts > 200 and row.failing_since == t0
    assert row.next_attempt_at - clock.at <= dt.timedelta(minutes=5)  # the capped backoff
    assert "next try at" in caplog.records[-1].getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.delivery.worker"):
        clock.at = t0 + dt.timedelta(hours=24, minutes=1)
        worker.run_once()
    assert _row(runtime, row_id).status == "failed"
    last = caplog.records[-1].getMessage()
    assert "gave up" in last and "next try" not in last
    clock.at += dt.timedelta(hours=1)
    assert worker.run_once() == 0


def test_when_the_sender_answers_again_every_held_row_goes_out_at_once(runtime: Runtime) -> None:
    t0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    clock = FixedClock(t0)
    sender = DownSender()
    worker = OutboxWorker(runtime.engine, {"flaky": sender}, clock=clock)
    first = _queue(runtime, not_before=t0)
    for _ in range(12):
        worker.run_once()
        clock.at += dt.timedelta(minutes=1)
    with Session(runtime.engine) as session:  # queued later, it backs off on its own schedule
        later = enqueue(session=session, sender="flaky", recipient="r2", payload={"text": "2"})
        session.commit()
        later_id = later.id or 0
    for _ in range(5):  # 5 s, 10 s, 20 s, 40 s, 80 s
        clock.at = max(clock.at, _row(runtime, later_id).next_attempt_at)
        worker.run_once()
    sender.down = False
    clock.at = _row(runtime, first).next_attempt_at
    assert _row(runtime, later_id).next_attempt_at > clock.at  # would wait
    worker.run_once()
    assert [_row(runtime, i).status for i in (first, later_id)] == ["sent", "sent"]
    assert [r for r, _ in sender.sent] == ["r1", "r2"]
