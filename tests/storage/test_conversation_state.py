"""A new user's conversation state: the row and the object are the model's defaults, as the ORM
would have made them, though no model instance is built to write it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import instance_state
from sqlmodel import Session, select

from storage.conversations import get_state, read_state
from storage.db import make_engine, session_scope
from storage.models import ConversationState


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def test_a_new_users_state_is_the_models_defaults(engine: Engine) -> None:
    model = ConversationState(channel="wechat", user_ref="new")
    with session_scope(engine) as session:
        state = get_state(session=session, channel="wechat", user_ref="new")
        assert instance_state(state).persistent and state in session
        assert not session.dirty  # attached as if read: nothing to write yet
        made = state.model_dump(exclude={"id", "created_at", "updated_at"})
        assert made == model.model_dump(exclude={"id", "created_at", "updated_at"})
        assert state.created_at.tzinfo is not None and state.updated_at >= state.created_at
        state.data["n"] = 1  # the defaults are not shared between users
    with Session(engine) as session:
        row = session.exec(select(ConversationState)).one()
        assert (row.id, row.lang, row.lang_fixed, row.status) == (state.id, "zh", False, "bot")
        assert row.data == {} and model.data == {}
        assert row.created_at == state.created_at


def test_a_new_users_turn_state_is_the_models_defaults(engine: Engine) -> None:
    model = ConversationState(channel="web", user_ref="new")
    with session_scope(engine) as session:
        state = read_state(session=session, channel="web", user_ref="new")
        made = {c: getattr(state, c) for c in ("channel", "user_ref", "lang", "lang_fixed")}
        assert made == model.model_dump(include={"channel", "user_ref", "lang", "lang_fixed"})
        assert (state.status, state.data) == (model.status, model.data)
        state.data["n"] = 1  # the defaults are not shared between users
    with session_scope(engine) as session:
        again = read_state(session=session, channel="web", user_ref="new")  # read, not created
        assert (again.id, again.data, model.data) == (state.id, {}, {})
