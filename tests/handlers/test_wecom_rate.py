"""The WeCom robot takes 20 messages a minute: over the rate, notices wait for a slot and the
window's last message carries the backlog combined; nothing is lost or sent twice."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.delivery.worker import OutboxWorker
from storage.outbox import enqueue
from tests.support.handoff import outbox_rows
from tests.support.wecom import FakeWeCom


def _notices(runtime: Runtime, count: int) -> None:
    with Session(runtime.engine) as session:
        for n in range(count):
            text = f"【新工单 New ticket】T-2026-{n:06d}\n问题 Question: 续展"
            enqueue(session=session, sender="wecom", recipient="group", payload={"text": text})
        session.commit()


def test_a_burst_is_paced_and_batched(runtime: Runtime) -> None:
    wecom = FakeWeCom()
    clock = FixedClock(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    worker = OutboxWorker(runtime.engine, {"wecom": wecom.sender(runtime.settings)}, clock=clock)
    _notices(runtime, 60)
    worker.run_once(max_passes=100)
    assert len(wecom.posts) == 20  # the minute's whole allowance, no more
    assert "条通知 notices" in wecom.texts()[-1]  # the last one carries the backlog
    clock.at += dt.timedelta(seconds=61)
    worker.run_once(max_passes=100)
    assert {r.status for r in outbox_rows(runtime, "wecom")} == {"sent"}
    joined = "\n".join(wecom.texts())
    numbers = [f"T-2026-{n:06d}" for n in range(60)]
    assert all(joined.count(number) == 1 for number in numbers)  # each once
    assert len(wecom.posts) <= 40
