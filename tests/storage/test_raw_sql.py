"""Rows written below the ORM (storage/raw_sql.py) read back through the models exactly as rows
the ORM wrote with the same values, on SQLite and on PostgreSQL (TMBOT_TEST_DB=pg)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from storage.conversations import find_delivery, get_state, read_state, save_state
from storage.db import make_engine, session_scope
from storage.models import ChatMessage, ConversationState, ProcessedDelivery, QuestionLog
from storage.outbox import OutboxMessage, enqueue, enqueue_new, has_unsent, release_waiting
from storage.sqlite_gate import GatedConnection
from storage.turn_rows import hold_user_line, write_turn_rows
from storage.wechat import (
    WechatDelivery,
    WechatUser,
    claim_delivery,
    finish_delivery,
    record_interaction,
)

NOW = dt.datetime(2026, 12, 6, 5, 4, 3, 210987, tzinfo=dt.UTC)
QUESTION = {
    "question": "续展要交多少钱",
    "lang": "zh",
    "intent": "faq",
    "outcome": "answered",
    "faq_id": "renewal-fee",
    "topic": "renewal",
    "score": 0.8125,
    "tool": None,
}
RESPONSE = {"replies": [{"text": '答案 "quoted"', "choices": [], "intent": "faq"}]}


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _fields(row: SQLModel, *skip: str) -> dict[str, Any]:
    return {k: v for k, v in row.model_dump().items() if k not in ("id", *skip)}


def _one(session: Session, model: type[Any], *where: Any) -> Any:
    return session.exec(select(model).where(*where)).one()


def test_turn_rows_read_back_as_the_orm_wrote_them(engine: Engine) -> None:
    with session_scope(engine) as session:
        hold_user_line(session=session, channel="wechat", user_ref="raw", text="问\x00题")
        write_turn_rows(
            session=session,
            channel="wechat",
            user_ref="raw",
            replies=["答一", "答二"],
            question=QUESTION,
            delivery=("d-raw", RESPONSE),
            now=NOW,
        )
    with session_scope(engine) as session:
        session.add(
            ChatMessage(
                channel="wechat", user_ref="orm", direction="in", sender="user", text="问题"
            )
        )
        for text in ("答一", "答二"):
            session.add(
                ChatMessage(
                    channel="wechat",
                    user_ref="orm",
                    direction="out",
                    sender="bot",
                    text=text,
                    created_at=NOW,
                )
            )
        session.add(QuestionLog(channel="wechat", user_ref="orm", created_at=NOW, **QUESTION))
        session.add(
            ProcessedDelivery(
                channel="wechat", delivery_id="d-orm", response=RESPONSE, created_at=NOW
            )
        )
    with Session(engine) as session:
        lines = {
            who: session.exec(
                select(ChatMessage).where(ChatMessage.user_ref == who).order_by(col(ChatMessage.id))
            ).all()
            for who in ("raw", "orm")
        }
        assert [m.text for m in lines["raw"]] == ["问题", "答一", "答二"]
        assert [_fields(m, "user_ref", "created_at") for m in lines["raw"]] == [
            _fields(m, "user_ref", "created_at") for m in lines["orm"]
        ]
        assert [m.created_at for m in lines["raw"][1:]] == [NOW, NOW]
        assert lines["raw"][0].created_at.tzinfo is not None
        raw = _one(session, QuestionLog, QuestionLog.user_ref == "raw")
        orm = _one(session, QuestionLog, QuestionLog.user_ref == "orm")
        assert _fields(raw, "user_ref") == _fields(orm, "user_ref")
        assert raw.created_at == NOW and raw.feedback is None
        raw = _one(session, ProcessedDelivery, ProcessedDelivery.delivery_id == "d-raw")
        orm = _one(session, ProcessedDelivery, ProcessedDelivery.delivery_id == "d-orm")
        assert _fields(raw, "delivery_id") == _fields(orm, "delivery_id")
        assert raw.response == RESPONSE


def _record_delivery(engine: Engine, delivery_id: str) -> None:
    """A web-chat turn's delivery row alone, committed."""
    with session_scope(engine) as session:
        write_turn_rows(
            session=session,
            channel="web",
            user_ref="u",
            replies=[],
            question=None,
            delivery=(delivery_id, RESPONSE),
            now=NOW,
        )


def test_a_delivery_recorded_twice_fails_as_sqlalchemy_integrity_error(engine: Engine) -> None:
    _record_delivery(engine, "twice")
    with pytest.raises(IntegrityError):
        _record_delivery(engine, "twice")


