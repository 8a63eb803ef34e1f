"""A transaction on one pooled connection, with an ORM session only when something asks for one.

The WeChat claim and a conversation turn run a few fixed statements below the ORM
(storage/raw_sql.py). An ORM `Session` around them cost more than the statements themselves
(its construction, identity map, connection lookup and commit machinery: about 0.3 M of the
WeChat layer's 2.8 M instructions per message). `light_scope` opens a SQLAlchemy Core
transaction instead and hands out a `LightSession`: the raw statements run on its connection,
and anything else (`session.add`, `session.exec`, `begin_nested` ... of the rarer effects and
skills) is passed to a real `Session` made on first use, bound to the same connection. That
session takes the transaction over (join mode "control_fully"): its commit is the scope's
commit, so what listens for it (`after_commit`) hears of it once the data is committed, as
with `session_scope`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, cast

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from storage.models import utcnow

__all__ = ("LightSession", "light_scope", "on_its_own", "orm_session", "scope_now")


class LightSession:
    """Stands in for a `Session` in one `light_scope`: its connection for the statements run
    below the ORM, a real session (same connection) made for anything else."""

    __slots__ = ("_autoflush", "_below", "_connection", "_now", "_session", "info")

    def __init__(self, connection: Connection, session: Session | None = None) -> None:
        self._connection = connection
        self._session = session
        self._below: tuple[Connection, Any] | None = None
        self._now: dt.datetime | None = None
        self._autoflush = True
        # The session's `info`: the real session's own once there is one (it starts as a copy).
        self.info: dict[Any, Any] = {} if session is None else session.info

    @classmethod
    def joining(cls, session: Session) -> LightSession:
        """One over a real session's transaction, which its owner commits or rolls back."""
        return cls(session.connection(), session)

    def connection(self) -> Connection:
        """The transaction's connection: the real session's once there is one (its lookup
        emits a savepoint's SAVEPOINT, and it is the transaction's owner)."""
        session = self._session
        return self._connection if session is None else session.connection()

    def below(self) -> tuple[Connection, Any]:
        """The connection and a DBAPI cursor for statements run below the ORM
        (storage/raw_sql.py): one cursor for the scope's statements (one per statement cost
        about as much as binding its parameters). Once a real session runs the transaction
        the connection is asked of it each time (its lookup emits a savepoint's SAVEPOINT)."""
        if self._session is not None:
            return self._session.connection(), None  # None: raw_sql makes one per statement
        held = self._below
        if held is None:
            dbapi = self._connection.connection.dbapi_connection
            held = self._below = (self._connection, dbapi.cursor())  # type: ignore[union-attr]
        return held

    def now(self) -> dt.datetime:
        """The scope's time: `utcnow()` when first asked, then the same for all it writes."""
        now = self._now
        if now is None:
            now = self._now = utcnow()
        return now

    def flush(self) -> None:
        """Flush the real session's pending objects, if there is one."""
        if self._session is not None:
            self._session.flush()

    # What the ORM holds to write: nothing before the real session is made.
    @property
    def new(self) -> Any:
        return () if self._session is None else self._session.new

    @property
    def dirty(self) -> Any:
        return () if self._session is None else self._session.dirty

    @property
    def deleted(self) -> Any:
        return () if self._session is None else self._session.deleted

    @property
    @contextmanager
    def no_autoflush(self) -> Iterator[LightSession]:
        """As `Session.no_autoflush`, for a real session made inside it too."""
        was = self._autoflush
        self._autoflush = False
        if self._session is not None:
            self._session.autoflush = False
        try:
            yield self
        finally:
            self._autoflush = was
            if self._session is not None:
                self._session.autoflush = was

    def orm(self) -> Session:
        """The real session on this transaction's connection, made on first use."""
        if self._session is None:
            self._session = Session(
                bind=self._connection,
                expire_on_commit=False,
                autoflush=self._autoflush,
                join_transaction_mode="control_fully",
                info=self.info,
            )
            self._session.connection()  # it takes the transaction over now, not on first query
            self.info = self._session.info
            self._drop_cursor()
        return self._session

    def __getattr__(self, name: str) -> Any:
        return getattr(self.orm(), name)

    def _drop_cursor(self) -> None:
        held, self._below = self._below, None
        if held is not None:
            held[1].close()

    def _end(self, *, ok: bool) -> None:
        self._drop_cursor()
        session, self._session = self._session, None
        if session is None:
            return
        try:
            if ok:
                session.commit()  # the scope's commit: the session took the transaction over
        finally:
            session.close()


def scope_now(session: Session) -> dt.datetime:
    """The time the rows of `session`'s transaction are stamped with: a light scope's own, one
    for the whole transaction (as PostgreSQL's `now()` is one), else `utcnow()`. A WeChat message's
    two scopes took it six times, and each value is bound as text on SQLite (raw_sql.py: the
    same value again is bound at once)."""
    if isinstance(session, LightSession):
        return session.now()
    return utcnow()


def orm_session(session: Session) -> Session:
    """The real `Session` behind `session` (made now for a `LightSession`): what ORM events
    are listened for on."""
    if isinstance(session, LightSession):
        return session.orm()
    return session


def light_scope(
    bind: Engine | Connection, kind: type[LightSession] = LightSession
) -> AbstractContextManager[Session]:
    """A transaction committed on success and rolled back on error, as `session_scope`'s, that
    makes no ORM session unless one is used (typed as a `Session` for the functions it is
    passed to: storage's functions take one). `bind`: an engine (a pooled connection for this
    transaction) or a connection the caller holds, for transactions in a row on one checkout
    (a pool's checkout and return cost more than a short transaction). `kind`: a
    `LightSession` class."""
    if isinstance(bind, Engine):
        return _pooled_scope(bind, kind)
    return _LightScope(bind, kind)


@contextmanager
def _pooled_scope(engine: Engine, kind: type[LightSession]) -> Iterator[Session]:
    with engine.connect() as connection, _LightScope(connection, kind) as session:
        yield session


@contextmanager
def on_its_own(connection: Connection) -> Iterator[Session]:
    """A `LightSession` whose statement commits by itself (PostgreSQL: the connection in
    autocommit while it runs), on a connection the caller holds, not in a transaction: no
    round trips for BEGIN and COMMIT around it. For one statement, which is atomic on its own;
    below the ORM only (an ORM session would begin a transaction of its own)."""
    dbapi: Any = connection.connection.dbapi_connection
    dbapi.autocommit = True
    light = LightSession(connection)
    try:
        yield cast(Session, light)
    finally:
        light._drop_cursor()
        if not connection.invalidated:  # a lost connection is closed and dropped anyway
            dbapi.autocommit = False


class _LightScope:
    """`light_scope` on a held connection: a class, not a generator (the two WeChat scopes of
    every message; a generator's context manager cost about 8 k instructions a scope more)."""

    __slots__ = ("connection", "kind", "light", "transaction")

    def __init__(self, connection: Connection, kind: type[LightSession]) -> None:
        self.connection, self.kind = connection, kind

    def __enter__(self) -> Session:
        self.transaction = self.connection.begin().__enter__()  # as `with connection.begin()`
        self.light = self.kind(self.connection)
        return cast(Session, self.light)

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        try:
            self.light._end(ok=error is None)
        except BaseException:
            self.transaction.__exit__(*sys.exc_info())
            raise
        self.transaction.__exit__(kind, error, trace)
