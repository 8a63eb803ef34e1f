"""Bookings in the database: one active booking per expert and slot, enforced by the schema
(partial unique index), a cancelled slot bookable again, aware UTC datetimes only."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import StatementError
from sqlmodel import Session, col, select

from bot.core.runtime import Runtime
from storage.bookings import (
    Booking,
    cancel_booking,
    create_booking,
    get_booking,
    reschedule_booking,
)
from storage.db import upgrade_db
from storage.errors import SlotTaken
from tests.conftest import PG_URL, pg_available, pg_skip_reason
from tests.support.booking import add_expert

START = dt.datetime(2026, 11, 26, 6, 0, tzinfo=dt.UTC)


def _fields(expert_id: int, user: str = "u1", start: dt.datetime = START) -> dict[str, Any]:
    return {
        "expert_id": expert_id,
        "slot_start": start,
        "slot_end": start + dt.timedelta(minutes=30),
        "channel": "test",
        "user_ref": user,
        "topic": "renewal",
        "company": "某某公司",
        "contact_name": "张三",
        "phone": "13812345678",
        "phone_consent_at": START - dt.timedelta(days=1),
    }


def test_second_active_booking_of_a_slot_is_refused_by_the_database(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        expert = add_expert(session)
        first = create_booking(session=session, **_fields(expert.id or 0))
        session.commit()
        assert first.code.startswith("B-") and len(first.code) == 7
        with pytest.raises(SlotTaken):
            create_booking(session=session, **_fields(expert.id or 0, user="u2"))
        session.commit()  # the savepoint rolled back only the losing insert
        rows = session.exec(select(Booking)).all()
        assert [r.user_ref for r in rows] == ["u1"]


def test_cancelled_slot_can_be_booked_again(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        expert = add_expert(session)
        first = create_booking(session=session, **_fields(expert.id or 0))
        cancel_booking(session=session, booking=first)
        again = create_booking(session=session, **_fields(expert.id or 0, user="u2"))
        session.commit()
        statuses = {b.code: b.status for b in session.exec(select(Booking))}
        assert statuses == {first.code: "cancelled", again.code: "active"}


def test_reschedule_onto_a_taken_slot_is_refused(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        expert = add_expert(session)
        later = START + dt.timedelta(hours=1)
        a = create_booking(session=session, **_fields(expert.id or 0))
        create_booking(session=session, **_fields(expert.id or 0, user="u2", start=later))
        session.commit()
        with pytest.raises(SlotTaken):
            reschedule_booking(
                session=session,
                booking=a,
                slot_start=later,
                slot_end=later + dt.timedelta(minutes=30),
            )
        session.commit()
        fresh = get_booking(session=session, code=a.code.lower())
        assert fresh is not None and fresh.slot_start == START and fresh.version == 1


def test_naive_datetimes_are_refused_and_reads_are_utc(runtime: Runtime) -> None:
    with Session(runtime.engine) as session:
        expert = add_expert(session)
        naive = _fields(expert.id or 0)
        naive["slot_start"] = dt.datetime(2026, 11, 26, 14, 0)  # noqa: DTZ001 - on purpose
        with pytest.raises(StatementError, match="timezone"):
            create_booking(session=session, **naive)
    with Session(runtime.engine) as session:
        shanghai = dt.timezone(dt.timedelta(hours=8))
        fields = _fields(expert.id or 0, start=dt.datetime(2026, 11, 26, 14, 0, tzinfo=shanghai))
        code = create_booking(session=session, **fields).code
        session.commit()
    with Session(runtime.engine) as session:
        row = session.exec(select(Booking).where(col(Booking.code) == code)).one()
        assert row.slot_start == START and row.slot_start.utcoffset() == dt.timedelta(0)


@pytest.mark.pg
def test_twenty_concurrent_attempts_on_one_slot_make_exactly_one_booking() -> None:
    if not pg_available():
        pytest.skip(pg_skip_reason())
    from tests.support.pg import reset_pg

    reset_pg(PG_URL)
    upgrade_db(PG_URL)
    engine = create_engine(PG_URL, pool_size=25, max_overflow=0)
    with Session(engine) as session:
        expert_id = add_expert(session).id or 0
    barrier = threading.Barrier(20)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            try:
                booking = create_booking(session=session, **_fields(expert_id, user=f"user{n}"))
                session.commit()
                outcome = f"booked {booking.code}"
            except SlotTaken:
                session.rollback()
                outcome = "taken"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    with Session(engine) as session:
        active = session.exec(select(Booking).where(col(Booking.status) == "active")).all()
    engine.dispose()
    assert len(results) == 20
    assert sum(r.startswith("booked") for r in results) == 1 and results.count("taken") == 19
    assert len(active) == 1