def test_state_read_changed_and_saved_matches_the_orm(engine: Engine) -> None:
    with session_scope(engine) as session:
        state = read_state(session=session, channel="web", user_ref="raw")
        assert state.id is not None and state.status == "bot" and state.data == {}
        state.lang, state.lang_fixed = "en", True
        state.data["flow"] = "booking"
        state.data["labels"] = ["是", 1.5, None, True]
        save_state(session=session, state=state)
    with session_scope(engine) as session:
        state = read_state(session=session, channel="web", user_ref="raw")  # read, not created
        assert (state.lang, state.lang_fixed, state.data["labels"]) == (
            "en",
            True,
            ["是", 1.5, None, True],
        )
        state.status = "human"
        save_state(session=session, state=state)
    with session_scope(engine) as session:
        orm = ConversationState(
            channel="web",
            user_ref="orm",
            lang="en",
            lang_fixed=True,
            status="human",
            data={"flow": "booking", "labels": ["是", 1.5, None, True]},
        )
        session.add(orm)
    with Session(engine) as session:
        raw = _one(session, ConversationState, ConversationState.user_ref == "raw")
        orm = _one(session, ConversationState, ConversationState.user_ref == "orm")
        times = ("user_ref", "created_at", "updated_at")
        assert _fields(raw, *times) == _fields(orm, *times)
        assert raw.updated_at > raw.created_at and raw.updated_at.tzinfo is not None
        again = get_state(session=session, channel="web", user_ref="raw")
        assert _fields(again) == _fields(raw)


def test_saving_the_state_keeps_a_status_changed_meanwhile(engine: Engine) -> None:
    with session_scope(engine) as session:
        get_state(session=session, channel="web", user_ref="u")
    with Session(engine) as turn:
        state = read_state(session=turn, channel="web", user_ref="u")
        with session_scope(engine) as staff:  # staff take the conversation over meanwhile
            taken = get_state(session=staff, channel="web", user_ref="u")
            taken.status = "human"
            staff.add(taken)  # as the staff desk does (already in its session)
        state.lang = "en"
        state.data["n"] = 1
        save_state(session=turn, state=state)
        turn.commit()
    with Session(engine) as session:
        row = _one(session, ConversationState, ConversationState.user_ref == "u")
        assert (row.status, row.lang, row.data) == ("human", "en", {"n": 1})


def test_wechat_claim_window_and_answer_match_the_orm(engine: Engine) -> None:
    at = NOW - dt.timedelta(minutes=5)
    with session_scope(engine) as session:
        assert claim_delivery(session=session, delivery_id="m-raw", openid="o-raw")
        assert not claim_delivery(session=session, delivery_id="m-raw", openid="o-raw")
        record_interaction(session=session, openid="o-raw", kind="message", at=at)
        assert finish_delivery(session=session, delivery_id="m-raw", chunks=["答", "案"])
    with session_scope(engine) as session:
        session.add(
            WechatDelivery(
                delivery_id="m-orm", openid="o-raw", status="replied", chunks=["答", "案"]
            )
        )
        session.add(WechatUser(openid="o-orm", subscribed=True, message_at=at))
    with Session(engine) as session:
        raw = _one(session, WechatDelivery, WechatDelivery.delivery_id == "m-raw")
        orm = _one(session, WechatDelivery, WechatDelivery.delivery_id == "m-orm")
        times = ("delivery_id", "created_at", "updated_at")
        assert _fields(raw, *times) == _fields(orm, *times)
        raw = session.get(WechatUser, "o-raw")
        orm = session.get(WechatUser, "o-orm")
        assert raw is not None and orm is not None
        assert _fields(raw, "openid", "updated_at") == _fields(orm, "openid", "updated_at")
        assert raw.message_at == at


def test_outbox_rows_queued_below_the_orm_match_enqueue(engine: Engine) -> None:
    row = {"sender": "wechat", "recipient": "o", "payload": {"text": "答"}, "ref_kind": "k"}
    with session_scope(engine) as session:
        enqueue_new(session=session, rows=[{**row, "ref_id": "1", "dedupe_key": "raw"}])
        enqueue_new(session=session, rows=[{**row, "ref_id": "1", "dedupe_key": "raw"}])
        enqueue(session=session, **row, ref_id="1", dedupe_key="orm")  # type: ignore[arg-type]
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        assert [r.dedupe_key for r in rows] == ["raw", "orm"]
        times = ("dedupe_key", "created_at", "next_attempt_at")
        assert _fields(rows[0], *times) == _fields(rows[1], *times)
        assert has_unsent(session=session, sender="wechat", recipient="o", now=NOW)
        rows[1].status = "waiting"
        session.add(rows[1])
        session.flush()
        assert release_waiting(session=session, sender="wechat", recipient="o", now=NOW) == 1


