"""Ticket storage: numbering, the state machine, queue filters, and one winner per claim."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.handoff.states import TicketAction, next_status
from storage.db import make_engine, upgrade_db
from storage.errors import InvalidTransition
from storage.tickets import (
    Ticket,
    TicketStatus,
    claim_ticket,
    close_unrated,
    create_ticket,
    get_ticket,
    list_tickets,
    mark_sla_alerted,
    tickets_to_alert,
    tickets_to_close,
)
from tests.conftest import PG_URL, pg_available, pg_skip_reason


def _together(calls: list[Callable[[], object]]) -> None:
    """Run `calls` in threads started together; return when all are done."""
    threads = [threading.Thread(target=call) for call in calls]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test's database, migrated to the latest schema."""
    upgrade_db(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a PostgreSQL database migrated from scratch (skips where none answers)."""
    if not pg_available():
        pytest.skip(pg_skip_reason())
    from tests.support.pg import reset_pg

    reset_pg(PG_URL)
    upgrade_db(PG_URL)
    engine = make_engine(PG_URL)
    yield engine
    engine.dispose()


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
    made, created = create_ticket(session=session, year=year, ticket=ticket)
    assert created
    return made


def test_numbers_are_readable_and_unique(engine: Engine) -> None:
    with Session(engine) as session:
        numbers = [_new(session, f"u{i}").number for i in range(3)]
        numbers.append(_new(session, "u9", year=2027).number)
        session.commit()
        assert numbers == ["T-2026-000001", "T-2026-000002", "T-2026-000003", "T-2027-000001"]
        found = get_ticket(session=session, number=" t-2026-000002 ")
        assert found is not None and found.user_ref == "u1"


def test_state_machine_allows_only_the_drawn_moves() -> None:
    s = TicketStatus
    assert next_status("open", TicketAction.CLAIM) == s.CLAIMED
    assert next_status("claimed", TicketAction.REPLY) == s.WAITING_USER
    assert next_status("waiting_user", TicketAction.USER_WROTE) == s.CLAIMED
    assert next_status("resolved", TicketAction.CLOSE) == s.CLOSED
    assert next_status("closed", TicketAction.REOPEN) == s.CLAIMED
    assert next_status("resolved", TicketAction.EXPIRE) == s.CLOSED
    for status, action in [
        ("open", TicketAction.EXPIRE),  # still someone's work
        ("waiting_user", TicketAction.EXPIRE),
        ("closed", TicketAction.EXPIRE),
        ("claimed", TicketAction.CLAIM),
        ("closed", TicketAction.REPLY),
        ("open", TicketAction.REOPEN),
        ("resolved", TicketAction.RESOLVE),
        ("nonsense", TicketAction.CLAIM),
    ]:
        with pytest.raises(InvalidTransition):
            next_status(status, action)


def test_queue_filters_status_channel_and_breach(engine: Engine) -> None:
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


def test_sla_alert_is_recorded_once_and_only_for_late_unanswered_tickets(engine: Engine) -> None:
    now = T0 + dt.timedelta(minutes=1)
    with Session(engine) as session:
        late = _new(session, "late")
        _new(session, "early", due=T0 + dt.timedelta(hours=1))
        answered = _new(session, "answered")
        answered.first_response_at = T0 - dt.timedelta(minutes=5)
        done = _new(session, "done")
        done.status = TicketStatus.RESOLVED
        session.commit()
        assert [t.user_ref for t in tickets_to_alert(session=session, now=now)] == ["late"]
        for ticket in (answered, done):
            assert ticket.id is not None
            assert not mark_sla_alerted(session=session, ticket_id=ticket.id, now=now)
        assert late.id is not None
        assert not mark_sla_alerted(session=session, ticket_id=late.id, now=T0)  # due, not late
        assert mark_sla_alerted(session=session, ticket_id=late.id, now=now)
        assert not mark_sla_alerted(session=session, ticket_id=late.id, now=now)
        session.commit()
        later = tickets_to_alert(session=session, now=now + dt.timedelta(days=1))
        assert [t.user_ref for t in later] == ["early"]  # "late" was alerted already
        session.refresh(late)
        assert late.sla_alerted_at == now


def test_only_resolved_unrated_tickets_close_unrated(engine: Engine) -> None:
    now = T0 + dt.timedelta(days=8)
    with Session(engine) as session:
        stale, fresh, rated, active = (_new(session, u) for u in ("stale", "fresh", "rated", "act"))
        for ticket, resolved in [(stale, T0), (fresh, now - dt.timedelta(days=1)), (rated, T0)]:
            ticket.status, ticket.resolved_at = TicketStatus.RESOLVED, resolved
        rated.rating = 4
        session.commit()
        cutoff = now - dt.timedelta(days=7)
        found = tickets_to_close(session=session, resolved_before=cutoff)
        assert [t.user_ref for t in found] == ["stale"]
        kw = {"to_status": "closed", "now": now, "reason": "auto_unrated"}
        for ticket in (rated, active):
            assert ticket.id is not None
            assert not close_unrated(session=session, ticket_id=ticket.id, **kw)
        assert stale.id is not None
        assert close_unrated(session=session, ticket_id=stale.id, **kw)
        assert not close_unrated(session=session, ticket_id=stale.id, **kw)
        session.commit()
        session.refresh(stale)
        assert (stale.status, stale.close_reason, stale.closed_at) == (
            "closed",
            "auto_unrated",
            now,
        )
        assert tickets_to_close(session=session, resolved_before=cutoff) == []


def test_a_second_claim_loses(engine: Engine) -> None:
    with Session(engine) as session:
        ticket_id = _new(session).id
        session.commit()
        assert ticket_id is not None
        assert claim_ticket(session=session, ticket_id=ticket_id, staff="wang", now=T0)
        assert not claim_ticket(session=session, ticket_id=ticket_id, staff="li", now=T0)
        session.commit()
        assert get_ticket(session=session, number="T-2026-000001").claimed_by == "wang"  # type: ignore[union-attr]


@pytest.mark.pg
def test_concurrent_claims_on_postgresql_have_one_winner(pg_engine: Engine) -> None:
    engine = pg_engine
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

        _together([lambda n=name: claim(n) for name in staff])
        return wins

    for ticket_id in ids:
        assert ticket_id is not None
        wins = race(ticket_id)
        assert len(wins) == 1
        with Session(engine) as session:
            assert session.get(Ticket, ticket_id).claimed_by == wins[0]  # type: ignore[union-attr]


@pytest.mark.pg
def test_concurrent_tickets_on_postgresql_get_distinct_numbers(pg_engine: Engine) -> None:
    engine = pg_engine
    barrier = threading.Barrier(6)
    numbers: list[str] = []

    def open_one(i: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            numbers.append(_new(session, f"u{i}").number)
            session.commit()

    _together([lambda i=i: open_one(i) for i in range(6)])
    assert sorted(numbers) == [f"T-2026-{n:06d}" for n in range(1, 7)]


def _ticket(user: str) -> Ticket:
    return Ticket(
        number="",
        channel="web",
        user_ref=user,
        question="转人工",
        reason="asked",
        first_response_due=T0,
        created_at=T0,
    )


def test_a_second_active_ticket_of_one_user_gives_back_the_first(engine: Engine) -> None:
    with Session(engine) as session:
        first = _new(session, "u1")
        session.commit()
        again, created = create_ticket(session=session, year=2026, ticket=_ticket("u1"))
        session.commit()
        assert not created and again.number == first.number
        # The refused insert gave its number back: the next user gets the next one.
        assert _new(session, "u2").number == "T-2026-000002"
        first.status = TicketStatus.CLOSED
        session.commit()
        assert _new(session, "u1").number == "T-2026-000003"  # closed: a new one may open


def _burst(engine: Engine, users: list[str]) -> list[tuple[str, bool]]:
    barrier = threading.Barrier(len(users))
    results: list[tuple[str, bool]] = []

    def open_one(user: str) -> None:
        with Session(engine) as session:
            barrier.wait()
            ticket, created = create_ticket(session=session, year=2026, ticket=_ticket(user))
            results.append((ticket.number, created))
            session.commit()

    _together([lambda u=u: open_one(u) for u in users])
    return results


@pytest.mark.pg
def test_a_burst_of_handoffs_on_postgresql_gets_every_ticket_numbered(pg_engine: Engine) -> None:
    results = _burst(pg_engine, [f"u{i}" for i in range(32)])
    assert sorted(n for n, _ in results) == [f"T-2026-{n:06d}" for n in range(1, 33)]
    assert all(created for _, created in results)


@pytest.mark.pg
def test_double_clicks_on_postgresql_make_one_ticket(pg_engine: Engine) -> None:
    for round_ in range(5):
        results = _burst(pg_engine, [f"clicker{round_}"] * 5)
        assert len({n for n, _ in results}) == 1
        assert sorted(c for _, c in results) == [False] * 4 + [True]


@pytest.mark.pg
def test_concurrent_sla_alerts_on_postgresql_have_one_winner(pg_engine: Engine) -> None:
    engine = pg_engine
    with Session(engine) as session:
        ids = [_new(session, f"u{i}").id for i in range(10)]
        session.commit()
    now = T0 + dt.timedelta(hours=1)

    def race(ticket_id: int) -> list[bool]:
        barrier = threading.Barrier(6)
        wins: list[bool] = []

        def alert() -> None:
            with Session(engine) as session:
                barrier.wait()
                wins.append(mark_sla_alerted(session=session, ticket_id=ticket_id, now=now))
                session.commit()

        _together([alert] * 6)
        return wins

    for ticket_id in ids:
        assert ticket_id is not None
        assert sorted(race(ticket_id)) == [False] * 5 + [True]


def test_double_clicks_make_one_ticket(engine: Engine) -> None:
    results = _burst(engine, ["clicker"] * 4)
    assert len({n for n, _ in results}) == 1
    assert sorted(c for _, c in results) == [False] * 3 + [True]
