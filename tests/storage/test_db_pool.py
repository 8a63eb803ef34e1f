"""The pools: PostgreSQL's is sized by settings, so a worker under load reuses its connections;
SQLite's hands out the connection returned last."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from bot.core.runtime import build_runtime
from bot.core.settings import Settings
from storage.db import make_engine


def test_the_pool_takes_its_size_from_the_arguments() -> None:
    # No connection is made until first use: the URL only has to parse.
    engine = make_engine(
        "postgresql+psycopg://tmbot@127.0.0.1:1/nothing",
        pool_size=7,
        max_overflow=3,
        pool_timeout=2.5,
        pool_recycle=60,
    )
    pool = engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.size() == 7 and pool._max_overflow == 3
    assert pool._timeout == 2.5 and pool._recycle == 60 and pool._pre_ping


def test_the_runtime_sizes_its_pool_from_settings(settings: Settings) -> None:
    if settings.is_sqlite:
        settings = settings.model_copy(
            update={"database_url": "postgresql+psycopg://tmbot@127.0.0.1:1/nothing"}
        )
    sized = settings.model_copy(update={"db_pool_size": 9, "db_max_overflow": 4})
    runtime = build_runtime(sized, migrate=False)
    assert runtime.engine.pool.size() == 9
    assert runtime.engine.pool._max_overflow == 4  # type: ignore[attr-defined]
    runtime.engine.dispose()


def test_a_sqlite_file_pool_hands_out_the_connection_returned_last(tmp_path: Path) -> None:
    # Its page cache is the likeliest to be still valid (storage/db.py): first in, first out
    # handed out the one idle longest.
    engine = make_engine(f"sqlite:///{tmp_path}/pool.db")
    try:
        first, second = engine.connect(), engine.connect()
        returned_last = second.connection.dbapi_connection
        first.close()
        second.close()
        with engine.connect() as again:
            assert again.connection.dbapi_connection is returned_last
    finally:
        engine.dispose()


def test_a_connection_the_server_closed_is_not_handed_out(db_url: str) -> None:
    # The pre-ping (storage/db.py `_ping` on PostgreSQL): a pooled connection whose server
    # process was terminated (a restart does the same) is replaced at checkout, not used.
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's pre-ping")
    engine = make_engine(db_url, pool_size=1)
    with engine.connect() as connection:
        first = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with make_engine(db_url).connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    with engine.connect() as connection:  # no error: the ping found it gone
        second = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
        assert connection.connection.dbapi_connection.autocommit is False  # type: ignore[union-attr]
    with engine.connect() as connection:  # a live connection passes the ping and is kept
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() == second
    engine.dispose()