def test_sqlite_write_gate_is_left_when_the_transaction_ends(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the gate is SQLite's")
    with Session(engine) as session:
        claim_delivery(session=session, delivery_id="g", openid="o")
        dbapi = session.connection().connection.dbapi_connection
        assert isinstance(dbapi, GatedConnection)
        assert dbapi.gate._holder is dbapi  # the write holds the file's gate
        session.commit()
        assert dbapi.gate._holder is None


def test_a_new_users_state_is_committed_at_once_on_sqlite(engine: Engine) -> None:
    with Session(engine) as session:
        state_id = get_state(session=session, channel="web", user_ref="new").id
        dbapi = session.connection().connection.dbapi_connection
        if engine.dialect.name == "sqlite":
            # The turn does not hold the file's write lock while it thinks.
            assert isinstance(dbapi, GatedConnection)
            assert not dbapi.in_transaction and dbapi.gate._holder is None
        session.rollback()  # on SQLite the row stays: it was committed
    with Session(engine) as session:
        found = session.exec(select(ConversationState).where(ConversationState.user_ref == "new"))
        assert [s.id for s in found] == ([state_id] if engine.dialect.name == "sqlite" else [])


def test_find_delivery_reads_the_stored_reply(engine: Engine) -> None:
    _record_delivery(engine, "found")
    with Session(engine) as session:
        earlier = find_delivery(session=session, channel="web", delivery_id="found")
        assert earlier is not None and earlier.response == RESPONSE and earlier.created_at == NOW
        assert find_delivery(session=session, channel="web", delivery_id="other") is None
        assert find_delivery(session=session, channel="telegram", delivery_id="found") is None


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_utc_datetimes_bind_as_sqlalchemy_binds_them(dialect_name: str) -> None:
    # The shortcut for UTC datetimes (storage/raw_sql.py) against SQLModel's and the dialect's
    # own processors: the same value for UTC, other offsets and naive values handed on to them.
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlmodel.sql.sqltypes import UTCDateTime

    from storage.raw_sql import _bind_processor

    dialect = (sqlite.dialect if dialect_name == "sqlite" else postgresql.dialect)()
    full = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    fast = _bind_processor(UTCDateTime(), dialect)
    assert full is not None and fast is not None and fast is not full
    east = dt.timezone(dt.timedelta(hours=8))
    for value in (NOW, NOW.replace(microsecond=0), dt.datetime(1, 1, 1, tzinfo=dt.UTC), None):
        assert fast(value) == full(value)
    assert fast(NOW.astimezone(east)) == full(NOW.astimezone(east)) == full(NOW)
    with pytest.raises(ValueError):  # naive values are refused as before
        fast(NOW.replace(tzinfo=None))
    # The same value bound again (a scope's time) and values in turn give each its own text.
    later = NOW + dt.timedelta(microseconds=1)
    for value in (NOW, NOW, later, NOW, later, later):
        assert fast(value) == full(value)


def test_datetimes_are_stored_as_the_orm_stores_them(engine: Engine) -> None:
    # The very text (SQLite) or value (PostgreSQL) in the column, not only what reads back.
    east = dt.timezone(dt.timedelta(hours=8))
    times = [NOW, NOW.replace(microsecond=0), NOW.replace(microsecond=7), NOW.astimezone(east)]
    times += [dt.datetime(1999, 1, 2, 3, 4, 5, 600000, tzinfo=dt.UTC), NOW.replace(year=987)]
    for i, at in enumerate(times):
        with session_scope(engine) as session:
            write_turn_rows(
                session=session, channel="t", user_ref=f"raw{i}", replies=[],
                question=QUESTION, delivery=None, now=at,
            )  # fmt: skip
            session.add(QuestionLog(channel="t", user_ref=f"orm{i}", created_at=at, **QUESTION))
    stored = text("SELECT user_ref, CAST(created_at AS TEXT) FROM question_log WHERE channel = 't'")
    with engine.connect() as connection:
        texts = dict(connection.execute(stored).all())
    for i in range(len(times)):
        assert texts[f"raw{i}"] == texts[f"orm{i}"]
    if engine.dialect.name == "sqlite":
        assert texts["raw1"] == "2026-12-06 05:04:03.000000"
        assert texts["raw5"] == "0987-12-06 05:04:03.210987"
