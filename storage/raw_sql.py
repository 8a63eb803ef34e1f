"""The hot fixed statements of a turn, run on the session's own DBAPI connection.

SQLAlchemy's execution path (cache key, compiled-cache lookup, execution context, events,
result object) cost about six times what sqlite3 spends running a turn's statements. The few
statements every message runs (state row, transcript rows, WeChat claim ...) are compiled once
per dialect here, by SQLAlchemy, to the dialect's SQL string; each call then only converts its
values with the column types' own bind processors (JSON as text, SQLite's datetime format,
booleans) and runs the string on the DBAPI cursor of the connection the session already uses,
in the same transaction. A row so written reads back through the models exactly as one the ORM
wrote (tests/storage/test_raw_sql.py).

What SQLAlchemy's path did besides is done here too: DBAPI errors raised as SQLAlchemy's
(IntegrityError, OperationalError), a lost connection invalidated; the SQLite write gate is the
connection's own (storage/sqlite_gate.py). Not done: echo logging and engine events.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, exc, text
from sqlalchemy.dialects.sqlite import pysqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import SessionTransaction, class_mapper, make_transient_to_detached
from sqlalchemy.sql import Executable, Insert
from sqlalchemy.types import TypeEngine
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from storage.datetime_text import sqlite_text
from storage.light import LightSession

__all__ = (
    "Done",
    "Statements",
    "as_loaded",
    "commit_at_once",
    "execute",
    "execute_many",
    "insert_values",
    "light_dialect",
)

# name -> statement, for one dialect name ("sqlite", "postgresql"); cached by the caller.
Statements = Callable[[str], Mapping[Any, Executable]]
_CONNECTION = "tmbot.raw_connection"
_TEXT_DIALECT = pysqlite.dialect()  # SQLite's own statements (savepoints) have no parameters
_M = TypeVar("_M")


class Done:
    """What a statement returned: its processed rows (RETURNING, SELECT) and rowcount."""

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def first(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None


class _Compiled:
    """One statement's SQL for one dialect, with how to build its parameters from a call's."""

    __slots__ = ("params", "returns", "rows", "sql")

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        columns = getattr(statement, "exported_columns", ())
        if isinstance(statement, Insert) and not columns:
            # Nobody reads the new key back: no implicit RETURNING (PostgreSQL would add one).
            statement = statement.inline()
        compiled = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        if "__[POSTCOMPILE_" in self.sql:
            raise ValueError("expanding parameters (IN lists) are not supported here")
        positional = compiled.positiontup
        names: Sequence[str] = (
            positional if positional is not None else list(compiled.bind_names.values())
        )
        # The parameters in order: the statement's constants (processed once, here) and a
        # call's values at their places (through their type's processor, if any).
        env: dict[str, Any] = {}
        items = []
        for at, name in enumerate(names):
            bind = compiled.binds[name]
            process = _bind_processor(bind.type, dialect)
            if bind.required or bind.callable is not None:
                item = f"v[{bind.key!r}]"
                if process is not None:
                    env[f"p{at}"], item = process, f"p{at}({item})"
            else:
                env[f"c{at}"] = process(bind.value) if process is not None else bind.value
                item = f"c{at}"
            items.append(item if positional is not None else f"{name!r}: {item}")
        listed = ", ".join(items)
        shape = ("({},)" if items else "()") if positional is not None else "{{{}}}"
        self.params: Callable[[Mapping[str, Any]], Any] = _function("v", shape.format(listed), env)
        # A row as the column types read it (their result processors, if any).
        self.returns = bool(columns)
        env, items = {}, []
        for at, column in enumerate(columns):
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
            item = f"r[{at}]"
            if process is not None:
                env[f"p{at}"], item = process, f"p{at}({item})"
            items.append(item)
        self.rows: Callable[[Sequence[Any]], list[tuple[Any, ...]]] = _function(
            "fetched", f"[({', '.join(items)},) for r in fetched]" if items else "[]", env
        )


def _function(args: str, body: str, env: dict[str, Any]) -> Callable[..., Any]:
    """`lambda args: body`, with `env`'s names: a statement's parameters (and its rows) built
    by one expression written for it, as `namedtuple` and `dataclass` write their methods. A
    loop over the parameters' places, processors and constants cost several times as much,
    for about 11 statements a WeChat message."""
    return eval(f"lambda {args}: {body}", env)  # type: ignore[no-any-return]


_SAMPLES = (
    dt.datetime(2026, 12, 6, 5, 4, 3, 210987, tzinfo=dt.UTC),
    dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    dt.datetime(999, 12, 31, 23, 59, 59, 1, tzinfo=dt.UTC),
)


# The UTC datetime bound last on SQLite and its text, for every statement's datetimes.
_LAST_TEXT: list[tuple[Any, str]] = [(None, "")]


def _bind_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The type's bind processor for `dialect`; for UTC datetimes already in UTC (every value
    tmbot binds: `utcnow()`) a shortcut giving the same value: SQLModel's `UTCDateTime`, then
    SQLite's string format, cost about as much as running a statement (about 13 datetimes per
    WeChat message); SQLite's text is written from tables of digits (storage/datetime_text.py).
    Checked against the full processor on sample values here, and kept only when they agree;
    any other value still goes through the full processor."""
    process: Callable[[Any], Any] | None = type_.dialect_impl(dialect).bind_processor(dialect)
    if process is None or not isinstance(type_, UTCDateTime):
        return process
    full = process
    if dialect.name == "sqlite":

        def fast(value: Any) -> Any:
            if value.__class__ is dt.datetime and value.tzinfo is dt.UTC:
                held, text = _LAST_TEXT[0]
                if value is held:  # a scope's time (light.py scope_now), bound again
                    return text
                text = sqlite_text(value)
                _LAST_TEXT[0] = (value, text)  # one tuple: threads see a value with its text
                return text
            return full(value)

    else:

        def fast(value: Any) -> Any:
            if value.__class__ is dt.datetime and value.tzinfo is dt.UTC:
                return value  # astimezone(UTC) of a UTC datetime: an equal copy
            return full(value)

    if all(fast(v) == full(v) for v in _SAMPLES):
        return fast
    return full


