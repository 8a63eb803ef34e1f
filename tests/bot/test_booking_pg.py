"""Twenty users confirm the same slot at the same moment on PostgreSQL: one booking, nineteen
friendly "just taken, here are the next free slots" answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from storage.bookings import Booking
from tests.conftest import FIXTURE_CORPUS, PG_URL, pg_available, pg_skip_reason
from tests.support.booking import book_through, joined
from tests.support.dialog import say

pytestmark = pytest.mark.pg
USERS = 20


@pytest.fixture
def pg_runtime(clock: FixedClock) -> Iterator[Runtime]:
    if not pg_available():
        pytest.skip(pg_skip_reason())
    from tests.support.pg import reset_pg

    reset_pg(PG_URL)
    settings = Settings(
        database_url=PG_URL, corpus_dir=FIXTURE_CORPUS, run_worker=False, station_phone="010-1"
    )
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.engine.dispose()


def test_twenty_users_confirm_one_slot_at_once(pg_runtime: Runtime) -> None:
    conv = pg_runtime.conversation
    users = [f"racer{n:02d}" for n in range(USERS)]
    for user in users:  # everyone reaches the summary of the same first slot
        assert "请核对预约信息" in joined(book_through(conv, user=user, confirm=False))
    barrier = threading.Barrier(USERS)
    answers: dict[str, str] = {}
    errors: list[BaseException] = []

    def confirm(user: str) -> None:
        try:
            barrier.wait()
            answers[user] = joined(say(conv, "确认", user=user))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=confirm, args=(u,)) for u in users]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    elapsed = time.perf_counter() - started
    assert errors == [] and len(answers) == USERS
    booked = [u for u, text in answers.items() if "预约成功" in text]
    taken = [u for u, text in answers.items() if "刚刚被别人约走了" in text]
    assert len(booked) == 1 and len(taken) == USERS - 1, answers
    with Session(pg_runtime.engine) as session:
        rows = session.exec(select(Booking).where(col(Booking.status) == "active")).all()
    assert [r.user_ref for r in rows] == booked
    # the losers were offered the next free slot and can book it straight away
    loser = taken[0]
    assert "请核对预约信息" in joined(say(conv, "1", user=loser))
    assert "预约成功" in joined(say(conv, "确认", user=loser))
    print(f"\n{USERS} concurrent confirmations on PostgreSQL: {elapsed:.2f} s")
