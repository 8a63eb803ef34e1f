"""Stall the database as a long lock elsewhere would: SQLite by a second connection holding
BEGIN IMMEDIATE (writers wait), PostgreSQL by LOCK TABLE in an open transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

__all__ = ("stalled",)


@contextmanager
def stalled(url: str, table: str = "wechat_delivery") -> Iterator[None]:
    """Hold a lock that blocks writes to `table` (every write on SQLite) until the block ends."""
    if make_url(url).get_backend_name() == "sqlite":
        import sqlite3

        conn = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(url)
    with engine.connect() as pg:
        pg.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            pg.rollback()
    engine.dispose()
