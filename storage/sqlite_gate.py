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
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ("GatedConnection", "is_read")

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
    """A sqlite3 connection whose writing statements wait for its file's write gate, and that
    leaves the gate when its transaction ends.

    The gate is kept by the connection's cursors themselves, not by engine events: an engine
    with event listeners pays for them on every connection and statement, and statements run
    below SQLAlchemy (storage/raw_sql.py) are gated all the same."""

    gate: _Gate

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self.gate = _gate_for(database, float(kwargs.get("timeout", 5.0)))

    def cursor(self, factory: Any = None) -> Any:  # type: ignore[override]
        return super().cursor(factory or _GatedCursor)

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


class _GatedCursor(sqlite3.Cursor):
    connection: GatedConnection

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        self._before(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self._after()

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        self._before(sql)
        try:
            return super().executemany(sql, parameters)
        finally:
            self._after()

    def _before(self, sql: str) -> None:
        if not is_read(sql):
            connection = self.connection
            connection.gate.enter(connection)

    def _after(self) -> None:
        # RELEASE of an outermost SAVEPOINT, or DDL outside a transaction, commits by itself.
        connection = self.connection
        if not connection.in_transaction:
            connection.gate.leave(connection)


@lru_cache(maxsize=1024)  # asked before every statement: a turn's are a few fixed strings
def is_read(statement: str) -> bool:
    """Whether `statement` only reads (it needs no gate)."""
    return statement.lstrip()[:6].upper() in _READS
