"""Ticket storage: numbering, the state machine, queue filters, and one winner per claim."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import Session

from bot.errors import InvalidTransition
from bot.ticket_states import TicketAction, next_status
from storage.db import make_engine, upgrade_db
from storage.tickets import (
    Ticket,
    TicketStatus,
    claim_ticket,
    create_ticket,
    get_ticket,
    list_tickets,
)
from tests.conftest import PG_URL, pg_available

T0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)


def _new(session: Session, user: str = "u1", *, year: int = 2026, due: dt.datetime = T0) -> Ticket:
    ticket = Ticket(
        number="",
        channel="web",
        user_ref=user,
        question="商标被抢注",
        reason="asked",
        first_response_due=due,
        created_at=T0,
    )
    return create_ticket(session=session, year=year, ticket=ticket)


def test_numbers_are_readable_and_unique(db_url: str) -> None:
    upgrade_db(db_url)
    engine = make_engine(db_url)
    with Session(engine) as session:
        numbers = [_new(session, f"u{i}").number for i in range(3)]
        numbers.append(_new(session, "u9", year=2027).number)
        session.commit()
        assert numbers == ["T-2026-000001", "T-2026-000002", "T-2026-000003", "T-2027-000001"]
        found = get_ticket(session=session, number=" t-2026-000002 ")
        assert found is not None and found.user_ref == "u1"
    engine.dispose()


def test_state_machine_allows_only_the_drawn_moves() -> None:
    s = TicketStatus
    assert next_status("open", TicketAction.CLAIM) == s.CLAIMED
    assert next_status("claimed", TicketAction.REPLY) == s.WAITING_USER
    assert next_status("waiting_user", TicketAction.USER_WROTE) == s.CLAIMED
    assert next_status("resolved", TicketAction.CLOSE) == s.CLOSED
    assert next_status("closed", TicketAction.REOPEN) == s.CLAIMED
    for status, action in [
        ("claimed", TicketAction.CLAIM),
        ("closed", TicketAction.REPLY),
        ("open", TicketAction.REOPEN),
        ("resolved", TicketAction.RESOLVE),
        ("nonsense", TicketAction.CLAIM),
    ]:
        with pytest.raises(InvalidTransition):
            next_status(status, action)


def test_queue_filters_status_channel_and_breach(db_url: str) -> None:
    upgrade_db(db_url)
    engine = make_engine(db_url)
    with Session(engine) as session:
        late = _new(session, "a", due=T0)
        _new(session, "b", due=T0 + dt.timedelta(hours=3))
        done = _new(session, "c", due=T0)
        done.status = TicketStatus.CLOSED
        session.commit()
        now = T0 + dt.timedelta(hours=1)
        assert [t.user_ref for t in list_tickets(session=session, breached_at=now)] == ["a"]
        assert late.breached(now) and not done.breached(now)
        assert {t.user_ref for t in list_tickets(session=session, status="active")} == {"a", "b"}
        assert [t.user_ref for t in list_tickets(session=session, status="closed")] == ["c"]
        assert list_tickets(session=session, channel="telegram") == []
    engine.dispose()


def test_a_second_claim_loses(db_url: str) -> None:
    upgrade_db(db_url)
    engine = make_engine(db_url)
    with Session(engine) as session:
        ticket_id = _new(session).id
        session.commit()
        assert ticket_id is not None
        assert claim_ticket(session=session, ticket_id=ticket_id, staff="wang", now=T0)
        assert not claim_ticket(session=session, ticket_id=ticket_id, staff="li", now=T0)
        session.commit()
        assert get_ticket(session=session, number="T-2026-000001").claimed_by == "wang"  # type: ignore[union-attr]
    engine.dispose()


@pytest.mark.pg
@pytest.mark.skipif(not pg_available(), reason=f"PostgreSQL not reachable at {PG_URL}")
def test_concurrent_claims_on_postgresql_have_one_winner() -> None:
    from tests.support.pg import reset_pg

    reset_pg(PG_URL)
    upgrade_db(PG_URL)
    engine = make_engine(PG_URL)
    with Session(engine) as session:
        ids = [_new(session, f"u{i}").id for i in range(20)]
        session.commit()
    staff = [f"staff{i}" for i in range(8)]

    def race(ticket_id: int) -> list[str]:
        barrier = threading.Barrier(len(staff))
        wins: list[str] = []

        def claim(name: str) -> None:
            with Session(engine) as session:
                barrier.wait()
                if claim_ticket(session=session, ticket_id=ticket_id, staff=name, now=T0):
                    wins.append(name)
                session.commit()

        threads = [threading.Thread(target=claim, args=(name,)) for name in staff]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        return wins

    for ticket_id in ids:
        assert ticket_id is not None
        wins = race(ticket_id)
        assert len(wins) == 1
        with Session(engine) as session:
            assert session.get(Ticket, ticket_id).claimed_by == wins[0]  # type: ignore[union-attr]
    engine.dispose()


@pytest.mark.pg
@pytest.mark.skipif(not pg_available(), reason=f"PostgreSQL not reachable at {PG_URL}")
def test_concurrent_tickets_on_postgresql_get_distinct_numbers() -> None:
    from tests.support.pg import reset_pg

    reset_pg(PG_URL)
    upgrade_db(PG_URL)
    engine = make_engine(PG_URL)
    barrier = threading.Barrier(6)
    numbers: list[str] = []

    def open_one(i: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            numbers.append(_new(session, f"u{i}").number)
            session.commit()

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(numbers) == [f"T-2026-{n:06d}" for n in range(1, 7)]
    engine.dispose()