def as_loaded(model: type[_M], names: Sequence[str], row: Sequence[Any]) -> _M:
    """A detached `model` instance holding `row` (columns `names`), as if the ORM had loaded
    it: changes made to it from now on are its history, and `session.add` makes it persistent."""
    instance: _M = class_mapper(model).class_manager.new_instance()
    instance.__dict__.update(zip(names, row, strict=True))
    make_transient_to_detached(instance)
    return instance


@contextmanager
def commit_at_once(session: Session) -> Iterator[None]:
    """On SQLite outside a transaction, what runs inside commits when it ends (a SAVEPOINT and
    its RELEASE: no file lock held for the rest of the turn); elsewhere it joins the session's
    transaction. Cheaper than `session.begin_nested()`, for statements that cannot fail on a
    conflict (ON CONFLICT DO NOTHING): nothing to roll back to."""
    held = _held(session)
    dbapi = held[0].connection.dbapi_connection
    if not isinstance(dbapi, sqlite3.Connection) or dbapi.in_transaction:
        yield
        return
    _run(held, _compiled_text("SAVEPOINT tmbot_once"), (), many=False)
    yield  # an error leaves the transaction open: the session's rollback ends it
    _run(held, _compiled_text("RELEASE SAVEPOINT tmbot_once"), (), many=False)


