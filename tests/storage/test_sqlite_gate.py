"""Writers of one process queue on the SQLite file's gate, and leave it when their write ends."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from storage.conversations import add_message
from storage.db import make_engine, session_scope
from storage.models import ChatMessage


def _engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path}/gate.db")
    SQLModel.metadata.create_all(engine)
    return engine


def _write(engine: Engine, text: str) -> None:
    with session_scope(engine) as session:
        add_message(
            session=session, channel="t", user_ref="u", direction="in", text=text, sender="user"
        )


def _texts(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [m.text for m in session.exec(select(ChatMessage).order_by(ChatMessage.id))]


def test_a_second_writer_waits_for_the_first_to_commit(tmp_path: Path) -> None:
    engine, other = _engine(tmp_path), make_engine(f"sqlite:///{tmp_path}/gate.db")
    with session_scope(engine) as first:
        add_message(
            session=first, channel="t", user_ref="u", direction="in", text="a", sender="user"
        )
        first.flush()  # the write transaction is open
        second = threading.Thread(target=_write, args=(other, "b"))
        second.start()
        second.join(0.5)
        assert second.is_alive()  # queued behind the open write, neither failed nor skipped
    second.join(10)
    assert not second.is_alive()
    assert _texts(engine) == ["a", "b"]


def test_a_released_savepoint_frees_the_gate_for_others(tmp_path: Path) -> None:
    # RELEASE of the outermost SAVEPOINT commits in SQLite: the session that made it stays
    # open, but nothing of its is left to protect, so another writer goes ahead at once.
    engine = _engine(tmp_path)
    with Session(engine) as first:
        with first.begin_nested():
            add_message(
                session=first, channel="t", user_ref="u", direction="in", text="a", sender="user"
            )
        second = threading.Thread(target=_write, args=(engine, "b"))
        second.start()
        second.join(2.5)  # the gate would hold it for 5 s
        assert not second.is_alive()
    assert _texts(engine) == ["a", "b"]
