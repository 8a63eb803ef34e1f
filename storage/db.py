"""Engine creation (SQLite with WAL, or PostgreSQL via psycopg 3) and schema upgrades."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from storage.sqlite_gate import GatedConnection

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ("MIGRATIONS_DIR", "make_engine", "schema_lock", "session_scope", "upgrade_db")

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # WAL lets the web workers read while one writes; busy_timeout waits instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # No mmap_size: a connection that finds the WAL changed by another unmaps the file (munmap,
    # then fstat and mmap at its next read), so under concurrent writers it saved no system
    # call; and the pages read most sit in the WAL, which SQLite reads with pread regardless.
    cursor.close()


# The connection returned last is the one taken next. SQLite drops a connection's whole page
# cache when it finds that another connection wrote since its last transaction; first in, first
# out handed every transaction the connection idle longest, whose cache was always stale: each
# page a message's transactions touched was read again (some 30 pread calls a message, one
# request at a time). The connection just used has its cache still valid unless another wrote.
_SQLITE_FILE_POOL: dict[str, Any] = {"pool_use_lifo": True}


def _ping(dbapi_connection: Any) -> bool:
    """The pool's pre-ping on PostgreSQL: an empty query, as SQLAlchemy's psycopg dialect sends
    (one round trip: a connection the server closed or lost is found before it is handed out),
    sent by libpq itself. The dialect's switched the connection to autocommit and back and
    made a cursor for it, the ping of every request. False (the pool reconnects) when the
    server does not answer."""
    from psycopg.pq import ConnStatus, ExecStatus

    pgconn = dbapi_connection.pgconn
    try:
        result = pgconn.exec_(b";")
    except Exception:  # psycopg's OperationalError: no result at all
        return False
    return bool(pgconn.status == ConnStatus.OK and result.status == ExecStatus.EMPTY_QUERY)


def make_engine(
    url: str,
    *,
    echo: bool = False,
    pool_size: int = 20,
    max_overflow: int = 10,
    pool_timeout: float = 10.0,
    pool_recycle: int = 1800,
) -> Engine:
    """An engine for `url`; SQLite files get their folder created and WAL switched on.

    PostgreSQL gets a sized pool: connections beyond `pool_size` are closed when returned, so a
    pool smaller than the worker's concurrent turns opens and closes connections under load.
    """
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        if not memory:
            path = Path(url.split("///", 1)[1])
            path.parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, Any] = {"check_same_thread": False}
        if not memory:
            connect_args["factory"] = GatedConnection
        engine = create_engine(
            url,
            echo=echo,
            connect_args=connect_args,
            **({"poolclass": StaticPool} if memory else _SQLITE_FILE_POOL),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=pool_recycle,
        pool_use_lifo=True,  # idle connections past the burst age out instead of all staying warm
    )
    if engine.dialect.driver == "psycopg":
        engine.dialect.do_ping = _ping  # type: ignore[method-assign]
    return engine


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at tmbot's migrations and `url`."""
    from alembic.config import Config  # imported here: a serving process never migrates

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_db(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` up to date (one linear history since 0005_merge)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


# Any constant both processes agree on: the key of the advisory lock taken while migrating.
_SCHEMA_LOCK = 0x746D626F74  # "tmbot"


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold the database's schema lock while migrating and seeding.

    Two app servers started at once against one PostgreSQL would otherwise both run the same
    migrations and seed the corpus twice; the second waits here and then finds nothing to do.
    SQLite needs none: one machine, and `tmbot serve --workers N` migrates before forking.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _SCHEMA_LOCK})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK})
            conn.commit()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
