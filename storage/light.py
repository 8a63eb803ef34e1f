"""A transaction on one pooled connection, with an ORM session only when something asks for one.

The WeChat claim and its compare-and-sets run a few fixed statements below the ORM
(storage/raw_sql.py). An ORM `Session` around them cost more than the statements themselves
(its construction, identity map, connection lookup and commit machinery: about 0.3 M of the
WeChat layer's 2.8 M instructions per message). `light_scope` opens a SQLAlchemy Core
transaction instead and hands out a `LightSession`: the raw statements run on its connection,
and anything else (`session.add`, `session.get`, `begin_nested` ... of the rarer effects) is
passed to a real `Session` made on first use, bound to the same connection, so it works in the
same transaction. Such a session joins the transaction without owning it: its commit only
flushes; the scope commits (or rolls back) the transaction itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

__all__ = ("LightSession", "light_scope")


class LightSession:
    """Stands in for a `Session` in one `light_scope`: its connection for the statements run
    below the ORM, a real session (same connection) made for anything else."""

    __slots__ = ("_connection", "_session")

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._session: Session | None = None

    def connection(self) -> Connection:
        """The transaction's connection (a real session's, inside its savepoint)."""
        session = self._session
        if session is not None and session.in_nested_transaction():
            return session.connection()  # the ORM emits the SAVEPOINT on this lookup
        return self._connection

    def flush(self) -> None:
        """Flush the real session's pending objects, if there is one."""
        if self._session is not None:
            self._session.flush()

    def orm(self) -> Session:
        """The real session on this transaction's connection, made on first use."""
        if self._session is None:
            self._session = Session(bind=self._connection, expire_on_commit=False)
        return self._session

    def __getattr__(self, name: str) -> Any:
        return getattr(self.orm(), name)

    def _end(self, *, ok: bool) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            if ok:
                session.commit()  # a flush: the session joined the transaction, not owns it
        finally:
            session.close()


@contextmanager
def light_scope(engine: Engine) -> Iterator[Session]:
    """A transaction committed on success and rolled back on error, as `session_scope`'s, that
    makes no ORM session unless one is used (typed as a `Session` for the functions it is
    passed to: storage's functions take one)."""
    with engine.begin() as connection:
        light = LightSession(connection)
        try:
            yield cast(Session, light)
        except BaseException:
            light._end(ok=False)
            raise
        light._end(ok=True)
