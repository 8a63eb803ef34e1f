"""Writes PostgreSQL runs as one statement (docs/benchmarks.md, issue 19 round pg23): a turn's
state row, lines, question log row and delivery record (storage/turn_rows.py); a message's
window upsert and outbox release (storage/wechat.py `reopen_window`); and a message's claim with
both, committed on its own (`claim_and_reopen`). Each leaves what the separate statements left;
on SQLite the separate statements run, as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.conversations import read_state
from storage.db import make_engine, session_scope
from storage.light import light_scope
from storage.models import ChatMessage, ConversationState, ProcessedDelivery, QuestionLog
from storage.outbox import OutboxMessage, enqueue
from storage.turn_rows import TurnSession, hold_user_line, write_turn_rows
from storage.wechat import WechatDelivery, WechatUser, claim_and_reopen, reopen_window

AT = dt.datetime(2026, 12, 6, 5, 4, 3, tzinfo=dt.UTC)
QUESTION: dict[str, Any] = {"question": "注册费多少", "lang": "zh", "intent": "faq"}
QUESTION |= {"outcome": "answered", "faq_id": "fee", "topic": "fees", "score": 0.9, "tool": None}


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _turn(engine: Engine, user: str, *, orm: bool, delivery: str | None = None) -> None:
    """One turn's writes: in a light scope (one statement on PostgreSQL), or with an ORM
    session in the transaction (the statements one by one, as on SQLite)."""
    with light_scope(engine, TurnSession) as session:
        state = read_state(session=session, channel="web", user_ref=user)
        if orm:
            session.exec(select(WechatUser)).all()  # makes the scope's ORM session
        hold_user_line(session=session, channel="web", user_ref=user, text="注册费多少")
        state.lang, state.status = "en", "human"
        state.data = {"turn": 1, "subject": "fees"}
        write_turn_rows(
            session=session,
            channel="web",
            user_ref=user,
            replies=["270 元", "还有别的吗？"],
            question=QUESTION,
            delivery=(delivery, {"replies": []}) if delivery else None,
            state=state,
        )


def _written(engine: Engine, user: str) -> dict[str, Any]:
    with session_scope(engine) as session:
        lines = session.exec(
            select(ChatMessage).where(ChatMessage.user_ref == user).order_by(col(ChatMessage.id))
        ).all()
        asked = session.exec(select(QuestionLog).where(QuestionLog.user_ref == user)).all()
        state = session.exec(
            select(ConversationState).where(ConversationState.user_ref == user)
        ).one()
        return {
            "lines": [(m.direction, m.sender, m.text) for m in lines],
            "asked": [(q.question, q.lang, q.outcome, q.faq_id, q.score, q.tool) for q in asked],
            "state": (state.lang, state.lang_fixed, state.status, state.data),
        }


def test_a_turns_writes_in_one_statement_leave_what_the_statements_one_by_one_left(
    engine: Engine,
) -> None:
    _turn(engine, "together", orm=False)
    _turn(engine, "apart", orm=True)
    assert _written(engine, "together") == _written(engine, "apart")
    assert _written(engine, "together")["lines"] == [
        ("in", "user", "注册费多少"),
        ("out", "bot", "270 元"),
        ("out", "bot", "还有别的吗？"),
    ]


def test_a_delivery_recorded_first_elsewhere_fails_the_whole_turn(engine: Engine) -> None:
    _turn(engine, "u1", orm=False, delivery="u1:m1")
    with pytest.raises(IntegrityError):
        _turn(engine, "u2", orm=False, delivery="u1:m1")
    with session_scope(engine) as session:
        assert len(session.exec(select(ProcessedDelivery)).all()) == 1
        assert session.exec(select(ChatMessage).where(ChatMessage.user_ref == "u2")).all() == []


def _waiting(engine: Engine, openid: str, key: str) -> None:
    with session_scope(engine) as session:
        row = enqueue(
            session=session, sender="wechat", recipient=openid, payload={}, dedupe_key=key
        )
        session.exec(
            update(OutboxMessage).where(col(OutboxMessage.id) == row.id).values(status="waiting")
        )  # type: ignore[call-overload]


def _state(engine: Engine, openid: str) -> tuple[Any, ...]:
    with session_scope(engine) as session:
        user = session.get(WechatUser, openid)
        statuses = session.exec(
            select(OutboxMessage.status).where(OutboxMessage.recipient == openid)
        ).all()
        claims = session.exec(select(WechatDelivery.delivery_id, WechatDelivery.status)).all()
        assert user is not None
        at = user.message_at.replace(tzinfo=dt.UTC) if user.message_at else None
        return at, user.message_sent, sorted(statuses), sorted(claims)


def test_reopening_a_window_opens_it_and_releases_what_waited(engine: Engine) -> None:
    _waiting(engine, "o1", "k1")
    with light_scope(engine) as session:
        reopen_window(session=session, openid="o1", kind="message", at=AT)
    assert _state(engine, "o1") == (AT, 0, ["pending"], [])


def test_a_claim_with_its_window_commits_on_its_own_and_only_once(
    engine: Engine, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("one statement on PostgreSQL only; SQLite runs the claim's transaction")
    _waiting(engine, "o2", "k2")
    with engine.connect() as connection:
        assert claim_and_reopen(connection, delivery_id="m1", openid="o2", kind="message", at=AT)
        # Committed (another connection sees it), the connection out of autocommit again.
        assert _state(engine, "o2") == (AT, 0, ["pending"], [("m1", "running")])
        assert not connection.in_transaction()
        assert connection.connection.dbapi_connection.autocommit is False  # type: ignore[union-attr]
        # A retry of the message: refused, and neither the window nor the outbox moves.
        _waiting(engine, "o2", "k3")
        later = AT + dt.timedelta(minutes=1)
        assert not claim_and_reopen(
            connection, delivery_id="m1", openid="o2", kind="message", at=later
        )
        assert _state(engine, "o2") == (AT, 0, ["pending", "waiting"], [("m1", "running")])
        with light_scope(connection) as session:  # the connection's next transaction
            reopen_window(session=session, openid="o2", kind="message", at=later)
    assert _state(engine, "o2") == (later, 0, ["pending", "pending"], [("m1", "running")])
