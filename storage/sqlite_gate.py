"""One writer at a time per SQLite file inside a process, queued on a lock instead of SQLite's
busy handler.

SQLite lets one connection write at a time. A connection that finds the file locked sleeps in
steps of 1, 2, 5, 10 ... ms before it tries again, so threads of one web worker writing turns
side by side spend most of their time asleep (p99 of a WeChat turn was 120 ms for 3 ms of
work). Here a writer waits on a lock released the moment the previous writer's COMMIT or
ROLLBACK returns. Other processes on the same file still meet SQLite's busy timeout, and a gate
that cannot be had within that timeout is skipped, so nothing waits longer than before.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

__all__ = ("GatedConnection", "gate_writes", "is_read", "statement_done", "statement_starts")

_READS = ("SELECT", "PRAGMA")


class _Gate:
    def __init__(self, timeout: float) -> None:
        self._lock = threading.Lock()
        self._holder: object | None = None
        self.timeout = timeout

    def enter(self, conn: object) -> None:
        if self._holder is conn:
            return
        # Two connections of one thread can meet here; after the timeout SQLite decides.
        if self._lock.acquire(timeout=self.timeout):
            self._holder = conn

    def leave(self, conn: object) -> None:
        if self._holder is conn:
            self._holder = None
            self._lock.release()


_GATES: dict[str, _Gate] = {}
_GATES_LOCK = threading.Lock()


def _gate_for(database: str, timeout: float) -> _Gate:
    key = str(Path(database).resolve())
    with _GATES_LOCK:
        return _GATES.setdefault(key, _Gate(timeout))


class GatedConnection(sqlite3.Connection):
    """A sqlite3 connection that leaves its file's write gate when its transaction ends."""

    gate: _Gate

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self.gate = _gate_for(database, float(kwargs.get("timeout", 5.0)))

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.gate.leave(self)

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.gate.leave(self)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.gate.leave(self)


def is_read(statement: str) -> bool:
    """Whether `statement` only reads (it needs no gate)."""
    return statement.lstrip()[:6].upper() in _READS


def statement_starts(dbapi: GatedConnection) -> None:
    """A writing statement is about to run on `dbapi`: wait for the file's gate."""
    dbapi.gate.enter(dbapi)


def statement_done(dbapi: GatedConnection) -> None:
    """A statement ran on `dbapi`: leave the gate if that ended the transaction."""
    # RELEASE of an outermost SAVEPOINT, or DDL outside a transaction, commits by itself.
    if not dbapi.in_transaction:
        dbapi.gate.leave(dbapi)


def _before_execute(conn: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any) -> None:
    if is_read(statement):
        return
    dbapi = conn.connection.dbapi_connection
    if isinstance(dbapi, GatedConnection):
        statement_starts(dbapi)


def _after_execute(conn: Any, *_args: Any, **_kwargs: Any) -> None:
    dbapi = conn.connection.dbapi_connection
    if isinstance(dbapi, GatedConnection):
        statement_done(dbapi)


def gate_writes(engine: Engine) -> None:
    """Queue `engine`'s writers on its file's gate (the engine must connect with
    `factory=GatedConnection`)."""
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "after_cursor_execute", _after_execute)
