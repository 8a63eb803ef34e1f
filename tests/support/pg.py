"""The PostgreSQL test database: one schema per test process, reset between tests."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, quote, urlsplit

from sqlalchemy import create_engine, text

# Parallel test processes (pytest-xdist) share the one database the run was given; each works in
# a schema of its own, named by its worker id, so one process's reset never drops another's tables.
_OPTION = "-csearch_path="


def worker_url(base: str, worker: str | None = None) -> str:
    """`base` as this test process should use it: under xdist, pinned to the worker's schema."""
    worker = worker if worker is not None else os.environ.get("PYTEST_XDIST_WORKER", "")
    if not base or not worker:
        return base
    joiner = "&" if urlsplit(base).query else "?"
    return f"{base}{joiner}options={quote(_OPTION + 'tmbot_' + worker)}"


def schema_of(url: str) -> str:
    """The schema a test URL works in (`public` unless worker_url pinned one)."""
    for option in parse_qs(urlsplit(url).query).get("options", []):
        if option.startswith(_OPTION):
            return option.removeprefix(_OPTION)
    return "public"


def reset_pg(url: str) -> None:
    """Drop the test schema with every table (and alembic's version table) and create it empty."""
    schema = schema_of(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def truncate_pg(url: str) -> None:
    """Empty every table but Alembic's and restart the sequences, keeping the migrated schema.

    DELETE with foreign-key triggers off (session_replication_role) instead of TRUNCATE: on
    tables of a few rows TRUNCATE's new files and fsyncs cost 10x more, once per test.
    """
    schema = schema_of(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = :schema AND tablename <> 'alembic_version'"
                ),
                {"schema": schema},
            )
            .scalars()
            .all()
        )
        sequences = (
            conn.execute(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = :schema"),
                {"schema": schema},
            )
            .scalars()
            .all()
        )
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for name in names:
            conn.execute(text(f'DELETE FROM "{schema}"."{name}"'))
        for sequence in sequences:
            conn.execute(text(f'ALTER SEQUENCE "{schema}"."{sequence}" RESTART'))
    engine.dispose()