def insert_values(table: Table, keys: Sequence[str], prefix: str = "") -> dict[str, Any]:
    """`.values()` of an INSERT taking `keys` from each call, as SQLAlchemy would fill it: a
    column left out gets its constant default; one with a computed default must be given.
    `prefix`: of the parameters' names (several rows, or tables, in one statement)."""
    values: dict[str, Any] = {key: bindparam(prefix + key) for key in keys}
    for column in table.columns:
        default = column.default
        if column.name in values or default is None:
            continue
        if not default.is_scalar:  # type: ignore[attr-defined]
            raise ValueError(f"{table.name}.{column.name} has a computed default: pass it")
        values[column.name] = default.arg  # type: ignore[attr-defined]
    return values


@cache
def _compiled_text(sql: str) -> _Compiled:
    return _Compiled(text(sql), _TEXT_DIALECT)


@cache
def _compiled(statements: Statements, dialect: Dialect, name: Hashable) -> _Compiled:
    return _Compiled(statements(dialect.name)[name], dialect)


def light_dialect(session: Session) -> str | None:
    """The dialect's name ("postgresql", "sqlite") when `session` is a light scope that made no
    ORM session (storage/light.py), whose statements may be combined into one; else None."""
    if not isinstance(session, LightSession):
        return None
    connection, cursor = session.below()
    return None if cursor is None else connection.dialect.name


def _held(session: Session) -> tuple[Connection, Any]:
    """The session's connection, and a DBAPI cursor on it kept for its transaction (None: one
    is made per statement)."""
    if isinstance(session, LightSession):  # a transaction without an ORM session (light.py)
        return session.below()
    # session.connection() walks the ORM's transaction machinery on every call; the connection
    # of a transaction does not change while it is active, so it is looked up once per
    # transaction (an ended or failed one is never reused). Inside a savepoint the ORM's own
    # lookup is what emits the SAVEPOINT: it is not skipped there.
    if session.in_nested_transaction():
        return session.connection(), None
    transaction: SessionTransaction | None = session.get_transaction()
    held = session.info.get(_CONNECTION)
    if held is not None and held[0] is transaction and transaction and transaction.is_active:
        return held[1]  # type: ignore[no-any-return]
    connection = session.connection()
    pair = (connection, None)
    session.info[_CONNECTION] = (session.get_transaction(), pair)
    return pair


def execute(
    session: Session, statements: Statements, name: Hashable, values: Mapping[str, Any]
) -> Done:
    """Run statement `name` of `statements` with `values` in the session's transaction."""
    held = _held(session)
    compiled = _compiled(statements, held[0].dialect, name)
    return _run(held, compiled, compiled.params(values), many=False)


def execute_many(
    session: Session, statements: Statements, name: Hashable, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Run statement `name` once per row (DBAPI executemany), in the session's transaction."""
    if not rows:
        return
    held = _held(session)
    compiled = _compiled(statements, held[0].dialect, name)
    _run(held, compiled, [compiled.params(row) for row in rows], many=True)


def _run(held: tuple[Connection, Any], compiled: _Compiled, params: Any, *, many: bool) -> Done:
    connection, cursor = held
    own = cursor is None
    if own:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if many:
            cursor.executemany(compiled.sql, params)
            return Done([], cursor.rowcount)
        cursor.execute(compiled.sql, params)
        if compiled.returns:
            return Done(compiled.rows(cursor.fetchall()), cursor.rowcount)
        return Done([], cursor.rowcount)
    except Exception as error:
        translated = _translated(connection, compiled.sql, params, error, cursor)
        if translated is error:
            raise
        raise translated from error
    finally:
        if own:
            cursor.close()


def _translated(
    connection: Connection, sql: str, params: Any, error: Exception, cursor: Any
) -> Exception:
    # As SQLAlchemy raises it: IntegrityError, OperationalError ... wrapping the DBAPI's error;
    # a connection the database dropped is invalidated so the pool does not hand it out again.
    dialect = connection.dialect
    base = dialect.loaded_dbapi.Error
    if not isinstance(error, base):
        return error
    lost = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
    if lost:
        connection.invalidate(error)
    return exc.DBAPIError.instance(
        sql, params, error, base, connection_invalidated=lost, dialect=dialect
    )
