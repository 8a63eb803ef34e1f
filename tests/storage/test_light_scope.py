"""`light_scope` (storage/light.py): one transaction for statements run below the ORM and for
whatever uses the ORM inside it, committed or rolled back together, on SQLite and PostgreSQL;
a turn's (storage/turn_rows.py TurnSession) writes the user's held line at any flush."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import cast

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.conversations import transcript
from storage.db import make_engine, session_scope
from storage.light import LightSession, light_scope, orm_session
from storage.outbox import OutboxMessage, enqueue, has_unsent
from storage.tickets import last_message_id
from storage.turn_rows import TurnSession, hold_user_line, write_turn_rows
from storage.wechat import (
    WechatDelivery,
    WechatUser,
    claim_delivery,
    record_interaction,
    record_subscription,
    release_delivery,
)

AT = dt.datetime(2026, 12, 6, 5, 4, 3, tzinfo=dt.UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _claims(engine: Engine) -> list[str]:
    # Ordered: without ORDER BY, PostgreSQL may return a row written after a rolled-back
    # savepoint before an earlier one (seen in CI: ['d13', 'd11']).
    with session_scope(engine) as session:
        query = select(WechatDelivery.delivery_id).order_by(WechatDelivery.delivery_id)
        return list(session.exec(query).all())


def _user(engine: Engine, openid: str) -> WechatUser | None:
    with session_scope(engine) as session:
        return session.get(WechatUser, openid)


def test_statements_below_and_through_the_orm_commit_together(engine: Engine) -> None:
    with light_scope(engine) as session:
        assert claim_delivery(session=session, delivery_id="d1", openid="o1")
        record_subscription(session=session, openid="o1", subscribed=True, at=AT)  # ORM
        record_interaction(session=session, openid="o1", kind="message", at=AT)  # below it
    assert _claims(engine) == ["d1"]
    user = _user(engine, "o1")
    assert user is not None and user.subscribed and user.message_at is not None
    with light_scope(engine) as session:  # a retry's claim is refused, as in a session
        assert not claim_delivery(session=session, delivery_id="d1", openid="o1")


def test_an_error_rolls_back_both(engine: Engine) -> None:
    with pytest.raises(RuntimeError), light_scope(engine) as session:
        claim_delivery(session=session, delivery_id="d2", openid="o2")
        record_subscription(session=session, openid="o2", subscribed=True, at=AT)
        session.flush()
        raise RuntimeError
    assert _claims(engine) == []
    assert _user(engine, "o2") is None


def test_a_failed_flush_raises_and_keeps_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        enqueue(session=session, sender="wechat", recipient="o3", payload={}, dedupe_key="k")
    with pytest.raises(IntegrityError), light_scope(engine) as session:
        claim_delivery(session=session, delivery_id="d3", openid="o3")
        enqueue(session=session, sender="wechat", recipient="o3", payload={}, dedupe_key="k")
    assert _claims(engine) == []
    with light_scope(engine) as session:  # the pool's connection is usable again
        assert claim_delivery(session=session, delivery_id="d3", openid="o3")
    assert _claims(engine) == ["d3"]


def test_orm_rows_of_the_scope_are_seen_by_its_later_statements(engine: Engine) -> None:
    with light_scope(engine) as session:
        assert not has_unsent(session=session, sender="wechat", recipient="o4")
        enqueue(session=session, sender="wechat", recipient="o4", payload={"text": "x"})
        assert has_unsent(session=session, sender="wechat", recipient="o4")
        claim_delivery(session=session, delivery_id="d4", openid="o4")
        assert release_delivery(session=session, delivery_id="d4")  # ORM delete of a raw row
    assert _claims(engine) == []
    with session_scope(engine) as session:
        assert len(session.exec(select(OutboxMessage)).all()) == 1


def test_what_listens_for_the_commit_hears_of_it_once_the_data_is_committed(
    engine: Engine,
) -> None:
    # A turn's privacy erasure runs after its commit in a transaction of its own: it must find
    # the turn's rows committed (and, on SQLite, the file's write lock free).
    seen: list[list[str]] = []
    with light_scope(engine) as session:
        claim_delivery(session=session, delivery_id="d5", openid="o5")
        event.listen(orm_session(session), "after_commit", lambda _s: seen.append(_claims(engine)))
    assert seen == [["d5"]]


def test_an_orm_session_made_inside_no_autoflush_does_not_autoflush(engine: Engine) -> None:
    with light_scope(engine) as session:
        with session.no_autoflush:
            session.add(WechatUser(openid="o6"))
            assert session.exec(select(WechatUser)).all() == []  # not flushed to be found
        assert [u.openid for u in session.exec(select(WechatUser))] == ["o6"]  # autoflush again


def test_a_turns_flush_writes_the_users_line_when_the_orm_holds_nothing(engine: Engine) -> None:
    # A skill flushes to read the turn's own line back (a ticket's transcript range, the
    # privacy summary): the line is written though no ORM object is pending.
    with light_scope(engine, TurnSession) as session:
        hold_user_line(session=session, channel="web", user_ref="u7", text="我的电话 123")
        assert last_message_id(session=session, channel="web", user_ref="u7") > 0
        write_turn_rows(
            session=session,
            channel="web",
            user_ref="u7",
            replies=["好"],
            question=None,
            delivery=None,
        )
    with session_scope(engine) as session:
        lines = transcript(session=session, channel="web", user_ref="u7")
        assert [(m.sender, m.text) for m in lines] == [("user", "我的电话 123"), ("bot", "好")]


def test_scopes_in_a_row_on_one_held_connection_commit_each_on_its_own(engine: Engine) -> None:
    # The WeChat claim and its turn share one checkout: the claim is committed (seen by other
    # connections) before the turn's transaction begins, and a failed scope leaves the
    # connection usable.
    with engine.connect() as connection:
        with light_scope(connection) as session:
            assert claim_delivery(session=session, delivery_id="d8", openid="o8")
        assert _claims(engine) == ["d8"]
        with pytest.raises(RuntimeError), light_scope(connection) as session:
            claim_delivery(session=session, delivery_id="d9", openid="o8")
            record_subscription(session=session, openid="o8", subscribed=True, at=AT)  # ORM
            raise RuntimeError
        with light_scope(connection) as session:
            assert not claim_delivery(session=session, delivery_id="d8", openid="o8")
            record_subscription(session=session, openid="o8", subscribed=True, at=AT)
        assert not connection.closed
    assert _claims(engine) == ["d8"]
    assert _user(engine, "o8") is not None


def test_the_scopes_statements_share_one_cursor_closed_when_it_ends(engine: Engine) -> None:
    with light_scope(engine) as session:
        assert claim_delivery(session=session, delivery_id="d10", openid="o10")
        light = cast(LightSession, session)
        cursor = light.below()[1]
        record_interaction(session=session, openid="o10", kind="message", at=AT)
        assert light.below()[1] is cursor
    with pytest.raises(engine.dialect.loaded_dbapi.Error):  # closed with the scope
        cursor.execute("SELECT 1")


def test_statements_inside_a_savepoint_roll_back_with_it(engine: Engine) -> None:
    # Once a real session runs the transaction, its lookup of the connection is what emits a
    # savepoint's SAVEPOINT: statements below the ORM must ask it, not a kept cursor.
    with light_scope(engine) as session:
        assert claim_delivery(session=session, delivery_id="d11", openid="o11")
        with pytest.raises(RuntimeError), session.begin_nested():
            assert claim_delivery(session=session, delivery_id="d12", openid="o11")
            raise RuntimeError
        assert claim_delivery(session=session, delivery_id="d13", openid="o11")
    assert _claims(engine) == ["d11", "d13"]


def test_a_scopes_rows_carry_one_time_and_the_next_scope_its_own(engine: Engine) -> None:
    times = []
    with engine.connect() as connection:
        for delivery_id, at in (("d14", AT), ("d15", AT + dt.timedelta(minutes=1))):
            with light_scope(connection) as session:
                claim_delivery(session=session, delivery_id=delivery_id, openid="o14")
                record_interaction(session=session, openid="o14", kind="message", at=at)
            with session_scope(engine) as session:
                claim = session.exec(
                    select(WechatDelivery).where(WechatDelivery.delivery_id == delivery_id)
                ).one()
                user = session.get(WechatUser, "o14")
                assert user is not None
                assert claim.created_at == claim.updated_at == user.updated_at
                times.append(claim.created_at)
    assert times[0] < times[1]
